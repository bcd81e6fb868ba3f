#!/usr/bin/python3
# coldchain-load.py: many phones (or one attacker) at once against the cold chain server.
#
# Copyright 2026 The omsync authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: bench/coldchain-load.py [--cli PATH] [--requests N] [--sources K] [--http]
#                                [--mix wrong,right,upload] [--timeout S]
#
# Starts `omsync-cli serve` (default: _build/src/cli/omsync-cli) on 127.0.0.1 with a fresh
# data directory holding one cold chain account and a site with a store, logs in once and
# uploads one sensor, then opens N connections (default 1000) all at once, each sending one
# request with `Connection: close`: a login with a wrong password, a login with the right
# one, or an upload of 100 temperature logs, in the proportions of --mix (default 1,1,1).
# Connection i binds the source address 127.0.0.(1 + i % K) (default K = 1: one address, as
# one attacker), so with K > 1 the requests come from several "phones".
#
# Prints the answers by HTTP status, the connections that got no answer (reset, closed
# before a status line, refused, timed out), the JSON answers that do not parse strictly,
# the wall time, and the server's peak RSS (VmRSS sampled every 10 ms, and VmHWM).
# Standard library only; Debian's /usr/bin/python3.

import argparse
import asyncio
import json
import os
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid

USER = "bench-phone"
PASSWORD = "bench cold chain secret"
SITE_ID = 42


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(cli, data_dir):
    subprocess.run([cli, "-d", data_dir, "coldchain-account", "add", USER, "--password-stdin"],
                   input=(PASSWORD + "\n").encode(), check=True, stdout=subprocess.DEVNULL)
    db = sqlite3.connect(os.path.join(data_dir, "omsync.sqlite"))
    db.execute("INSERT INTO key_value_store (id, value_int) VALUES "
               "('SETTINGS_SYNC_SITE_ID', ?)", (SITE_ID,))
    db.execute("INSERT INTO store (id, name_link_id, code, site_id, store_mode, is_disabled) "
               "VALUES ('bench-store', 'bench-name', 'B1', ?, 'STORE', 0)", (SITE_ID,))
    db.commit()
    db.close()


def strict_json(text):
    def refuse(token):
        raise ValueError("non-standard token " + token)
    return json.loads(text, parse_constant=refuse)


