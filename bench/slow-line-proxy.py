#!/usr/bin/python3
# slow-line-proxy.py: a loopback TCP proxy that behaves like a slow line, for run-slow-line.
#
# Copyright 2026 The omsync authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: slow-line-proxy.py --upstream-file FILE --rtt-ms MS --bandwidth BITS_PER_SECOND
#                           --stats FILE
# Listens on 127.0.0.1 on a free port and prints "http://127.0.0.1:PORT" on the first line of
# standard output. The upstream (HOST:PORT) is read from --upstream-file when a connection
# comes, so the server behind can be told the proxy's URL before it starts. Each direction is one link shared by every connection, as on a real line:
# bytes queue for the link, take (size / bandwidth) to go through it, then arrive half the
# round trip later. A new connection costs one round trip before its first byte goes (TCP's
# handshake). Counts connections, HTTP requests (request heads seen going up) and bytes each
# way; writes them as JSON to --stats on SIGUSR1, and on SIGTERM or SIGINT, then exits.

import argparse
import asyncio
import json
import signal
import sys

CHUNK = 16384


class Link:
    """One direction of the line: a FIFO through a pipe of fixed bandwidth and delay."""

    def __init__(self, loop, bandwidth_bytes, delay_s):
        self.loop = loop
        self.bandwidth = bandwidth_bytes
        self.delay = delay_s
        self.free_at = 0.0  # when the link has sent everything queued so far
        self.last_due = 0.0  # the loop orders equal times in no set way: keep them apart
        self.bytes = 0

    def send(self, data, deliver):
        """Sends bytes, or the end of a connection's stream (None) after its bytes."""
        now = self.loop.time()
        start = max(now, self.free_at)
        if data is not None:
            self.free_at = start + len(data) / self.bandwidth
            self.bytes += len(data)
        due = max(max(start, self.free_at) + self.delay, self.last_due + 1e-6)
        self.last_due = due
        self.loop.call_at(due, deliver, data)


class RequestCounter:
    """Finds HTTP/1.1 request heads in the bytes going up (bodies have a Content-Length)."""

    def __init__(self):
        self.buffer = b""
        self.body_left = 0
        self.requests = 0

    def feed(self, data):
        self.buffer += data
        while True:
            if self.body_left > 0:
                n = min(self.body_left, len(self.buffer))
                self.buffer = self.buffer[n:]
                self.body_left -= n
                if self.body_left > 0:
                    return
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1")
            self.buffer = self.buffer[end + 4:]
            self.requests += 1
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    self.body_left = int(value.strip())


class Proxy:
    def __init__(self, args):
        self.upstream_file = args.upstream_file
        self.rtt = args.rtt_ms / 1000.0
        self.bandwidth = args.bandwidth / 8.0
        self.stats_path = args.stats
        self.connections = 0
        self.counter = RequestCounter()
        self.counters = []

    async def start(self):
        loop = asyncio.get_running_loop()
        self.up = Link(loop, self.bandwidth, self.rtt / 2)
        self.down = Link(loop, self.bandwidth, self.rtt / 2)
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        print(f"http://127.0.0.1:{port}", flush=True)
        self.done = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.done.set)
        loop.add_signal_handler(signal.SIGUSR1, self.write_stats)
        await self.done.wait()
        self.write_stats()

    def write_stats(self):
        stats = {
            "connections": self.connections,
            "requests": sum(c.requests for c in self.counters),
            "bytesUp": self.up.bytes,
            "bytesDown": self.down.bytes,
        }
        with open(self.stats_path, "w") as f:
            json.dump(stats, f)

    async def handle(self, client_reader, client_writer):
        self.connections += 1
        counter = RequestCounter()
        self.counters.append(counter)
        # TCP's handshake: a round trip before the first byte of a new connection.
        await asyncio.sleep(self.rtt)
        try:
            with open(self.upstream_file) as f:
                host, port = f.read().strip().rsplit(":", 1)
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
        except (OSError, ValueError):
            client_writer.close()
            return

        def deliver_to(writer):
            def deliver(data):
                if data is None:
                    if not writer.is_closing():
                        writer.close()
                elif not writer.is_closing():
                    writer.write(data)
            return deliver

        async def pump(reader, link, deliver, count):
            try:
                while True:
                    data = await reader.read(CHUNK)
                    if not data:
                        break
                    if count is not None:
                        count.feed(data)
                    link.send(data, deliver)
            except (ConnectionError, OSError):
                pass
            link.send(None, deliver)

        await asyncio.gather(
            pump(client_reader, self.up, deliver_to(up_writer), counter),
            pump(up_reader, self.down, deliver_to(client_writer), None))


def main():
    parser = argparse.ArgumentParser(description="A loopback proxy that acts as a slow line.")
    parser.add_argument("--upstream-file", required=True,
                        help="file holding HOST:PORT to forward to")
    parser.add_argument("--rtt-ms", type=float, required=True, help="round trip, milliseconds")
    parser.add_argument("--bandwidth", type=float, required=True,
                        help="each direction, bits per second")
    parser.add_argument("--stats", required=True, help="where to write the counts as JSON")
    args = parser.parse_args()
    if args.rtt_ms < 0 or args.bandwidth <= 0:
        parser.error("--rtt-ms must be >= 0 and --bandwidth > 0")
    asyncio.run(Proxy(args).start())
    return 0


if __name__ == "__main__":
    sys.exit(main())
