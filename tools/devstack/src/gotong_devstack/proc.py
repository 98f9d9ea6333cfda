"""Small process, socket and file helpers shared by the components."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from gotong_devstack.errors import PrerequisiteError

Report = Callable[[str], None]


def quiet(_message: str) -> None:
    """A Report that says nothing (the default for library callers such as tests)."""


def require_tool(name: str, install_hint: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise PrerequisiteError(f"`{name}` not found on PATH: {install_hint}")
    return path


def run(
    cmd: Sequence[str], *, cwd: Path | None = None, timeout: float = 120.0
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion, capturing its output; callers judge the exit code."""
    return subprocess.run(  # noqa: S603 - commands are built from fixed argv lists
        list(cmd),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def output_tail(result: subprocess.CompletedProcess[str], lines: int = 30) -> str:
    text = (result.stdout or "") + (result.stderr or "")
    return "\n".join(text.strip().splitlines()[-lines:])


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True if something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def split_host_port(address: str, default_port: int) -> tuple[str, int]:
    """Parse `host:port`, `[v6]:port` or a bare host."""
    address = address.strip()
    if address.startswith("["):
        host, _, rest = address[1:].partition("]")
        port = rest.lstrip(":")
    elif address.count(":") == 1:
        host, _, port = address.partition(":")
    else:
        host, port = address, ""
    try:
        return host, int(port) if port else default_port
    except ValueError:
        raise PrerequisiteError(f"cannot parse the address {address!r} (want host:port)") from None


def file_tail(path: Path, lines: int = 40) -> str:
    try:
        with path.open("rb") as handle:
            # Logs can be large; the end is all we show, so read at most the last 64 KiB.
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 65536))
            data = handle.read().decode("utf-8", "replace")
    except OSError as exc:
        return f"(cannot read {path}: {exc.strerror})"
    return "\n".join(data.splitlines()[-lines:])


def process_cmdline(pid: int) -> list[str] | None:
    """The argv of a live process, or None if there is none (a zombie has an empty one)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    if not raw:
        return None
    return [part.decode("utf-8", "replace") for part in raw.rstrip(b"\0").split(b"\0")]


def process_alive(pid: int) -> bool:
    """True until the process has fully exited.

    Not the same as having a cmdline: the kernel drops the cmdline (releases the memory)
    before it closes the sockets, so waiting on the cmdline lets a restart race the old
    process for its ports. A zombie ('Z') has closed everything and counts as gone.
    """
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    state = stat_line.rpartition(")")[2].split()[:1]
    return state not in (["Z"], ["X"])


def read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text("ascii").strip())
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Serialise stack operations: parallel test workers may all call ensure_stack()."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# The shell backgrounds the command and exits at once, so the daemon is re-parented to init
# instead of staying our child: no zombie and no "still running" ResourceWarning in the
# Python process (a pytest run) that started it. start_new_session puts it in its own
# session, so Ctrl-C in the terminal that ran `gotong-stack up` does not reach it.
_DETACH_SCRIPT = 'log="$1"; shift; "$@" >>"$log" 2>&1 </dev/null & echo $!'


def spawn_detached(argv: Sequence[str], log_file: Path, cwd: Path) -> int:
    """Start a long-running process that outlives us; return its pid."""
    result = subprocess.run(  # noqa: S603 - fixed argv, no user-controlled shell text
        ["/bin/sh", "-c", _DETACH_SCRIPT, "sh", str(log_file), *argv],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        start_new_session=True,
    )
    try:
        return int(result.stdout.strip())
    except ValueError:
        raise RuntimeError(f"could not start {argv[0]}: {output_tail(result)}") from None
