"""What a deployed agent does and costs, read from its live decision log (``edgeagent report``).

``window`` parses the time window, ``stats`` computes the figures from the log's rows (read
by :func:`edgeagent.telemetry.read_decisions`), ``render`` prints and writes them.

The report is computed from the ``decisions`` table that :class:`~edgeagent.telemetry.Telemetry`
writes, opened read-only so a running agent is never disturbed. Definitions:

- *escalated*: the router sent the decision past its local tiers (the logged ``escalated``
  flag; logs from before it was set for offline fallbacks also count a recorded reason).
  ``offload_rate`` is escalated / decisions. Reasons and cloud outcomes are grouped by the
  logged ``trigger`` and ``cloud_outcome`` columns.
- *cloud answered*: the cloud decided (tier ``cloud``); *cloud unavailable*: it was escalated but
  the cloud did not answer (no cloud, budget spent, circuit open, call failed, invalid output),
  so the agent either acted locally (offline rule) or changed nothing (tier ``none``).
- *local confidence*: the first local tier's confidence (``decision.local_confidence``), or the
  confidence of a decision a local brain made on its own.
- *errors*: steps where at least one executed call failed; *invalid*: decisions of kind
  ``invalid`` (never executed).
"""

from edgeagent.evaluation.live.render import render, to_markdown, write_live_report
from edgeagent.evaluation.live.stats import LiveReport, confidence_bin, live_report, trigger_group
from edgeagent.evaluation.live.window import parse_duration, parse_since

__all__ = [
    "LiveReport",
    "confidence_bin",
    "live_report",
    "parse_duration",
    "parse_since",
    "render",
    "to_markdown",
    "trigger_group",
    "write_live_report",
]
