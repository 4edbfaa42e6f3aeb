"""A brain backed by any langchain-core chat model that supports tool calling.

The toolset is bound with ``bind_tools`` (entity-like arguments carry the world's names as
JSON-schema enums), the reply's ``tool_calls`` become the proposal, and the base class
validates them like any other brain's output. Errors become :class:`BrainError` with
``retryable`` set the way langchain-core classifies them (timeouts, connection errors, rate
limits and server errors retry; authentication and bad requests do not).

:meth:`CloudBrain.from_settings` builds an OpenAI-compatible client (OpenAI, vLLM, Ollama,
llama.cpp's server). The API key is read from the environment variable the settings name; it
is never stored on the brain, logged, or written to telemetry.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from edgeagent.brains.base import BaseBrain, Proposal
from edgeagent.brains.prompt import render_context
from edgeagent.datamodel import Observation, TokenUsage, ToolCall
from edgeagent.errors import BrainError, BrainOutputError, ConfigError, MissingDependencyError
from edgeagent.tool import Tool
from edgeagent.toolset import Toolset

PARAPHRASE_INSTRUCTIONS = (
    "Rewrite the user's request {n} different ways that people really say such a thing to a "
    "voice assistant (casual, indirect, short or long, spoken). Keep what it asks for, with the "
    "same names and numbers. Answer with one rewording per line and nothing else."
)
CLOUD_INSTRUCTIONS = (
    "You are the cloud decision module of an agent on a small device. Use the tools to carry "
    "out the user's request: call the tools needed, in order, with only the arguments the "
    "request needs. If no tool applies, call none and reply briefly."
)


class CloudSettings(BaseSettings):
    """An OpenAI-compatible endpoint. Environment: ``EDGEAGENT_CLOUD_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="EDGEAGENT_CLOUD_", extra="forbid", frozen=True)

    model: str = "gpt-4o-mini"
    base_url: str | None = None
    api_key_env: str = Field(
        default="OPENAI_API_KEY", description="Name of the environment variable with the key"
    )
    timeout_s: float = Field(default=10.0, gt=0)
    temperature: float = 0.0
    max_tokens: int = Field(default=256, gt=0)
    tool_choice: Literal["auto", "required"] = "auto"

    @classmethod
    def from_env(cls, **overrides: Any) -> CloudSettings:
        """The environment's settings, with ``overrides`` (None values ignored) on top."""
        return cls(**{k: v for k, v in overrides.items() if v is not None})

    def api_key(self) -> str | None:
        """The key from the environment variable ``api_key_env`` names (never stored)."""
        import os

        return os.environ.get(self.api_key_env)


def tool_to_openai(
    tool: Tool, toolset: Toolset, vocabulary: dict[str, list[str]]
) -> dict[str, Any]:
    """An OpenAI function-tool definition; closed vocabularies become ``enum``s."""
    schema = tool.json_schema()
    props = schema.get("properties", {})
    for param in tool.params:
        prop = props.get(param.name)
        if prop is None:
            continue
        for key in [k for k in prop if k.startswith("x-")]:
            del prop[key]
        allowed = toolset.allowed_values(param, None, vocabulary)
        if allowed and not param.choices and param.type == "string":
            target = prop
            if "anyOf" in prop:
                target = next((o for o in prop["anyOf"] if o.get("type") == "string"), prop)
            target["enum"] = allowed
    schema.pop("title", None)
    return {
        "type": "function",
        "function": {"name": tool.name, "description": tool.description, "parameters": schema},
    }


def is_retryable(exc: BaseException) -> bool:
    """Timeouts, connection problems, rate limits and 5xx retry; other errors do not."""
    status = getattr(exc, "status_code", None) or getattr(
        getattr(exc, "response", None), "status_code", None
    )
    if isinstance(status, int):
        return status == 429 or status >= 500 or status == 408
    names = {k.__name__ for k in type(exc).__mro__}
    retry_names = {
        "APITimeoutError",
        "APIConnectionError",
        "RateLimitError",
        "InternalServerError",
        "TimeoutException",
        "ConnectError",
        "ReadTimeout",
        "ConnectTimeout",
        "RemoteProtocolError",
    }
    if names & retry_names:
        return True
    return isinstance(exc, TimeoutError | ConnectionError)


def retry_after(exc: BaseException) -> float | None:
    """The seconds a rate-limited or busy server asked the client to wait (``Retry-After``
    or ``retry-after-ms``), if it said (an HTTP date is not followed)."""
    headers = getattr(getattr(exc, "response", None), "headers", None)
    if headers is None:
        return None
    try:
        if headers.get("retry-after-ms") is not None:
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
        if headers.get("retry-after") is not None:
            return max(0.0, float(headers["retry-after"]))
    except (TypeError, ValueError):
        return None
    return None


