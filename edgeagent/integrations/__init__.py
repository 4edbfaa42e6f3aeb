"""Bridges to other agent frameworks (LangChain)."""
