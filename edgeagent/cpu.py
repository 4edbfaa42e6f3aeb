"""Sharing a small CPU: how llama.cpp's and torch's compute threads wait.

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

Fewer threads than cores do not help once waits are passive: under the kernel's fair
scheduler each thread gets its share, so one thread got about half the CPU two got (the
same benchmark, with other work running).
"""

from __future__ import annotations

import os


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
