"""The broker's classpath: resolved once by Maven from Maven Central into a shared cache.

Layout: `<cache>/kafka-<version>/libs/*.jar` plus a `complete` marker holding a digest of
the POM. A warm cache (marker present and matching) never runs Maven, which keeps
`gotong-stack up` fast and lets it work offline.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from gotong_devstack.errors import PrerequisiteError, StackError
from gotong_devstack.java import find_java
from gotong_devstack.proc import Report, file_lock, output_tail, require_tool, run

MAVEN_HINT = "apt-get install maven"
MARKER = "complete"


def pom_path() -> Path:
    here = Path(__file__).resolve().parent
    # In a wheel the POM is packaged next to the code; in the source tree (and the editable
    # install uv makes for the workspace) it is tools/devstack/kafka/pom.xml.
    for candidate in (here / "kafka" / "pom.xml", here.parents[1] / "kafka" / "pom.xml"):
        if candidate.is_file():
            return candidate
    raise StackError(f"kafka/pom.xml is missing next to {here}; reinstall gotong-devstack")


def _digest(version: str, pom: Path) -> str:
    return hashlib.sha256(version.encode() + b"\0" + pom.read_bytes()).hexdigest()


def libs_dir(cache_dir: Path, version: str) -> Path:
    return cache_dir / f"kafka-{version}" / "libs"


def is_warm(cache_dir: Path, version: str) -> bool:
    marker = cache_dir / f"kafka-{version}" / MARKER
    try:
        return marker.read_text().strip() == _digest(version, pom_path())
    except OSError:
        return False


def ensure_libs(cache_dir: Path, version: str, report: Report) -> Path:
    """Return the directory of jars for `version`, running Maven only on a cold cache."""
    target = libs_dir(cache_dir, version)
    if is_warm(cache_dir, version):
        return target
    pom = pom_path()
    version_dir = target.parent
    # Several checkouts (or CI jobs) may share the cache: one resolver at a time.
    with file_lock(cache_dir / f"kafka-{version}.lock"):
        if is_warm(cache_dir, version):
            return target
        mvn = require_tool("mvn", MAVEN_HINT)
        find_java()  # Maven itself needs Java; fail with the install hint, not Maven's text.
        report(f"kafka: resolving org.apache.kafka:kafka_2.13:{version} with Maven (cold cache)")
        staging = version_dir / "libs.partial"
        shutil.rmtree(staging, ignore_errors=True)
        result = run(
            [
                mvn, "-q", "-B",
                "-f", str(pom),
                "dependency:copy-dependencies",
                "-DincludeScope=runtime",
                f"-Dkafka.version={version}",
                f"-DoutputDirectory={staging}",
            ],
            timeout=900,
        )  # fmt: skip
        if result.returncode != 0 or not any(staging.glob(f"kafka_2.13-{version}.jar")):
            raise StackError(
                f"Maven could not resolve org.apache.kafka:kafka_2.13:{version} "
                f"(is Maven Central reachable? does the version exist?):\n{output_tail(result)}"
            )
        # Swap in the complete set at once so a killed run never leaves a half classpath.
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        (version_dir / MARKER).write_text(_digest(version, pom) + "\n")
    return target


def require_maven_or_warm(cache_dir: Path, version: str) -> None:
    """Fail early, before starting anything, when the cache is cold and Maven is missing."""
    if not is_warm(cache_dir, version) and shutil.which("mvn") is None:
        raise PrerequisiteError(
            f"`mvn` not found and Kafka {version} is not cached yet: {MAVEN_HINT}, "
            "or set GOTONG_KAFKA_BOOTSTRAP to use an existing broker"
        )
