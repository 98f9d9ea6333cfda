"""A minimal HTTP/1.1 keep-alive client for the load generator.

The load generator shares the 2 cores with the server it measures, so the client's
own CPU per request is taken from the server. httpx (one client per worker) spent
~0.8 ms of CPU per request, a third of all the CPU a savings deposit cost the
machine, more than PostgreSQL. This client writes a request and reads the status
line, the headers and a ``Content-Length`` (or chunked) body from one TCP
connection: the same bytes on the wire, a fraction of the CPU. It speaks only what
the bench needs (POST and GET with a body length, no redirects, no TLS).
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

__all__ = ["Http1Connection", "Http1Error"]


class Http1Error(Exception):
    """The connection broke or the answer was not HTTP/1.1 as expected."""


class Http1Connection:
    """One keep-alive connection; one request at a time (closed-loop workers)."""

    def __init__(self, base_url: str, timeout_s: float = 30.0) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or parts.hostname is None:
            raise ValueError(f"only http://host:port URLs: {base_url!r}")
        self._host, self._port = parts.hostname, parts.port or 80
        self._host_header = f"Host: {parts.netloc}\r\n"
        self._timeout = timeout_s
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._reader = self._writer = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        return await self.request("POST", path, body, headers)

    async def request(self, method: str, path: str, body: bytes,
                      headers: dict[str, str]) -> tuple[int, bytes]:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
        head = "".join((f"{method} {path} HTTP/1.1\r\n", self._host_header,
                        f"Content-Length: {len(body)}\r\n",
                        *(f"{k}: {v}\r\n" for k, v in headers.items()), "\r\n"))
        try:
            self._writer.write(head.encode() + body)
            async with asyncio.timeout(self._timeout):
                return await self._response()
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
            await self.close()  # the next request opens a fresh connection
            raise Http1Error(repr(exc)) from exc

    async def _response(self) -> tuple[int, bytes]:
        assert self._reader is not None
        status_line = await self._reader.readline()
        if not status_line.startswith(b"HTTP/1.1 "):
            raise ValueError(f"not an HTTP/1.1 status line: {status_line[:80]!r}")
        status = int(status_line[9:12])
        length = 0
        chunked = close = False
        while True:
            line = await self._reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = b"close" in value.lower()
        if chunked:
            parts = []
            while True:
                size = int((await self._reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self._reader.readline()
                    break
                parts.append(await self._reader.readexactly(size))
                await self._reader.readline()
            body = b"".join(parts)
        else:
            body = await self._reader.readexactly(length)
        if close:
            await self.close()
        return status, body
