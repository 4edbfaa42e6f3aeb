"""First-party tool plugins (installed as ``edgeagent_tools``), written like third-party ones."""
