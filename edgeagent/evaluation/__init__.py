"""Measuring the agent: case runs, offload-quality metrics, reports and plots (``edgeagent eval``)."""
