"""A TCP proxy on 127.0.0.1 that delays every byte by a fixed time in each direction.

    python benchmarks/latency_proxy.py LISTEN_PORT TARGET_PORT DELAY_SECONDS

Each accepted connection gets its own connection to 127.0.0.1:TARGET_PORT.
Data read from either side is written to the other ``DELAY_SECONDS`` after
it arrived, in order; reading goes on meanwhile, so the delay adds latency
without limiting throughput (like a long link, unlike a sleep per request).
Nothing is added to the loopback interface itself (other processes use it).
Runs until SIGTERM/SIGINT.
"""

from __future__ import annotations

import asyncio
import signal
import sys


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def deliver() -> None:
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                writer.write_eof() if writer.can_write_eof() else writer.close()
                return
            writer.write(data)
            await writer.drain()

    delivery = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(65536)
            queue.put_nowait((loop.time() + delay, data))
            if not data:
                break
        await delivery
    except (ConnectionError, OSError):
        delivery.cancel()
    finally:
        writer.close()


async def _serve(
    target_port: int, delay: float, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter
) -> None:
    try:
        upstream_r, upstream_w = await asyncio.open_connection("127.0.0.1", target_port)
    except OSError:
        client_w.close()
        return
    try:
        await asyncio.gather(
            _pump(client_r, upstream_w, delay),
            _pump(upstream_r, client_w, delay),
            return_exceptions=True,
        )
    except asyncio.CancelledError:
        # Shutting down with the connection open. Ending quietly: Python 3.11's
        # stream callback would otherwise log the cancellation as an error.
        client_w.close()
        upstream_w.close()


async def main(listen_port: int, target_port: int, delay: float) -> None:
    server = await asyncio.start_server(
        lambda r, w: _serve(target_port, delay, r, w), "127.0.0.1", listen_port, backlog=256
    )
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopped.set)
    async with server:
        await stopped.wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))
