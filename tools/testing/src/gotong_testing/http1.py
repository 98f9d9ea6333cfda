"""A minimal HTTP/1.1 keep-alive client for load generators (the bench's and the soak's).

The load shares the machine with the platform it measures, so the client's CPU per
request is taken from the servers; and httpx's connection pool, with a few hundred
requests waiting for a connection, spent its time matching requests to connections
(a first soak's client fell behind at 100 commands/s with the servers idle). The bench
saw the same from the CPU side: httpx spent ~0.8 ms of CPU per request, a third of all
the CPU a savings deposit cost the machine. This client writes a request and reads the
status line, the headers and a ``Content-Length`` (or chunked) body from one TCP
connection. It speaks only what they need (POST and GET with a body length, no
redirects, no TLS).
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

__all__ = ["Http1Connection", "Http1Error"]


class Http1Error(Exception):
    """The connection broke or the answer was not HTTP/1.1 as expected."""


class _Closed(Exception):
    """The server closed the connection before answering a byte."""


class Http1Connection:
    """One keep-alive connection; one request at a time."""

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
        reused = self._writer is not None
        try:
            return await self._request(method, path, body, headers)
        except _Closed:
            await self.close()
            if not reused:
                raise Http1Error("the server closed a fresh connection") from None
        # The server had closed the idle keep-alive connection (uvicorn after 5 s) before
        # reading the request: nothing was done, so it is sent again on a new one.
        try:
            return await self._request(method, path, body, headers)
        except _Closed:
            await self.close()
            raise Http1Error("the server closed a fresh connection") from None

    async def _request(self, method: str, path: str, body: bytes,
                       headers: dict[str, str]) -> tuple[int, bytes]:
        head = "".join((f"{method} {path} HTTP/1.1\r\n", self._host_header,
                        f"Content-Length: {len(body)}\r\n",
                        *(f"{k}: {v}\r\n" for k, v in headers.items()), "\r\n"))
        try:
            if self._writer is None:
                self._reader, self._writer = await asyncio.open_connection(self._host,
                                                                           self._port)
            self._writer.write(head.encode() + body)
            async with asyncio.timeout(self._timeout):
                return await self._response()
        except (_Closed, ConnectionResetError, BrokenPipeError):
            raise _Closed from None
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
            await self.close()  # the next request opens a fresh connection
            raise Http1Error(repr(exc)) from exc

    async def _response(self) -> tuple[int, bytes]:
        assert self._reader is not None
        status_line = await self._reader.readline()
        if not status_line:
            raise _Closed
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
