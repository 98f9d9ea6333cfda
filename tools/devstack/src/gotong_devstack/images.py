"""`make image` / `make image-smoke`: the services' container images, without a Docker daemon.

    python -m gotong_devstack.images build [SERVICE ...]   base (cached), then each image
    python -m gotong_devstack.images smoke [SERVICE ...]   run each image on the local stack

One Containerfile (deploy/image/Containerfile) builds every service's image. On a machine
with Docker and a registry it builds from the official images (`docker build`, see the
file); here there is neither, so `build`

* makes the base, Debian bookworm with python3.11 and nothing else a service needs,
  with mmdebstrap from Debian's packages, and keeps it in the local image storage under a
  tag that names its recipe (`localhost/gotong/python:3.11-bookworm-<digest>`): made once
  per machine, and again only when the recipe changes. The tarball is also kept under the
  cache directory (beside the Kafka classpath and Jaeger), so a machine whose image store
  was emptied imports it instead of downloading again;
* puts the uv that `make setup` installed (the Makefile's pinned UV_VERSION) into an image
  of its own, `localhost/gotong/uv:<version>`, where Docker would pull uv's official one;
* builds each service with buildah (chroot isolation: no daemon, no runtime), tagged as
  the manifests name it, `ghcr.io/gotong/<svc>:<version>` (the service's package version,
  the tag in deploy/k8s/base/kustomization.yaml), and prints sizes and times.

`smoke` runs each image with podman (rootful, host network, read-only root filesystem,
a tmpfs on /tmp, uid 10001 as in the manifests) against the stack `make up` started:
first the service's `migrate`, then its API, relay and consumer (and the partners'
webhook sender) with the manifests' commands, and asks each API for `/ready` and each
relay and consumer for `/ready` on its process endpoint. Its ports are 18101-18103
(GOTONG_IMAGE_SMOKE_PORT moves them), one service at a time, so it can run beside
`make run`. podman runs the containers with runc: crun refuses a host whose cgroups are
in hybrid mode, as on machines of this kind.

Exit codes: 0 done; 1 a build or a check failed; 2 a tool or the stack is missing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gotong_devstack import run
from gotong_devstack.errors import PrerequisiteError, StackError
from gotong_devstack.settings import Settings, load_settings

SERVICES = ("members", "inventory", "payments", "reporting", "partners")
REGISTRY = "ghcr.io/gotong"
CONTAINERFILE = Path("deploy/image/Containerfile")

# The base: what the services need from Debian and nothing more. libstdc++6 for the C++
# extensions in the lock (greenlet, protobuf's upb), ca-certificates for the OTLP exporter
# and the partners' webhooks over https, tzdata for zoneinfo (Asia/Jakarta, Makassar,
# Jayapura), passwd for the user the Containerfile adds. The `essential` variant has no
# apt; the merged-usr hook keeps usrmerge (and with it perl) out.
DEBIAN_SUITE = "bookworm"
DEBIAN_MIRROR = "http://deb.debian.org/debian"
BASE_PACKAGES = ("python3.11", "libstdc++6", "ca-certificates", "tzdata", "passwd")
BASE_EXCLUDES = ("/usr/share/doc/*", "/usr/share/man/*", "/usr/share/locale/*",
                 "/usr/share/info/*", "/usr/share/lintian/*")
BASE_REPOSITORY = "localhost/gotong/python"
UV_REPOSITORY = "localhost/gotong/uv"
# The base's image configuration: the official image sets PATH and LANG too.
BASE_ENV = ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG=C.UTF-8")

# The manifests' pods run as 10001:10001 with a read-only root filesystem and /tmp as an
# emptyDir; the smoke test runs the containers the same way.
RUN_AS = "10001:10001"
SMOKE_PORT_ENV = "GOTONG_IMAGE_SMOKE_PORT"
SMOKE_PORT = 18101
READY_TIMEOUT = 120.0
# podman asks for rlimits above a sandbox's hard limits (and may not raise them): ask for
# what any host grants.
ULIMITS = ("nofile=4096:4096", "nproc=4096:4096")


def _say(message: str = "") -> None:
    print(message, flush=True)


def _root() -> Path:
    """The checkout: the folder with the Containerfile, found from here upwards."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / CONTAINERFILE).is_file():
            return folder
    raise PrerequisiteError(f"{CONTAINERFILE} not found here or above: run from the checkout")


