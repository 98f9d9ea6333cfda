"""Every document is valid against its schema, named once, in the gotong namespace."""

from __future__ import annotations

import jsonschema
import kubernetes_validate

from .crd_schemas import CRD_SCHEMAS
from .docs import Doc, name_of, ref
from .expected import CLUSTER_SCOPED, CORE_GROUPS, NAMESPACE


def schema_problems(docs: list[Doc], kubernetes_version: str) -> list[str]:
    """Every document is valid: core kinds against the Kubernetes OpenAPI schemas bundled in
    kubernetes-validate (strict: unknown fields fail), custom resources against CRD_SCHEMAS."""
    problems = []
    for doc in docs:
        key = (doc.get("apiVersion", ""), doc.get("kind", ""))
        if key[0] in CORE_GROUPS:
            try:
                kubernetes_validate.validate(doc, kubernetes_version, strict=True)
            except kubernetes_validate.ValidationError as error:
                path = ".".join(str(part) for part in error.path)
                problems.append(f"{ref(doc)}: {path}: {error.message}")
            except kubernetes_validate.SchemaNotFoundError:
                problems.append(f"{ref(doc)}: no Kubernetes {kubernetes_version} schema")
        elif key in CRD_SCHEMAS:
            validator = jsonschema.Draft202012Validator(CRD_SCHEMAS[key])
            for error in validator.iter_errors(doc):
                path = ".".join(str(part) for part in error.absolute_path)
                problems.append(f"{ref(doc)}: {path}: {error.message}")
        else:
            problems.append(f"{ref(doc)}: {key[0]} has no schema to validate against")
    return problems


def identity_problems(docs: list[Doc]) -> list[str]:
    """Names are unique per kind and everything lives in the gotong namespace."""
    problems, seen = [], set()
    for doc in docs:
        key = (doc.get("kind"), name_of(doc))
        if key in seen:
            problems.append(f"{ref(doc)}: defined twice")
        seen.add(key)
        namespace = doc.get("metadata", {}).get("namespace")
        if doc.get("kind") not in CLUSTER_SCOPED and namespace != NAMESPACE:
            problems.append(f"{ref(doc)}: namespace {namespace!r}, expected {NAMESPACE!r}")
    return problems
