"""Finding a Java 17+ runtime for the broker (and for Maven)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from gotong_devstack.errors import PrerequisiteError
from gotong_devstack.proc import run

MIN_JAVA = 17
INSTALL_HINT = "apt-get install openjdk-17-jre-headless"


def find_java() -> str:
    """JAVA_HOME wins (as it does for Maven), then PATH; the version must be >= 17."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home) / "bin" / "java" if java_home else None
    java = str(candidate) if candidate and os.access(candidate, os.X_OK) else shutil.which("java")
    if java is None:
        raise PrerequisiteError(
            f"`java` not found (Kafka needs Java {MIN_JAVA}+): {INSTALL_HINT}, "
            "or set GOTONG_KAFKA_BOOTSTRAP to use an existing broker"
        )
    major = java_major(java)
    if major < MIN_JAVA:
        raise PrerequisiteError(
            f"{java} is Java {major}, Kafka needs {MIN_JAVA}+: {INSTALL_HINT} "
            "(and select it with update-alternatives or JAVA_HOME)"
        )
    return java


def java_major(java: str) -> int:
    # `java -version` writes to stderr: 'openjdk version "17.0.15"' or '"1.8.0_392"'.
    result = run([java, "-version"], timeout=30)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr + result.stdout)
    if match is None:
        return 0
    first, second = int(match.group(1)), int(match.group(2) or 0)
    return second if first == 1 else first