def _short(exc: BaseException, limit: int = 300) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class CloudBrain(BaseBrain):
    """Decides with a LangChain chat model (``BaseChatModel`` with tool calling).

    Args:
        chat_model: any langchain-core chat model that implements ``bind_tools``.
        name: shown in decisions and telemetry (default ``cloud:<model name>``).
        confidence: the confidence reported for the cloud's decisions.
        tool_choice: passed to ``bind_tools`` (llama.cpp's server needs ``"auto"`` explicitly).
    """

    def __init__(
        self,
        chat_model: Any,
        *,
        name: str | None = None,
        confidence: float = 1.0,
        tool_choice: str | None = "auto",
    ) -> None:
        if not hasattr(chat_model, "bind_tools"):
            raise ConfigError(f"{type(chat_model).__name__} does not support tool calling")
        self.chat_model = chat_model
        model_name = getattr(chat_model, "model_name", None) or getattr(chat_model, "model", None)
        self.name = name or f"cloud:{model_name or type(chat_model).__name__}"
        self.confidence = confidence
        self.tool_choice = tool_choice
        self._bound: tuple[Toolset, str, Any] | None = None

    @classmethod
    def from_settings(cls, settings: CloudSettings, **kwargs: Any) -> CloudBrain:
        """An OpenAI-compatible endpoint; the key comes from ``settings.api_key_env``."""
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise MissingDependencyError("langchain-openai", "cloud") from exc
        key = settings.api_key()
        if not key:
            if settings.base_url is None:
                raise ConfigError(
                    f"no API key: set the environment variable {settings.api_key_env}"
                )
            key = "not-needed"  # local servers (llama.cpp, vLLM, Ollama) accept any key
        model = ChatOpenAI(
            model=settings.model,
            base_url=settings.base_url,
            api_key=key,
            timeout=settings.timeout_s,
            max_retries=0,  # retries are the escalating brain's job (bounded, with backoff)
            temperature=settings.temperature,
            max_completion_tokens=settings.max_tokens,
        )
        return cls(model, tool_choice=settings.tool_choice, **kwargs)

    @classmethod
    def from_env(cls, **overrides: Any) -> CloudBrain:
        """Settings from ``EDGEAGENT_CLOUD_*`` variables (model, base_url, api_key_env...)."""
        settings = CloudSettings.from_env(
            **{k: overrides.pop(k) for k in list(overrides) if k in CloudSettings.model_fields}
        )
        return cls.from_settings(settings, **overrides)

    def _bind(self, toolset: Toolset) -> Any:
        fingerprint = toolset.fingerprint()
        if self._bound is None or self._bound[1] != fingerprint:
            vocab = toolset.vocabulary()
            tools = [tool_to_openai(t, toolset, vocab) for t in toolset]
            kwargs = {"tool_choice": self.tool_choice} if self.tool_choice else {}
            self._bound = (toolset, fingerprint, self.chat_model.bind_tools(tools, **kwargs))
        return self._bound[2]

    def messages(self, observation: Observation, toolset: Toolset) -> list[Any]:
        from langchain_core.messages import HumanMessage, SystemMessage

        world = toolset.describe_worlds().strip()
        system = CLOUD_INSTRUCTIONS + ("\n\nWorld:\n" + world if world else "")
        text = render_context(observation.context) + (observation.utterance or "")
        if observation.event is not None:
            text += f" (event: {observation.event.model_dump_json()})"
        return [SystemMessage(system), HumanMessage(text)]

    def paraphrase(self, text: str, n: int) -> list[str]:
        """``n`` rewordings of a request by the chat model (for distillation data); an error
        from the model is a :class:`BrainError`."""
        from langchain_core.messages import HumanMessage, SystemMessage

        system = SystemMessage(PARAPHRASE_INSTRUCTIONS.format(n=n))
        try:
            reply = self.chat_model.invoke([system, HumanMessage(text)])
        except Exception as exc:
            raise BrainError(f"{type(exc).__name__}: {exc}", retryable=is_retryable(exc)) from exc
        content = reply.content if isinstance(reply.content, str) else str(reply.content)
        seen, out = {text.strip().lower()}, []
        for line in content.splitlines():
            cleaned = line.strip().lstrip("-*•0123456789.) ").strip().strip('"')
            if cleaned and cleaned.lower() not in seen:
                seen.add(cleaned.lower())
                out.append(cleaned)
        return out[:n]

    def propose(self, observation: Observation, toolset: Toolset) -> Proposal:
        bound = self._bind(toolset)
        try:
            reply = bound.invoke(self.messages(observation, toolset))
        except Exception as exc:
            raise BrainError(
                f"{type(exc).__name__}: {_short(exc)}",
                retryable=is_retryable(exc),
                retry_after_s=retry_after(exc),
            ) from exc
        bad = getattr(reply, "invalid_tool_calls", None) or []
        if bad:
            raise BrainOutputError(
                f"invalid tool calls from the cloud: {bad}", raw=str(reply.content)
            )
        calls = tuple(
            ToolCall(tool=tc["name"], args=dict(tc.get("args") or {}))
            for tc in getattr(reply, "tool_calls", None) or []
        )
        usage = getattr(reply, "usage_metadata", None) or {}
        content = reply.content if isinstance(reply.content, str) else str(reply.content)
        return Proposal(
            calls=calls,
            answer=None if calls else (content.strip() or None),
            confidence=self.confidence,
            tokens=TokenUsage(
                prompt=int(usage.get("input_tokens", 0)),
                completion=int(usage.get("output_tokens", 0)),
            ),
            raw=content or None,
        )


__all__ = ["CloudBrain", "CloudSettings", "is_retryable", "retry_after", "tool_to_openai"]
