"""Headless Chromium (Debian's ``chromium`` package) driven over the DevTools protocol.

No test tool downloads a browser here: the test uses ``/usr/bin/chromium`` and FAILS
(never skips) when it is missing, saying how to install it. Chromium is started with
the flags this machine needs (no sandbox as root, no background networking: nothing
outside the machine is reachable) and a fresh profile, with ``--remote-debugging-port=0``;
the port it picked is read from ``DevToolsActivePort`` in the profile, and the page is
driven through its websocket (the ``websockets`` package, already in the venv).

    async with Chromium.launch() as browser:
        await browser.set_viewport(PHONE)
        await browser.open("http://127.0.0.1:8004/dashboard")
        await browser.wait_for("document.body.dataset.state === 'ready'")
        data = await browser.evaluate("...")
        await browser.screenshot(Path("artifacts/page.png"))
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

__all__ = [
    "CHROMIUM",
    "INSTALL",
    "LAPTOP",
    "PHONE",
    "CdpError",
    "Chromium",
    "Viewport",
    "require_chromium",
]

CHROMIUM = Path(os.environ.get("GOTONG_CHROMIUM", "/usr/bin/chromium"))
INSTALL = "apt-get install -y chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-proxy-server", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0")
START_TIMEOUT_S = 60.0
COMMAND_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    scale: float
    mobile: bool


PHONE = Viewport("phone", 360, 740, 2.0, True)
LAPTOP = Viewport("laptop", 1366, 768, 1.0, False)


def require_chromium() -> Path:
    """The Chromium binary, or a failed test that says how to install it."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"{CHROMIUM} is missing: the dashboard is tested in Debian's Chromium; "
                    f"run `{INSTALL}` (as root, after apt-get update)", pytrace=False)
    return CHROMIUM


class CdpError(RuntimeError):
    """A DevTools command failed, or the page threw."""


@dataclass
class Chromium:
    """One headless Chromium with one page, spoken to over the DevTools protocol."""

    process: asyncio.subprocess.Process
    profile: Path
    ws: ClientConnection
    pending: dict[int, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    exceptions: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    loaded: asyncio.Event = field(default_factory=asyncio.Event)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    reader: asyncio.Task[None] | None = None

    @classmethod
    @contextlib.asynccontextmanager
    async def launch(cls, binary: Path | None = None) -> AsyncIterator[Chromium]:
        binary = binary or require_chromium()
        profile = Path(tempfile.mkdtemp(prefix="gotong-chromium-"))
        log = (profile / "chromium.log").open("wb")
        process = await asyncio.create_subprocess_exec(
            str(binary), *FLAGS, f"--user-data-dir={profile}", "about:blank",
            stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log)
        browser: Chromium | None = None
        try:
            port = await _devtools_port(process, profile)
            ws_url = await _page_websocket(port)
            ws = await connect(ws_url, max_size=None, proxy=None, ping_interval=None,
                               open_timeout=START_TIMEOUT_S)
            browser = cls(process, profile, ws)
            browser.reader = asyncio.create_task(browser._read())
            for domain in ("Page", "Runtime", "Network", "Log"):
                await browser.send(f"{domain}.enable")
            yield browser
        finally:
            if browser is not None:
                await browser.ws.close()
                if browser.reader is not None:
                    browser.reader.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await browser.reader
            if process.returncode is None:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), 10)
                except TimeoutError:
                    process.kill()
                    await process.wait()
            log.close()
            shutil.rmtree(profile, ignore_errors=True)

    # --- the protocol ------------------------------------------------------------------

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self.ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[message_id] = future
        await self.ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
        try:
            reply = await asyncio.wait_for(future, COMMAND_TIMEOUT_S)
        finally:
            self.pending.pop(message_id, None)
        if "error" in reply:
            raise CdpError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    async def _read(self) -> None:
        async for raw in self.ws:
            message = json.loads(raw)
            if "id" in message:
                future = self.pending.get(message["id"])
                if future is not None and not future.done():
                    future.set_result(message)
            else:
                self._event(message["method"], message.get("params", {}))

    def _event(self, method: str, params: dict[str, Any]) -> None:
        if method == "Page.loadEventFired":
            self.loaded.set()
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            self.exceptions.append(str(text))
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.console_errors.append(" ".join(str(a.get("value", a.get("description")))
                                                for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.console_errors.append(f"{params['entry'].get('text')} "
                                       f"({params['entry'].get('url', '')})")
        elif method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            self.failed_requests.append(str(params.get("errorText")))

    # --- the page ----------------------------------------------------------------------

    async def set_viewport(self, viewport: Viewport) -> None:
        await self.send("Emulation.setDeviceMetricsOverride", width=viewport.width,
                        height=viewport.height, deviceScaleFactor=viewport.scale,
                        mobile=viewport.mobile)
        await self.send("Emulation.setTouchEmulationEnabled", enabled=viewport.mobile)

    async def open(self, url: str, timeout_s: float = 30.0) -> None:
        """A new document (through about:blank, so a URL that differs from the current
        one only by its fragment still loads afresh), waited for until its load event.
        What the previous page threw, logged and requested is forgotten."""
        for seen in (self.exceptions, self.console_errors, self.requests, self.failed_requests):
            seen.clear()
        for target in ("about:blank", url):
            self.loaded.clear()
            reply = await self.send("Page.navigate", url=target)
            if reply.get("errorText"):
                raise CdpError(f"navigating to {target}: {reply['errorText']}")
            await asyncio.wait_for(self.loaded.wait(), timeout_s)

    async def evaluate(self, expression: str) -> Any:
        reply = await self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                                awaitPromise=True)
        if "exceptionDetails" in reply:
            raise CdpError(f"{expression[:80]}...: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    async def wait_for(self, expression: str, timeout_s: float = 30.0) -> Any:
        async with asyncio.timeout(timeout_s):
            while True:
                value = await self.evaluate(expression)
                if value:
                    return value
                await asyncio.sleep(0.1)

    async def screenshot(self, path: Path) -> Path:
        """The whole page (beyond the viewport) as PNG."""
        metrics = await self.send("Page.getLayoutMetrics")
        size = metrics["cssContentSize"]
        shot = await self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                               clip={"x": 0, "y": 0, "width": size["width"],
                                     "height": size["height"], "scale": 1})
        return _save(path, base64.b64decode(shot["data"]))


def _save(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


async def _devtools_port(process: asyncio.subprocess.Process, profile: Path) -> int:
    """The port Chromium picked, from ``DevToolsActivePort`` in its profile."""
    marker = profile / "DevToolsActivePort"
    async with asyncio.timeout(START_TIMEOUT_S):
        while True:
            if process.returncode is not None:
                log = (profile / "chromium.log").read_text(errors="replace")[-2000:]
                raise CdpError(f"chromium exited with {process.returncode}:\n{log}")
            if marker.exists():
                first = marker.read_text().split("\n", 1)[0].strip()
                if first.isdigit():
                    return int(first)
            await asyncio.sleep(0.05)


async def _page_websocket(port: int) -> str:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", trust_env=False) as client:
        async with asyncio.timeout(START_TIMEOUT_S):
            while True:
                targets = (await client.get("/json/list")).json()
                pages = [t for t in targets if t.get("type") == "page"]
                if pages:
                    url: str = pages[0]["webSocketDebuggerUrl"]
                    return url
                await asyncio.sleep(0.05)
