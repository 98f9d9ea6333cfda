// node validate.mjs DOCUMENT...: validate AsyncAPI documents with the official parser.
//
// @asyncapi/parser is the library behind `asyncapi validate` (the CLI adds a 1.5 GB tree
// of Studio, Next.js and code generators on top, for the same checks). It reads each
// document, resolves its $refs (the partner contracts' JSON Schemas, from the files they
// name), and checks it against the AsyncAPI specification's JSON Schema and the
// AsyncAPI ruleset. Every diagnostic is printed; the exit status is 1 if any document has
// an error or a warning, 2 on bad usage, 0 otherwise (information and hints, such as
// "a later AsyncAPI version exists", are printed and pass).
import { resolve } from "node:path";
import { DiagnosticSeverity, Parser, fromFile } from "@asyncapi/parser";

const NAMES = { [DiagnosticSeverity.Error]: "error", [DiagnosticSeverity.Warning]: "warning",
                [DiagnosticSeverity.Information]: "info", [DiagnosticSeverity.Hint]: "hint" };

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs DOCUMENT...");
  process.exit(2);
}
const parser = new Parser();
let failed = false;
for (const file of files) {
  const { document, diagnostics } = await fromFile(parser, resolve(file)).parse();
  for (const d of diagnostics) {
    const where = d.path.length ? d.path.join(".") : "(document)";
    const line = d.range ? `${d.range.start.line + 1}:${d.range.start.character + 1}` : "-";
    console.log(`${file}:${line} ${NAMES[d.severity] ?? d.severity} ${d.code} at ${where}: ${d.message}`);
  }
  const bad = diagnostics.some((d) => d.severity <= DiagnosticSeverity.Warning);
  if (document === undefined || bad) {
    failed = true;
    console.log(`${file}: INVALID`);
  } else {
    console.log(`${file}: valid AsyncAPI ${document.version()}`);
  }
}
process.exit(failed ? 1 : 0);
