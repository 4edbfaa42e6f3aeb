"""LangChain interop, both ways: any ``BaseTool`` becomes an edgeagent tool and back."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from edgeagent.errors import MissingDependencyError, ToolError
from edgeagent.jsonschema import model_from_json_schema
from edgeagent.tool import Risk, Tool


def _require_langchain() -> Any:
    try:
        import langchain_core.tools as lc_tools
    except ImportError as exc:  # pragma: no cover - langchain-core is a core dependency
        raise MissingDependencyError("langchain-core", "cloud") from exc
    return lc_tools


def from_langchain(
    lc_tool: Any, *, risk: Risk = Risk.REVERSIBLE, needs_confirmation: bool = False
) -> Tool:
    """Wrap a LangChain ``BaseTool`` so the agent can call it (validated by its own schema)."""
    lc = _require_langchain()
    if not isinstance(lc_tool, lc.BaseTool):
        raise TypeError(f"expected a Tool or a langchain BaseTool, got {type(lc_tool).__name__}")
    schema = lc_tool.args_schema
    if isinstance(schema, type) and issubclass(schema, BaseModel):
        args_model: type[BaseModel] = schema
    else:
        args_model = model_from_json_schema(lc_tool.name, lc_tool.args)

    def run(**kwargs: Any) -> Any:
        try:
            return lc_tool.invoke(kwargs)
        except Exception as exc:
            raise ToolError(f"{lc_tool.name}: {exc}", tool=lc_tool.name) from exc

    return Tool(
        run,
        name=lc_tool.name,
        description=lc_tool.description or lc_tool.name,
        risk=risk,
        needs_confirmation=needs_confirmation,
        args_model=args_model,
    )


def to_langchain(tool: Tool) -> Any:
    """Export an edgeagent tool as a LangChain ``StructuredTool`` with the same schema."""
    lc = _require_langchain()

    def run(**kwargs: Any) -> Any:
        return tool.invoke(kwargs)

    return lc.StructuredTool.from_function(
        func=run,
        name=tool.name,
        description=tool.description,
        args_schema=tool.args_model,
        metadata={"risk": tool.risk.value, "needs_confirmation": tool.needs_confirmation},
    )
