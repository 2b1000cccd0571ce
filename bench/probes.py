"""What bench/load.py measures beside the clients' figures: the server's CPU
per request, how busy the shared machine was, and what the run's PostgreSQL
sessions were waiting for. Linux only (/proc)."""
import os
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg


def worker_pids(servers):
    """The gunicorn worker processes (the masters' children)."""
    pids = []
    for proc, _, _ in servers:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
        pids += [int(p) for p in children.read_text().split()] if children.exists() else []
    return pids


def cpu_seconds(pids):
    """User + system CPU the processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy():
    """(busy, total) jiffies of the whole machine: how much CPU others left us."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuMeter:
    def __init__(self, pids):
        self.pids = pids

    def __enter__(self):
        self.cpu, self.machine, self.wall = cpu_seconds(self.pids), machine_busy(), time.monotonic()
        return self

    def __exit__(self, *exc):
        busy, total = machine_busy()
        self.server = cpu_seconds(self.pids) - self.cpu
        self.busy_share = (busy - self.machine[0]) / max(1, total - self.machine[1])
        self.elapsed = time.monotonic() - self.wall

    def line(self, ops):
        return (f"  server CPU {self.server:.1f} s in {self.elapsed:.1f} s ({self.server / self.elapsed:.0%} of a core),"
                f" {1000 * self.server / max(ops, 1):.2f} ms per request; machine busy {self.busy_share:.0%}"
                f" ({os.cpu_count()} cores, shared)")


class WaitSampler:
    """Samples what the run's PostgreSQL sessions are doing (pg_stat_activity)
    every 50 ms: running, waiting for the client (our server), for IO, or for
    a lock - where the money requests' milliseconds go on the database side."""

    def __init__(self, url):
        self.url, self.counts, self.stop = url, Counter(), threading.Event()

    def _run(self):
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.wait(0.05):
                for state, wait_type, wait_event in conn.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                ):
                    if state == "idle":
                        continue  # a pooled connection no request holds
                    self.counts[f"{state}: {wait_type or 'CPU'}/{wait_event or '-'}"] += 1

    def __enter__(self):
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(5)

    def line(self):
        total = sum(self.counts.values()) or 1
        top = ", ".join(f"{k} {100 * n / total:.0f}%" for k, n in self.counts.most_common(5))
        return f"  database sessions in a request were: {top}"
