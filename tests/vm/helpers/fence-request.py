#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""One outdate request to a tandemctl fence-listen, written from the
exchange's description (tools/fencemsg.h) with Python's own HMAC: a second
implementation the listener must agree with.

usage: fence-request.py HOST[:PORT] RES SECRET-FILE [TIMEOUT]
Prints the listener's answer line (its MAC checked: "answer CODE REASON")
or "refused ..."; exits 0 if an answer came within TIMEOUT seconds (5).
"""
import hashlib
import hmac
import os
import socket
import sys


def mac(secret, label, res, snonce, cnonce, extra=()):
    msg = "\n".join([f"tandem-fence {label}", res, snonce, cnonce, *extra])
    return hmac.new(secret, msg.encode(), hashlib.sha256).hexdigest()


def main():
    host, _, port = sys.argv[1].partition(":")
    res = sys.argv[2]
    secret = open(sys.argv[3], "rb").read()
    if secret.endswith(b"\n"):
        secret = secret[:-1]
    sock = socket.create_connection((host, int(port or 7790)), timeout=float(sys.argv[4]) if len(sys.argv) > 4 else 5)
    f = sock.makefile("rwb")
    greeting = f.readline().decode().rstrip("\n")
    prefix = "tandem-fence 1 "
    if not greeting.startswith(prefix):
        sys.exit(f"not a listener: {greeting!r}")
    snonce = greeting[len(prefix):]
    cnonce = os.urandom(16).hex()
    f.write(f"outdate {res} {cnonce} {mac(secret, 'outdate', res, snonce, cnonce)}\n".encode())
    f.flush()
    line = f.readline().decode().rstrip("\n")
    if line.startswith("answer "):
        _, code, got, reason = line.split(" ", 3)
        if got != mac(secret, "answer", res, snonce, cnonce, (code, reason)):
            sys.exit(f"answer with a wrong MAC: {line!r}")
        print(f"answer {code} {reason}")
    else:
        print(line)


if __name__ == "__main__":
    main()