class Rss(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.running = True

    def read(self, field):
        try:
            with open("/proc/%d/status" % self.pid) as f:
                for line in f:
                    if line.startswith(field + ":"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def run(self):
        while self.running:
            self.peak_kb = max(self.peak_kb, self.read("VmRSS"))
            time.sleep(0.01)


async def exchange(args, method, path, body, cookie, source):
    """One request on a fresh connection: (status, headers, body) or raises."""
    context = None
    if not args.http:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    reader, writer = await asyncio.open_connection("127.0.0.1", args.port, ssl=context,
                                                   local_addr=(source, 0))
    try:
        head = "%s /coldchain/v1/%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" \
               "Content-Type: application/json\r\nContent-Length: %d\r\n" \
               "Connection: close\r\n" % (method, path, args.port, len(body))
        if cookie:
            head += "Cookie: %s\r\n" % cookie
        writer.write(head.encode() + b"\r\n" + body)
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except (OSError, ssl.SSLError):
            pass
    if not data.startswith(b"HTTP/1."):
        raise ConnectionError("closed before a status line")
    head, _, payload = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, payload


def login_body(password):
    return json.dumps({"username": USER, "password": password}).encode()


def logs_body(n):
    now = int(time.time())
    return json.dumps([{"id": str(uuid.uuid4()), "temperature": 4.5 + (i % 10) / 10,
                        "timestamp": now - i * 60, "sensorId": "bench-sensor"}
                       for i in range(n)]).encode()


samples = {}


async def one(args, i, kind, cookie, results):
    source = "127.0.0.%d" % (1 + i % args.sources)
    if kind == "wrong":
        request = ("POST", "login", login_body("wrong password %d" % i), None)
    elif kind == "right":
        request = ("POST", "login", login_body(PASSWORD), None)
    else:
        request = ("PUT", "temperature-log", logs_body(100), cookie)
    try:
        status, headers, payload = await asyncio.wait_for(
            exchange(args, *request, source), args.timeout)
    except asyncio.TimeoutError:
        results.append((kind, "timeout"))
        return
    except ConnectionRefusedError:
        results.append((kind, "refused"))
        return
    except (ConnectionError, OSError, ssl.SSLError, asyncio.IncompleteReadError) as e:
        results.append((kind, "reset (%s)" % type(e).__name__))
        return
    if headers.get("content-type", "").startswith("application/json"):
        try:
            strict_json(payload.decode("utf-8"))
        except ValueError:
            results.append((kind, "%d with invalid JSON" % status))
            return
    results.append((kind, str(status)))
    samples.setdefault(str(status), payload[:300])


async def main_async(args, rss):
    status, headers, _ = await exchange(args, "POST", "login", login_body(PASSWORD), None,
                                        "127.0.0.1")
    if status != 200:
        sys.exit("coldchain-load: the first login got %d" % status)
    cookie = headers["set-cookie"].split(";")[0]
    sensor = json.dumps([{"id": "bench-sensor", "macAddress": "DE:AD:BE:EF:00:01",
                          "logInterval": 5, "programmedDate": 1764140000,
                          "name": "Bench fridge", "batteryLevel": 90}]).encode()
    status, _, payload = await exchange(args, "PUT", "sensor", sensor, cookie, "127.0.0.1")
    if status != 200:
        sys.exit("coldchain-load: the sensor upload got %d: %s" % (status, payload[:200]))

    weights = [int(w) for w in args.mix.split(",")]
    kinds = ["wrong"] * weights[0] + ["right"] * weights[1] + ["upload"] * weights[2]
    results = []
    rss.start()
    started = time.monotonic()
    await asyncio.gather(*(one(args, i, kinds[i % len(kinds)], cookie, results)
                           for i in range(args.requests)))
    elapsed = time.monotonic() - started
    rss.running = False
    return results, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    source_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--cli", default=os.path.join(source_dir, "_build/src/cli/omsync-cli"))
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--sources", type=int, default=1)
    parser.add_argument("--mix", default="1,1,1")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--http", action="store_true")
    args = parser.parse_args()
    args.port = free_port()

    data_dir = tempfile.mkdtemp(prefix="omsync-coldchain-load-")
    server = None
    try:
        seed(args.cli, data_dir)
        command = [args.cli, "-d", data_dir, "serve", "--coldchain-port", str(args.port)]
        if args.http:
            command.append("--coldchain-http")
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                  env=dict(os.environ, OMSYNC_HARDWARE_ID="bench-load"))
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", args.port), 0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        rss = Rss(server.pid)
        results, elapsed = asyncio.run(main_async(args, rss))
        hwm_kb = rss.read("VmHWM")

        counts = {}
        for kind, outcome in results:
            counts.setdefault(outcome, {}).setdefault(kind, 0)
            counts[outcome][kind] += 1
        answered = sum(sum(k.values()) for o, k in counts.items() if o[0].isdigit())
        print("coldchain-load: %d requests (%s), %d source address(es), %s, %.1f s"
              % (args.requests, args.mix, args.sources, "http" if args.http else "https",
                 elapsed))
        for outcome in sorted(counts):
            detail = ", ".join("%s %d" % kv for kv in sorted(counts[outcome].items()))
            print("  %-28s %5d  (%s)" % (outcome, sum(counts[outcome].values()), detail))
        print("  answered: %d of %d" % (answered, args.requests))
        for outcome, payload in sorted(samples.items()):
            if not outcome.startswith("2"):
                print("  a %s answer: %s" % (outcome, payload.decode("utf-8", "replace")))
        print("  server peak RSS: %.1f MB sampled, VmHWM %.1f MB"
              % (rss.peak_kb / 1024, hwm_kb / 1024))
        return 0 if answered == args.requests else 1
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
