"""A TCP proxy that can make a line slow, lossy or stalled, in user space:
``python -m gotong_chaos.netproxy --listen P --target Q``, driven by lines on stdin.

``gotong_testing.netfault.TcpProxy`` can only cut a line; a chaos run also wants the
line to the broker slow and lossy, as a congested network is. The kernel's ``netem``
would do that on the wire, but this machine has no ``sch_netem``, so here each chunk
read from one side is held before it is written to the other:

* ``delay MS JITTER LOSS``: every chunk waits MS ± JITTER milliseconds, and a share
  LOSS (0..1) of them waits a further ``RTO_MS`` more, as a lost segment does until
  TCP retransmits it. The order of each direction is kept, as TCP keeps it;
* ``stall``: nothing passes (connections stay open, data waits), as a line that
  silently drops everything looks until it comes back;
* ``clear``: everything passes at once again (what waited is sent in order).

Each command is answered with one line, ``ok <command>``. The proxy runs in its own
process so that its work never delays the load generator or the nemesis.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import sys
import time
from dataclasses import dataclass

RTO_MS = 200.0  # Linux's minimum retransmission timeout


@dataclass
class Line:
    delay_ms: float = 0.0
    jitter_ms: float = 0.0
    loss: float = 0.0
    stalled: bool = False
    changed: asyncio.Event | None = None

    def hold_s(self, rng: random.Random) -> float:
        hold = self.delay_ms + rng.uniform(-self.jitter_ms, self.jitter_ms)
        if self.loss and rng.random() < self.loss:
            hold += RTO_MS
        return max(0.0, hold) / 1000


class Proxy:
    def __init__(self, target: int) -> None:
        self.target = target
        self.line = Line(changed=asyncio.Event())
        self.rng = random.Random()

    async def accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            writer.transport.abort()
            return
        pipes = [asyncio.create_task(self.pipe(reader, up_writer)),
                 asyncio.create_task(self.pipe(up_reader, writer))]
        await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        for task in pipes:
            task.cancel()
        for w in (writer, up_writer):
            with contextlib.suppress(Exception):
                w.transport.abort()

    async def pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        sender = asyncio.create_task(self.send(queue, writer))
        last = 0.0
        try:
            while data := await reader.read(65536):
                due = max(last, time.monotonic() + self.line.hold_s(self.rng))
                last = due
                queue.put_nowait((due, data))
            await queue.join()
        finally:
            sender.cancel()

    async def send(self, queue: asyncio.Queue[tuple[float, bytes]],
                   writer: asyncio.StreamWriter) -> None:
        while True:
            due, data = await queue.get()
            while True:
                if self.line.stalled:
                    assert self.line.changed is not None
                    await self.line.changed.wait()
                    continue
                wait = due - time.monotonic()
                if wait <= 0 or not (self.line.delay_ms or self.line.loss):
                    break
                await asyncio.sleep(min(wait, 0.05))  # re-read the line: clear ends waits
            writer.write(data)
            await writer.drain()
            queue.task_done()

    def command(self, text: str) -> str:
        words = text.split()
        line = self.line
        if words[:1] == ["delay"] and len(words) == 4:
            line.delay_ms, line.jitter_ms, line.loss = (float(w) for w in words[1:])
            line.stalled = False
        elif words == ["stall"]:
            line.stalled = True
        elif words == ["clear"]:
            line.delay_ms = line.jitter_ms = line.loss = 0.0
            line.stalled = False
        else:
            return f"error {text}"
        assert line.changed is not None
        line.changed.set()
        line.changed = asyncio.Event()
        return f"ok {text}"


async def serve(listen: int, target: int) -> None:
    proxy = Proxy(target)
    server = await asyncio.start_server(proxy.accept, "127.0.0.1", listen)
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    async with server:
        while raw := await stdin.readline():
            print(proxy.command(raw.decode().strip()), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m gotong_chaos.netproxy")
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--target", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.listen, args.target))


if __name__ == "__main__":
    main()
