#!/usr/bin/python3
"""Start and stop the kv image as tests/kv_test.py's --start and --stop
hooks, inside the network namespace the caller runs in (tests/netns.py):

    kv_guest.py start STATE    boot it (returns at once; kv_test waits for
                               PING), console appended to STATE/console
    kv_guest.py stop STATE     stop it and wait for QEMU to go

STATE/guest.json (written by the caller) holds the QEMU command and its
environment (MACHINE, MEM, APPEND, DISK...).  KEY=VALUE settings in this
script's own environment named in guest.json's "settings" (SNAPSHOT_BAD)
are added to the guest's command line, as kv_test asks of a server."""
import json
import os
import signal
import subprocess
import sys
import time


def start(state):
    g = json.load(open(os.path.join(state, "guest.json")))
    env = dict(os.environ, **g["env"])
    words = [f"{k}={os.environ[k]}" for k in g["settings"] if k in os.environ]
    env["APPEND"] = " ".join([env.get("APPEND", ""), *words]).strip()
    console = open(os.path.join(state, "console"), "ab")
    p = subprocess.Popen(g["command"], env=env, stdin=subprocess.DEVNULL,
                         stdout=console, stderr=subprocess.STDOUT,
                         start_new_session=True)
    open(os.path.join(state, "pid"), "w").write(str(p.pid))


def stop(state):
    try:
        pid = int(open(os.path.join(state, "pid")).read())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(100):  # QEMU lets go of the tap and the disk
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)


if __name__ == "__main__":
    {"start": start, "stop": stop}[sys.argv[1]](sys.argv[2])
