"""The AsyncAPI document of the partner channels: generated, committed, and valid.

``docs/asyncapi/partners.asyncapi.json`` is what ``partners.entrypoints.asyncapi``
builds from the partner contracts and the gateway's code (``make asyncapi``); it is
validated with the official AsyncAPI parser that ``make test`` installs into
``.tools/asyncapi`` (``tools/asyncapi/``). A missing validator fails, never skips; and
broken copies prove the validator refuses what it must, so the check cannot pass by
checking nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gotong_platform.contracts.partner_feed import PARTNER_CONTRACTS
from partners.entrypoints.asyncapi import DOCUMENT, SCHEMAS_DIR, document, render

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT / ".tools" / "asyncapi" / "validate.mjs"
INSTALLED = ROOT / ".tools" / "asyncapi" / "node_modules" / ".installed"


def validate(*docs: Path) -> subprocess.CompletedProcess[str]:
    """Run the official parser on ``docs``; fails (never skips) when it is not installed."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: install Node.js 20 and npm")
    if not (VALIDATOR.exists() and INSTALLED.exists()):
        pytest.fail("the AsyncAPI validator is not installed: make asyncapi-tools "
                    "(make test installs it)")
    if VALIDATOR.read_bytes() != (ROOT / "tools" / "asyncapi" / "validate.mjs").read_bytes():
        pytest.fail("the installed validator is stale: make asyncapi-tools")
    return subprocess.run(  # noqa: S603 - fixed argv, no shell, our own files
        [node, str(VALIDATOR), *map(str, docs)], capture_output=True,
        text=True, timeout=120, check=False)


def test_the_committed_document_is_the_generated_one() -> None:
    committed = (ROOT / DOCUMENT).read_text()
    assert committed == render(document()), "regenerate it: make asyncapi"


def test_the_committed_document_is_valid_asyncapi_3() -> None:
    result = validate(ROOT / DOCUMENT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{ROOT / DOCUMENT}: valid AsyncAPI 3.0.0" in result.stdout.splitlines()


def test_the_gateway_takes_a_token_or_a_signed_request() -> None:
    doc = document()
    either = [{"$ref": "#/components/securitySchemes/partnerToken"},
              {"$ref": "#/components/securitySchemes/partnerSignature"}]
    assert doc["operations"]["readPartnerFeed"]["security"] == either
    assert doc["servers"]["gateway"]["security"] == either
    signature = doc["components"]["securitySchemes"]["partnerSignature"]
    assert (signature["type"], signature["name"], signature["in"]) == (
        "httpApiKey", "X-SIGNATURE", "header")


def test_every_contract_is_the_data_of_a_message_on_every_channel() -> None:
    doc = document()
    schemas, messages = doc["components"]["schemas"], doc["components"]["messages"]
    for cls in PARTNER_CONTRACTS.values():
        name = cls.schema_name()
        assert schemas[name] == {"$ref": f"../../{SCHEMAS_DIR.as_posix()}/{name}.json"}
        assert (ROOT / DOCUMENT).parent.joinpath(schemas[name]["$ref"]).resolve().is_file()
        event = schemas[f"CloudEvent.{name}"]["properties"]
        assert event["data"] == {"$ref": f"#/components/schemas/{name}"}
        assert event["type"]["const"] == cls.ce_type()
        assert messages[f"webhook.{name}"]["payload"] == {
            "$ref": f"#/components/schemas/CloudEvent.{name}"}
        assert messages[f"kafka.{name}"]["payload"] == {"$ref": f"#/components/schemas/{name}"}
        page_items = schemas["FeedPage"]["properties"]["items"]["items"]["oneOf"]
        assert {"$ref": f"#/components/schemas/CloudEvent.{name}"} in page_items
    assert doc["channels"]["partnerTopic"]["address"] == "gotong.partner.{partnerId}.events"
    assert "SCRAM" in doc["channels"]["partnerTopic"]["description"]  # the partner's own user


def _drop_info(doc: dict[str, Any], _: Path) -> None:
    del doc["info"]


def _bad_header_type(doc: dict[str, Any], _: Path) -> None:
    doc["components"]["schemas"]["WebhookHeaders"]["properties"]["webhook-id"]["type"] = "uuid"


def _operation_on_no_channel(doc: dict[str, Any], _: Path) -> None:
    doc["operations"]["pushToPartnerWebhook"]["channel"] = {"$ref": "#/channels/nowhere"}


def _bad_contract_schema(_: dict[str, Any], schemas: Path) -> None:
    path = schemas / "partner.savings.SavingsMovement.v1.json"
    contract = json.loads(path.read_text())
    contract["properties"]["amount_idr"]["type"] = "rupiah"
    path.write_text(json.dumps(contract))


# Each break, and what the validator must say about it.
BREAKS: dict[str, tuple[Callable[[dict[str, Any], Path], None], str]] = {
    "no-info": (_drop_info, 'required property "info"'),
    "header-type": (_bad_header_type, "webhook-id.type"),
    "operation-channel": (_operation_on_no_channel, "'#/channels/nowhere' does not exist"),
    "contract-schema": (_bad_contract_schema, "amount_idr"),
}


def test_the_validator_refuses_broken_documents(tmp_path: Path) -> None:
    """Each copy sits in a tree like the repository's (the contracts' schemas copied
    beside it), so only its one break can make it invalid; the unbroken copy passes."""
    docs: dict[str, Path] = {}
    for case in ("unbroken", *BREAKS):
        schemas = tmp_path / case / SCHEMAS_DIR
        shutil.copytree(ROOT / SCHEMAS_DIR, schemas)
        doc = document()
        if case in BREAKS:
            BREAKS[case][0](doc, schemas)
        docs[case] = tmp_path / case / DOCUMENT
        docs[case].parent.mkdir(parents=True)
        docs[case].write_text(render(doc))

    result = validate(*docs.values())

    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert f"{docs['unbroken']}: valid AsyncAPI 3.0.0" in lines, result.stdout
    for case, (_, says) in BREAKS.items():
        assert f"{docs[case]}: INVALID" in lines, case
        errors = [line for line in lines if line.startswith(f"{docs[case]}:")
                  and " error " in line]
        assert any(says in line for line in errors), (case, errors)
