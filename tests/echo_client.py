#!/usr/bin/env python3
"""Run a guest and, once it prints its marker line, talk to its TCP echo
through QEMU's forwarded port on 127.0.0.1, or, run inside a network
namespace the test made (tests/netns.py), at the guest's address there:
never another address.

    echo_client.py [--stop] [HOST:]PORT MARKER [--ping COUNT] -- COMMAND...

With --ping, the guest's address is first pinged COUNT times ("echo-client:
ping: N of COUNT answered").

The guest's output passes through; the client adds lines of its own:
"echo-client: connection N: sent B bytes, got back B intact" for each
connection, or "echo-client: FAILED ...".  Two connections: the first
shuts its sending side at once and reads to the end (the guest must
deliver what it queued before its FIN), the second reads everything
back before closing.  The exit status is the command's; with --stop (a
server that runs until stopped, as apps/echo) the command is stopped
after the exchanges and the status is 0 when they all came back intact.
"""
import os
import re
import socket
import subprocess
import sys
import threading

SIZE = 256 * 1024


def exchange(host, port, n, shut_first):
    data = os.urandom(SIZE)
    with socket.create_connection((host, port), timeout=20) as s:
        sender = threading.Thread(target=s.sendall, args=(data,))
        sender.start()
        got = bytearray()
        if shut_first:
            sender.join()
            s.shutdown(socket.SHUT_WR)
        while len(got) < SIZE or shut_first:
            b = s.recv(65536)
            if not b:
                break
            got += b
        sender.join()
    if bytes(got) == data:
        return f"echo-client: connection {n}: sent {SIZE} bytes, got back {len(got)} intact"
    same = next((i for i in range(min(len(got), SIZE)) if got[i] != data[i]), None)
    return (f"echo-client: FAILED connection {n}: sent {SIZE} bytes, got back "
            f"{len(got)}, first difference at {same}")


def ping(host, count):
    p = subprocess.run(["ping", "-n", "-c", str(count), "-i", "0.2", "-W", "2",
                        host], capture_output=True, text=True, timeout=30)
    got = re.search(r"(\d+) received", p.stdout)
    return (f"echo-client: ping {host}: {got.group(1) if got else 0} of "
            f"{count} answered")


def main():
    args = [a for a in sys.argv[1:sys.argv.index("--")] if a != "--stop"]
    stop = len(args) < sys.argv.index("--") - 1
    host, _, port = args[0].rpartition(":")
    host, port, marker = host or "127.0.0.1", int(port), args[1]
    opts = args[2:]
    pings = int(opts[opts.index("--ping") + 1]) if "--ping" in opts else 0
    cmd = sys.argv[sys.argv.index("--") + 1:]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    talked, ok = False, True
    for line in iter(p.stdout.readline, b""):
        sys.stdout.buffer.write(line)
        sys.stdout.flush()
        if not talked and marker.encode() in line:
            talked = True
            try:
                if pings:
                    print(ping(host, pings), flush=True)
                for n, shut_first in ((1, True), (2, False)):
                    result = exchange(host, port, n, shut_first)
                    ok = ok and "FAILED" not in result
                    print(result, flush=True)
            except (OSError, subprocess.SubprocessError) as e:
                ok = False
                print(f"echo-client: FAILED: {e}", flush=True)
            if stop:
                p.terminate()
    status = p.wait()
    return (0 if talked and ok else 1) if stop else status


if __name__ == "__main__":
    sys.exit(main())
