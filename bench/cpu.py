"""CPU seconds a benchmark's run costs, here and in its PostgreSQL backend (``/proc``, when the
server runs on this machine): on a machine other sessions load, a steadier measure than the
wall time, which their load stretches."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import NamedTuple


class Cpu(NamedTuple):
    """CPU seconds used so far by this process and by its PostgreSQL backend: unlike the wall
    time, a cost the other sessions' load on the machine barely changes."""

    here: float
    server: float | None  # None: the server's process cannot be read (not on this machine)
    backend: int  # the server process's id: a new connection's CPU is not comparable

    def since(self, start: Cpu) -> str:
        here = self.here - start.here
        if self.server is None or start.server is None or self.backend != start.backend:
            return f"cpu {here:.1f} s here"
        return f"cpu {here:.1f} s here + {self.server - start.server:.1f} s in PostgreSQL"

    def total_since(self, start: Cpu) -> float | None:
        if self.server is None or start.server is None or self.backend != start.backend:
            return None
        return self.here - start.here + self.server - start.server


def cpu_now(cursor) -> Cpu:
    """This process's CPU time, and its backend's from ``/proc`` when the server runs here."""
    cursor.execute("SELECT pg_backend_pid()")
    pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        server: float | None = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        server = None
    return Cpu(time.process_time(), server, pid)
