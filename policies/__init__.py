"""First-party policies (installed as ``edgeagent_policies``)."""
