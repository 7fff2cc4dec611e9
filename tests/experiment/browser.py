#!/usr/bin/env python3
"""The experiment's load as browsers make it: CONNS visits at RATE per second,
each a GET of URL on a new connection. An attempt that fails (refused, reset,
no full answer within TIMEOUT s, or an answer other than 200) is retried
after RELOAD s on a new connection, as a user reloads a page that failed,
up to RETRIES times.

usage: browser.py URL --rate R --conns N [--timeout 30] [--retries 2] [--reload 1]

Prints one JSON object: visits, ok (answered 200 in the end), ok_first (on
the first attempt, as httperf would count them), attempts, what the failed
attempts were (error_kinds), and the body of each 200 answer (bodies).
"""
import argparse
import asyncio
import json
import sys
import time
from urllib.parse import urlsplit


async def attempt(host, port, path, timeout):
    """One GET on a new connection: (status or None, body or error kind)."""
    writer = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(host, port)
            # HTTP/1.0: the body comes as it is, not in chunks.
            writer.write(f"GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
            await writer.drain()
            answer = await reader.read()
    except TimeoutError:
        return None, "timeout"
    except ConnectionRefusedError:
        return None, "refused"
    except ConnectionResetError:
        return None, "reset"
    except OSError as e:
        return None, type(e).__name__
    finally:
        if writer:
            writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    words = head.split(b" ", 2)
    if len(words) < 2 or not words[1].isdigit():
        return None, "no answer" if not answer else "malformed"
    return int(words[1]), body.decode(errors="replace")


async def visit(host, port, path, a, stats):
    for n in range(a.retries + 1):
        if n:
            await asyncio.sleep(a.reload)
        stats["attempts"] += 1
        status, what = await attempt(host, port, path, a.timeout)
        if status == 200:
            stats["ok"] += 1
            stats["ok_first"] += n == 0
            stats["bodies"].append(what)
            return
        kind = what if status is None else f"http {status}"
        stats["error_kinds"][kind] = stats["error_kinds"].get(kind, 0) + 1


async def main(a):
    url = urlsplit(a.url)
    path = url.path + (f"?{url.query}" if url.query else "")
    stats = {"visits": a.conns, "ok": 0, "ok_first": 0, "attempts": 0, "retries": a.retries,
             "timeout_s": a.timeout, "reload_s": a.reload, "error_kinds": {}, "bodies": []}
    start = time.monotonic()
    visits = []
    for i in range(a.conns):
        await asyncio.sleep(max(0.0, start + i / a.rate - time.monotonic()))
        visits.append(asyncio.create_task(visit(url.hostname, url.port or 80, path, a, stats)))
    await asyncio.gather(*visits)
    stats["duration_s"] = round(time.monotonic() - start, 2)
    json.dump(stats, sys.stdout)
    print()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("url")
    ap.add_argument("--rate", type=float, required=True)
    ap.add_argument("--conns", type=int, required=True)
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--retries", type=int, default=2)
    ap.add_argument("--reload", type=float, default=1)
    asyncio.run(main(ap.parse_args()))
