// A partner that is not Python: reads its own topic with its own SCRAM user (kafkajs) and
// checks every message against the published partner schema its ce_dataschema names
// (ajv, JSON Schema 2020-12), as docs/partners.md tells a partner to.
//
//   node consume.mjs <schemas.json> <count>
//   env: KAFKA_BOOTSTRAP, KAFKA_USERNAME, KAFKA_PASSWORD, KAFKA_TOPIC, KAFKA_GROUP,
//        KAFKA_SECURITY_PROTOCOL (SASL_PLAINTEXT or SASL_SSL), KAFKA_SASL_MECHANISM
//
// <schemas.json> is a JSON array of the schemas the gateway serves (each with its $id).
// Prints one JSON line per message ({offset, key, id, type, dataschema, valid, errors})
// and exits 0 when <count> messages arrived and every one was valid, 1 when one was not,
// 2 when they did not arrive within 30 s or the broker refused.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { Kafka, logLevel } from "kafkajs";

const [schemasFile, countArg] = process.argv.slice(2);
const count = Number(countArg);
const env = process.env;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
for (const schema of JSON.parse(readFileSync(schemasFile, "utf8"))) ajv.addSchema(schema);

const mechanism = (env.KAFKA_SASL_MECHANISM || "SCRAM-SHA-512").toLowerCase();
const kafka = new Kafka({
  clientId: "partner-js",
  brokers: env.KAFKA_BOOTSTRAP.split(","),
  ssl: env.KAFKA_SECURITY_PROTOCOL === "SASL_SSL",
  sasl: { mechanism, username: env.KAFKA_USERNAME, password: env.KAFKA_PASSWORD },
  logLevel: logLevel.NOTHING,
});
const consumer = kafka.consumer({ groupId: env.KAFKA_GROUP });

let seen = 0;
let invalid = 0;
try {
  await consumer.connect();
  await consumer.subscribe({ topic: env.KAFKA_TOPIC, fromBeginning: true });
} catch (error) {
  console.error(`refused: ${error.type || error.name}: ${error.message}`);
  process.exit(2);
}
const status = await new Promise((resolve) => {
  const timer = setTimeout(() => resolve(2), 30_000);
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    console.error(`refused: ${payload.error.type || payload.error.name}: ${payload.error.message}`);
    clearTimeout(timer);
    resolve(2);
  });
  consumer
    .run({
      eachMessage: async ({ message }) => {
        const header = (name) => message.headers[name]?.toString();
        const dataschema = header("ce_dataschema");
        const validate = dataschema && ajv.getSchema(dataschema);
        let valid = false;
        let errors = validate ? null : [`no published schema for ${dataschema}`];
        if (validate) {
          valid = validate(JSON.parse(message.value.toString()));
          errors = valid ? null : validate.errors.map((e) => `${e.instancePath} ${e.message}`);
        }
        if (!valid) invalid += 1;
        seen += 1;
        console.log(JSON.stringify({
          offset: message.offset, key: message.key?.toString(), id: header("ce_id"),
          type: header("ce_type"), dataschema, valid, errors,
        }));
        if (seen >= count) {
          clearTimeout(timer);
          resolve(invalid ? 1 : 0);
        }
      },
    })
    .catch((error) => {
      console.error(`refused: ${error.type || error.name}: ${error.message}`);
      clearTimeout(timer);
      resolve(2);
    });
});
await consumer.disconnect().catch(() => {});
process.exit(status);
