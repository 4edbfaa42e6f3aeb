"""The cloud brain without a network: a LangChain fake chat model that calls tools."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from edgeagent import Observation
from edgeagent.brains.cloud import CloudBrain, CloudSettings
from edgeagent.testing.contract import BrainContract
from edgeagent.toolset import Toolset


class ToolCallingFake(GenericFakeChatModel):
    """Answers with the next scripted message; binding tools records them."""

    bound: list[Any] = []  # noqa: RUF012 - a pydantic field (copied per instance)

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.bound = list(tools)
        return self


def _replies(n: int) -> list[AIMessage]:
    turn_on = {"name": "turn_on", "args": {"name": "desk lamp"}, "id": "1"}
    return [AIMessage(content="", tool_calls=[turn_on])] + [AIMessage(content="ok")] * n


class TestCloudBrainContract(BrainContract):
    @pytest.fixture
    def brain(self) -> CloudBrain:
        return CloudBrain(ToolCallingFake(messages=iter(_replies(20))), name="cloud:fake")


def test_closed_vocabularies_are_bound_as_enums(lamp_toolset: Toolset) -> None:
    fake = ToolCallingFake(messages=iter(_replies(1)))
    d = CloudBrain(fake).decide(Observation.of("desk lamp on"), lamp_toolset)
    assert d.kind == "act" and d.calls[0].args == {"name": "Desk Lamp"}  # the world's spelling
    turn_on = next(t for t in fake.bound if t["function"]["name"] == "turn_on")
    assert turn_on["function"]["parameters"]["properties"]["name"]["enum"] == [
        "Kitchen Light",
        "Desk Lamp",
        "Bedroom Lamp",
    ]


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDGEAGENT_CLOUD_MODEL", "my-model")
    monkeypatch.setenv("EDGEAGENT_CLOUD_TIMEOUT_S", "2.5")
    settings = CloudSettings.from_env(base_url="http://127.0.0.1:1/v1")
    assert (settings.model, settings.timeout_s, settings.base_url) == (
        "my-model",
        2.5,
        "http://127.0.0.1:1/v1",
    )
    monkeypatch.setenv("MY_KEY", "secret")
    assert CloudSettings(api_key_env="MY_KEY").api_key() == "secret"
    assert "secret" not in CloudSettings(api_key_env="MY_KEY").model_dump_json()