def _need(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        raise PrerequisiteError(f"{', '.join(missing)} missing: run `make image-tools` "
                                f"(apt-get install buildah podman runc mmdebstrap)")


def _run(argv: Sequence[str], *, quiet: bool = False, cwd: Path | None = None,
         timeout: float = 1800) -> str:
    """Run ``argv``; its output (stdout) on success, StackError with its tail otherwise."""
    result = subprocess.run(  # noqa: S603 - argv built here, never from a shell
        list(argv), cwd=cwd, stdin=subprocess.DEVNULL, capture_output=quiet, text=True,
        timeout=timeout, check=False)
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout or "").splitlines()[-20:])
        raise StackError(f"{argv[0]} {argv[1] if len(argv) > 1 else ''} failed "
                         f"(exit {result.returncode}){':' if tail else ''}\n{tail}")
    return result.stdout or ""


def _call(argv: Sequence[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` (a tool of the image toolchain, found on PATH), output captured,
    its status left to the caller."""
    return subprocess.run(list(argv), stdin=subprocess.DEVNULL,  # noqa: S603 - our argv
                          capture_output=True, text=True, check=False, timeout=timeout)


def image_version(root: Path, service: str) -> str:
    """The tag of a service's image: the version of its package."""
    with (root / "services" / service / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def image_name(root: Path, service: str) -> str:
    return f"{REGISTRY}/{service}:{image_version(root, service)}"


def _cache_dir() -> Path:
    return Path(os.environ.get("GOTONG_CACHE_DIR") or Path.home() / ".cache" / "gotong")


# --- the base ----------------------------------------------------------------------


def base_recipe() -> list[str]:
    """mmdebstrap's arguments (without the output): the base is a function of these."""
    return ["--variant=essential", "--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr",
            f"--include={','.join(BASE_PACKAGES)}",
            "--aptopt=Apt::Install-Recommends \"false\"",
            *(f"--dpkgopt=path-exclude={path}" for path in BASE_EXCLUDES),
            # no device nodes in a container image's layer: the runtime makes /dev
            "--skip=output/dev", DEBIAN_SUITE]


def base_tag() -> str:
    recipe = json.dumps([base_recipe(), BASE_ENV, DEBIAN_MIRROR]).encode()
    return f"{BASE_REPOSITORY}:3.11-{DEBIAN_SUITE}-{hashlib.sha256(recipe).hexdigest()[:12]}"


def _image_exists(name: str) -> bool:
    return _call(["buildah", "inspect", "--type", "image", name]).returncode == 0


def _import_rootfs(tarball: Path, tag: str, env: Sequence[str], cmd: Sequence[str]) -> None:
    """An image of one layer from a root filesystem tarball (buildah from scratch + add)."""
    container = _run(["buildah", "from", "scratch"], quiet=True).strip()
    try:
        _run(["buildah", "add", "--quiet", container, str(tarball), "/"], quiet=True)
        config = ["buildah", "config", "--cmd", json.dumps(list(cmd))]
        for item in env:
            config += ["--env", item]
        _run([*config, container], quiet=True)
        _run(["buildah", "commit", "--quiet", "--rm", container, tag], quiet=True)
    except StackError:
        _call(["buildah", "rm", container])
        raise


def ensure_base() -> tuple[str, str]:
    """The base image's tag and how it got there (kept, imported or made)."""
    tag = base_tag()
    if _image_exists(tag):
        return tag, "kept"
    cache = _cache_dir() / f"image-base-{tag.rsplit(':', 1)[1]}.tar"
    how = "imported from the cache"
    if not cache.is_file():
        _need("mmdebstrap")
        _say(f"making the base {tag} with mmdebstrap (Debian {DEBIAN_SUITE}: "
             f"{', '.join(BASE_PACKAGES)}; once per machine, a few minutes)")
        cache.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache.parent) as scratch:
            partial = Path(scratch) / "base.tar"
            _run(["mmdebstrap", "--quiet", *base_recipe(), str(partial), DEBIAN_MIRROR],
                 quiet=True)
            partial.replace(cache)
        how = "made with mmdebstrap"
    _import_rootfs(cache, tag, BASE_ENV, ["/usr/bin/python3.11"])
    return tag, how


def ensure_uv(root: Path) -> str:
    """The uv image: the binary `make setup` installed, where Docker pulls uv's own."""
    uv = root / ".tools" / "bin" / "uv"
    if not uv.is_file():
        raise PrerequisiteError(f"{uv} not found: run `make setup` first")
    version = _run([str(uv), "--version"], quiet=True).split()[1]
    tag = f"{UV_REPOSITORY}:{version}"
    if not _image_exists(tag):
        container = _run(["buildah", "from", "scratch"], quiet=True).strip()
        _run(["buildah", "copy", "--quiet", container, str(uv), "/uv"], quiet=True)
        _run(["buildah", "commit", "--quiet", "--rm", container, tag], quiet=True)
    return tag


# --- the service images -------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    service: str
    name: str
    seconds: float
    size: int  # bytes, uncompressed, as the image store counts them


def image_size(name: str) -> int:
    data = json.loads(_run(["podman", "image", "inspect", name], quiet=True))
    return int(data[0]["Size"])


def build_service(root: Path, service: str, base: str, uv: str,
                  environ: Mapping[str, str]) -> Built:
    name = image_name(root, service)
    argv = ["buildah", "build", "--quiet", "--isolation", "chroot", "--layers",
            "--file", str(CONTAINERFILE), "--build-arg", f"SERVICE={service}",
            "--build-arg", f"BASE={base}", "--build-arg", f"UV_IMAGE={uv}",
            *(f"--ulimit={limit}" for limit in ULIMITS), "--tag", name]
    # Behind a TLS-intercepting proxy PyPI's certificate is signed by the proxy's CA: the
    # build's uv gets the machine's bundle as a build secret (never stored in a layer).
    ca = environ.get("SSL_CERT_FILE")
    if ca and Path(ca).is_file():
        argv += ["--secret", f"id=ca,src={ca}"]
    began = time.monotonic()
    _run([*argv, "."], quiet=True, cwd=root)
    seconds = time.monotonic() - began
    return Built(service, name, seconds, image_size(name))


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.0f} MB"


def build(services: Sequence[str]) -> int:
    _need("buildah", "podman")
    root = _root()
    began = time.monotonic()
    base, how = ensure_base()
    base_seconds = time.monotonic() - began
    _say(f"base {base}: {how} ({base_seconds:.0f} s, {_mb(image_size(base))})")
    uv = ensure_uv(root)
    built = []
    for service in services:
        item = build_service(root, service, base, uv, os.environ)
        _say(f"{item.name}: built in {item.seconds:.0f} s, {_mb(item.size)}")
        built.append(item)
    total = time.monotonic() - began
    _say()
    _say(f"{'image':<32} {'size':>8} {'build':>8}")
    for item in built:
        _say(f"{item.name:<32} {_mb(item.size):>8} {item.seconds:>7.0f}s")
    _say(f"{len(built)} images in {total:.0f} s (the base: {base_seconds:.0f} s, {how}); "
         f"their layers below the services' own are shared")
    return 0


# --- the smoke test -----------------------------------------------------------------


@dataclass(frozen=True)
class Process:
    """One container of the smoke test: a role of a service and where it answers."""

    service: str
    role: str
    command: tuple[str, ...]
    env: dict[str, str]
    ready_url: str | None


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=3.0) as response:  # noqa: S310 - local http
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, OSError, ValueError):
        return 0


def smoke_processes(service: str, env_of: Mapping[str, Mapping[str, str]],
                    first_port: int) -> list[Process]:
    """The long-running processes of ``service`` (as the manifests run them), each with
    the endpoint whose /ready says it works; ``env_of`` maps `make run`'s process name
    (members-api, ...) to its environment."""
    prefix = f"GOTONG_{service.upper()}_"
    host = "127.0.0.1"
    processes: list[Process] = []
    api_port, relay_port, consumer_port = first_port, first_port + 1, first_port + 2
    for name, env in env_of.items():
        svc, role = name.split("-", 1)
        if svc != service:
            continue
        env = dict(env)
        command: tuple[str, ...] = ("python", "-m", service, role)
        url: str | None = None
        if role == "api":
            command += ("--host", host, "--port", str(api_port))
            url = f"http://{host}:{api_port}/ready"
        elif role == "relay":
            env[f"{prefix}RELAY_METRICS_PORT"] = str(relay_port)
            url = f"http://{host}:{relay_port}/ready"
        elif role == "consumer":
            env[f"{prefix}CONSUMER_METRICS_PORT"] = str(consumer_port)
            url = f"http://{host}:{consumer_port}/ready"
        processes.append(Process(service, role, command, env, url))
    return processes


def _podman_run(image: str, process: Process, mounts: Sequence[tuple[Path, str]],
                *, detach: bool, name: str) -> list[str]:
    argv = ["podman", "--runtime", "runc", "run", "--name", name, "--network", "host",
            "--read-only", "--user", RUN_AS, "--cap-drop", "ALL",
            "--security-opt", "no-new-privileges", "--tmpfs", "/tmp:rw,size=64m",  # noqa: S108 - the container's
            *(f"--ulimit={limit}" for limit in ULIMITS)]
    argv += ["--detach"] if detach else ["--rm"]
    for source, target in mounts:
        argv += ["--volume", f"{source}:{target}:ro"]
    for key, value in sorted(process.env.items()):
        argv += ["--env", f"{key}={value}"]
    # The manifests' `command` replaces the image's entrypoint, as --entrypoint does.
    return [*argv, "--entrypoint", process.command[0], image, *process.command[1:]]


@contextmanager
def _containers() -> Iterator[list[str]]:
    """The names of the containers started inside; removed (stopped) on the way out."""
    names: list[str] = []
    try:
        yield names
    finally:
        if names:
            _call(["podman", "rm", "--force", "--time", "5", *names])


def _logs(name: str) -> str:
    result = _call(["podman", "logs", "--tail", "30", name])
    return (result.stdout + result.stderr).strip()


def _running(name: str) -> bool:
    result = _call(["podman", "inspect", "--format", "{{.State.Running}}", name])
    return result.stdout.strip() == "true"


def smoke_service(root: Path, service: str, env_of: Mapping[str, Mapping[str, str]],
                  mounts: Sequence[tuple[Path, str]], first_port: int) -> list[str]:
    """Migrate, start, wait for every /ready; the lines of the report."""
    image = image_name(root, service)
    processes = smoke_processes(service, env_of, first_port)
    api = next(p for p in processes if p.role == "api")
    began = time.monotonic()
    migrate = Process(service, "migrate", ("python", "-m", service, "migrate"), api.env, None)
    _run(_podman_run(image, migrate, mounts, detach=False, name=f"gotong-smoke-{service}-migrate"),
         quiet=True, timeout=300)
    lines = [f"{image}: migrate ok ({time.monotonic() - began:.1f} s)"]
    with _containers() as names:
        for process in processes:
            name = f"gotong-smoke-{service}-{process.role}"
            _call(["podman", "rm", "--force", name])
            _run(_podman_run(image, process, mounts, detach=True, name=name), quiet=True)
            names.append(name)
        started = time.monotonic()
        waiting = {f"gotong-smoke-{service}-{p.role}": p for p in processes}
        while waiting:
            for name, process in list(waiting.items()):
                if not _running(name):
                    raise StackError(f"{name} exited; its last lines:\n{_logs(name)}")
                if process.ready_url is None or _get(process.ready_url) == 200:
                    what = "running" if process.ready_url is None else \
                        f"{process.ready_url} 200"
                    lines.append(f"  {process.role}: {what} after "
                                 f"{time.monotonic() - started:.1f} s")
                    del waiting[name]
            if waiting and time.monotonic() - started > READY_TIMEOUT:
                name = next(iter(waiting))
                raise StackError(f"{name}: no 200 from {waiting[name].ready_url} within "
                                 f"{READY_TIMEOUT:.0f} s; its last lines:\n{_logs(name)}")
            time.sleep(0.5)
        # A process that reached ready and then fell over does so within a moment.
        time.sleep(1.0)
        for name in names:
            if not _running(name):
                raise StackError(f"{name} exited after it was ready:\n{_logs(name)}")
    return lines


def smoke(services: Sequence[str]) -> int:
    _need("podman", "runc")
    root = _root()
    settings = load_settings()
    run.check_stack(settings)
    paths = run.Paths(settings.stack_dir)
    nik_key = run.ensure_secrets(paths)
    missing = [image_name(root, s) for s in services
               if not _image_exists(image_name(root, s))]
    if missing:
        raise PrerequisiteError(f"not built: {', '.join(missing)}; run `make image` first")
    key_dir = "/var/run/secrets/gotong/jwt"
    # As the manifests mount the Secret: readable by the pod's group (fsGroup 10001,
    # defaultMode 0440), not by everyone; the development key itself stays 0600.
    scratch = Path(tempfile.mkdtemp(prefix="gotong-image-smoke-"))
    try:
        key = scratch / "jwt.key"
        shutil.copyfile(paths.jwt_key, key)
        os.chown(key, os.getuid(), int(RUN_AS.split(":")[1]))
        key.chmod(0o440)
        scratch.chmod(0o755)
        return _smoke(root, services, settings, paths, nik_key,
                      [(key, f"{key_dir}/jwt.key")], key_dir)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _smoke(root: Path, services: Sequence[str], settings: Settings, paths: run.Paths,
           nik_key: str, mounts: Sequence[tuple[Path, str]], key_dir: str) -> int:
    # `make run`'s processes and environment, the same settings the manifests give.
    env_of: dict[str, dict[str, str]] = {}
    for process in run.SERVICES:
        env = run.service_env(process, settings, paths, nik_key, base={})
        env.pop("PYTHONUNBUFFERED", None)  # the image sets it
        env[f"{process.env_prefix}JWT_KEY_FILE"] = f"{key_dir}/jwt.key"
        env_of[process.name] = env
    raw = os.environ.get(SMOKE_PORT_ENV, str(SMOKE_PORT))
    try:
        first_port = int(raw)
    except ValueError:
        raise PrerequisiteError(f"{SMOKE_PORT_ENV} must be a port, not {raw!r}") from None
    began = time.monotonic()
    for service in services:
        for line in smoke_service(root, service, env_of, mounts, first_port):
            _say(line)
    _say(f"smoke test passed: {len(services)} images, podman (runc, host network, read-only "
         f"root filesystem, uid {RUN_AS}), {time.monotonic() - began:.0f} s")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gotong_devstack.images",
                                     description="Build and smoke-test the service images.")
    parser.add_argument("command", choices=("build", "smoke"))
    parser.add_argument("services", nargs="*", metavar="SERVICE",
                        help=f"default: all ({', '.join(SERVICES)})")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.services) - set(SERVICES))
    if unknown:
        parser.error(f"no such service: {', '.join(unknown)} (one of {', '.join(SERVICES)})")
    services = tuple(args.services) or SERVICES
    try:
        return build(services) if args.command == "build" else smoke(services)
    except StackError as exc:
        print(f"images {args.command}: {exc}", file=sys.stderr, flush=True)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
