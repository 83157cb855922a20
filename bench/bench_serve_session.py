"""What one `quizapp serve` session costs: the RSS of its app process on the home screen.

Opens SESSIONS websockets at 120x40 and one asking for 100000x100000 (clamped), waits until
each app has drawn and settled, and prints each app process's RSS (and, for scale, the
server's own). Prints, does not assert: the README quotes the figure.

    .venv/bin/python bench/bench_serve_session.py [SESSIONS]
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from serve_helpers import Served

SETTLE_SECONDS = 5.0


def rss_mib(pid: int) -> float:
    for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def drawn(websocket: aiohttp.ClientWebSocketResponse) -> None:
    while (await asyncio.wait_for(websocket.receive(), 60)).type != aiohttp.WSMsgType.BINARY:
        pass


async def drain(websocket: aiohttp.ClientWebSocketResponse) -> None:
    async for _ in websocket:
        pass


async def measure(served: Served, sizes: list[tuple[int, int]]) -> list[float]:
    async with aiohttp.ClientSession() as client:
        sockets = [
            await client.ws_connect(f"{served.url}ws?width={width}&height={height}")
            for width, height in sizes
        ]
        for websocket in sockets:
            await drawn(websocket)
        readers = [asyncio.ensure_future(drain(websocket)) for websocket in sockets]
        await asyncio.sleep(SETTLE_SECONDS)
        found = [rss_mib(pid) for pid in served.app_processes()]
        for reader in readers:
            reader.cancel()
        for websocket in sockets:
            await websocket.close()
        return found


def main() -> None:
    sessions = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory() as home:
        os.environ["QUIZAPP_HOME"] = home
        served = Served(["--max-sessions", str(sessions + 1)], Path(home))
        try:
            normal = asyncio.run(measure(served, [(120, 40)] * sessions))
            huge = asyncio.run(measure(served, [(100_000, 100_000)]))
            server = rss_mib(served.process.pid)
        finally:
            served.stop()
    print(
        f"app process per session at 120x40: median {statistics.median(normal):.0f} MiB "
        f"(of {len(normal)}: {', '.join(f'{m:.0f}' for m in normal)})"
    )
    print(f"a session asking for 100000x100000 (clamped): {max(huge):.0f} MiB")
    print(f"the server itself: {server:.0f} MiB")


if __name__ == "__main__":
    main()
