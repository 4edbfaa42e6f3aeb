"""Sharing a small CPU: how compute threads wait, and how many to use given the load.

llama.cpp (through ggml) and torch both run their threads with OpenMP (libgomp). By default
an OpenMP thread that reaches a barrier first *spins*, waiting for the others, before it
sleeps. On an idle machine that saves a few microseconds per barrier; on a 2-core device
where another CPU-bound process runs, the spinning thread holds a core the thread it waits
for needs, and every one of the hundreds of barriers per token costs a scheduler time slice:
measured with ``benchmarks/busy_device.py``, an LM-student decision went from ~0.4 s to
4-90 s. With ``OMP_WAIT_POLICY=PASSIVE`` waiting threads sleep at once and the same decision
stays near its idle time.

:func:`configure` sets ``OMP_WAIT_POLICY=PASSIVE`` before an OpenMP runtime loads (unless
the user set ``OMP_WAIT_POLICY``, or ``EDGEAGENT_CPU_WAIT=runtime`` keeps the runtime's own
default); the factory and the GGUF brain call it before they load llama.cpp or torch. It
cannot help a runtime already loaded (torch imported before edgeagent built a brain).
:func:`threads_for_load` picks a thread count from the runnable tasks now.
"""

from __future__ import annotations

import os
from pathlib import Path

_LOADAVG = Path("/proc/loadavg")


def configure() -> str | None:
    """Make OpenMP threads sleep rather than spin while they wait (see the module
    docstring); returns the wait policy in force (None: the runtime's default)."""
    from edgeagent.settings import settings

    s = settings()
    if s.omp_wait_policy:  # the user's own choice wins
        return s.omp_wait_policy
    if s.cpu_wait == "runtime":
        return None
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    return "PASSIVE"


def cores() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def runnable_others() -> int | None:
    """Tasks ready to run right now besides the caller (``/proc/loadavg``'s running count,
    minus this one); None where the kernel does not say."""
    try:
        running = _LOADAVG.read_text().split()[3].split("/")[0]
        return max(0, int(running) - 1)
    except (OSError, IndexError, ValueError):
        return None


def threads_for_load(most: int | None = None) -> int:
    """Threads for a compute step now: the cores not taken by other runnable tasks, at
    least one, at most ``most`` (default: the cores)."""
    n = cores()
    others = runnable_others()
    free = n if others is None else n - others
    return max(1, min(most or n, free))
