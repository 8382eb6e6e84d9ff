"""Where the CPU went during a benchmark phase, read from ``/proc`` (Linux; everything on this one machine).

Shared by the benchmarks that serve yiwang with gunicorn (``sys.path`` gets ``bench/`` before the import). Each
snapshot reads the user + system CPU of: this process (the load generator), each named server (its master and
worker processes), the PostgreSQL backends connected to the named databases, and the whole machine (so what
everything else took shows too, including what the hypervisor stole). The servers keep their database
connections open (``CONN_MAX_AGE``), but not for ever: a backend that exits during a phase is counted through
the postmaster's CPU of reaped children (the machine's PostgreSQL serves only the benchmark while it runs).
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    """The fields of ``/proc/<pid>/stat`` after the command name (field 3 onwards); empty when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (all its threads); 0 when it is gone."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS if fields else 0.0  # utime, stime


def reaped_cpu_seconds(pid: int) -> float:
    """User + system CPU of the children ``pid`` has waited for (exited ones); 0 when it is gone."""
    fields = _stat(pid)
    return (int(fields[13]) + int(fields[14])) / CLOCK_TICKS if fields else 0.0  # cutime, cstime


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def machine() -> tuple[float, float, float]:
    """(busy, total, stolen) CPU seconds of the whole machine since boot; stolen: taken by the hypervisor."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    total = sum(values[:8])
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS, values[7] / CLOCK_TICKS


class CpuMeter:
    """``servers`` maps a label to a server's master pid; ``databases`` names whose backends count as PostgreSQL."""

    def __init__(self, servers: dict[str, int], databases: list[str], host: str = "127.0.0.1") -> None:
        self.servers, self.databases, self.host = servers, databases, host

    def _backend_pids(self) -> list[int]:
        names = ", ".join(f"'{name}'" for name in self.databases)
        out = subprocess.run(["psql", "-h", self.host, "-U", "postgres", "-Atc",  # noqa: S603, S607
                              f"SELECT pid FROM pg_stat_activity WHERE datname IN ({names})"],  # noqa: S608 (ours)
                             check=True, capture_output=True, text=True, timeout=30).stdout
        return [int(line) for line in out.split() if line.strip().isdigit()]

    def snapshot(self) -> dict[str, Any]:
        servers = {label: {p: cpu_seconds(p) for p in (pid, *children(pid))} for label, pid in self.servers.items()}
        backends = self._backend_pids()
        postmaster = int(_stat(backends[0])[1]) if backends else 0  # a backend's parent
        busy, total, stolen = machine()
        return {"client": time.process_time(), "servers": servers,
                "postgres": {p: cpu_seconds(p) for p in backends},
                "reaped": reaped_cpu_seconds(postmaster) if postmaster else 0.0,
                "busy": busy, "total": total, "stolen": stolen}

    @staticmethod
    def report(before: dict[str, Any], after: dict[str, Any], done: int, unit: str) -> str:
        """Two lines: CPU per ``unit`` for each party, and the rate the measured parties' CPU alone would allow."""

        def delta(now: dict[int, float], then: dict[int, float]) -> float:
            return sum(v - then.get(p, 0.0) for p, v in now.items())

        servers = {label: delta(pids, before["servers"].get(label, {})) for label, pids in after["servers"].items()}
        client = after["client"] - before["client"]
        # live backends' growth, plus backends that exited in between (their whole life, less what they had used)
        exited = sum(v for p, v in before["postgres"].items() if p not in after["postgres"])
        postgres = delta(after["postgres"], before["postgres"]) + after["reaped"] - before["reaped"] - exited
        busy, total = after["busy"] - before["busy"], after["total"] - before["total"]
        stolen = after["stolen"] - before["stolen"]
        measured = client + postgres + sum(servers.values())
        other = max(0.0, busy - measured)
        per = 1000 / done if done else 0.0
        cpus = os.cpu_count() or 1
        parts = ", ".join(f"{label} {seconds * per:.2f} ms" for label, seconds in servers.items())
        return (f"    CPU per {unit}: {parts}, PostgreSQL {postgres * per:.2f} ms, "
                f"load generator {client * per:.2f} ms, rest of the machine {other * per:.2f} ms "
                f"(hypervisor steal {stolen * per:.2f} ms); machine busy "
                f"{100 * busy / total if total else 0:.0f} % of {cpus} CPUs\n"
                f"    the benchmark's own CPU ({measured * per:.2f} ms per {unit}) would allow "
                f"{cpus * 1000 / (measured * per) if measured and per else 0:.0f} {unit}s/s on {cpus} otherwise "
                "idle CPUs")
