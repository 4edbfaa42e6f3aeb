"""The compact call format local models emit, and its parser.

One call a line, Python-like: ``HassTurnOn(area="Kitchen",domain="light")``; several lines
run in order; ``none`` means no device action. Strings are JSON-quoted, numbers, booleans and
``null`` bare, lists in brackets, dicts in braces with quoted keys (``{"min":1,"max":2}``).
The format is short (every generated token costs latency on a small device) and is what
distilled students are trained to write.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from edgeagent.datamodel import ToolCall
from edgeagent.errors import BrainOutputError

NONE = "none"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def render_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(render_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{_quote(k)}:{render_value(v)}" for k, v in value.items()) + "}"
    return _quote(value)


def _quote(value: Any) -> str:
    """A JSON string; the line breaks JSON leaves raw are escaped too (one call a line)."""
    text = json.dumps(str(value), ensure_ascii=False)
    return text.replace("\x85", "\\u0085").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render_call(call: ToolCall, order: Iterable[str] | None = None) -> str:
    """Render one call; ``order`` (the schema's parameter order) keeps the output canonical."""
    keys = [k for k in (order or call.args) if k in call.args and call.args[k] is not None]
    keys += [k for k in call.args if k not in keys and call.args[k] is not None]
    inner = ",".join(f"{k}={render_value(call.args[k])}" for k in keys)
    return f"{call.tool}({inner})"


def render_calls(calls: Iterable[ToolCall], orders: dict[str, list[str]] | None = None) -> str:
    lines = [render_call(c, (orders or {}).get(c.tool)) for c in calls]
    return "\n".join(lines) if lines else NONE


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, what: str) -> BrainOutputError:
        snippet = self.text[self.pos : self.pos + 20]
        return BrainOutputError(f"expected {what} at {self.pos} near {snippet!r}", raw=self.text)

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def expect(self, literal: str) -> None:
        self.skip_spaces()
        if not self.text.startswith(literal, self.pos):
            raise self.fail(repr(literal))
        self.pos += len(literal)

    def match(self, pattern: re.Pattern[str], what: str) -> str:
        self.skip_spaces()
        m = pattern.match(self.text, self.pos)
        if not m:
            raise self.fail(what)
        self.pos = m.end()
        return m.group(0)

    def peek(self) -> str:
        self.skip_spaces()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def string(self, what: str) -> str:
        quoted = self.match(_STRING, what)
        try:
            return str(json.loads(quoted))
        except json.JSONDecodeError as exc:  # e.g. a raw control character inside the quotes
            raise self.fail(f"{what} valid in JSON ({exc.msg})") from None

    def value(self) -> Any:
        ch = self.peek()
        if ch == '"':
            return self.string("a string")
        if ch == "[":
            self.pos += 1
            items: list[Any] = []
            if self.peek() != "]":
                items.append(self.value())
                while self.peek() == ",":
                    self.pos += 1
                    items.append(self.value())
            self.expect("]")
            return items
        if ch == "{":
            self.pos += 1
            obj: dict[str, Any] = {}
            if self.peek() != "}":
                while True:
                    key = self.string("a quoted key")
                    self.expect(":")
                    obj[key] = self.value()
                    if self.peek() != ",":
                        break
                    self.pos += 1
            self.expect("}")
            return obj
        if self.text.startswith("null", self.pos):
            self.pos += 4
            return None
        if self.text.startswith("true", self.pos):
            self.pos += 4
            return True
        if self.text.startswith("false", self.pos):
            self.pos += 5
            return False
        number = self.match(_NUMBER, "a value")
        try:
            return int(number) if re.fullmatch(r"-?\d+", number) else float(number)
        except ValueError:  # more digits than Python converts
            raise self.fail("a shorter number") from None

    def call(self) -> ToolCall:
        name = self.match(_NAME, "a tool name")
        self.expect("(")
        args: dict[str, Any] = {}
        if self.peek() != ")":
            while True:
                key = self.match(_NAME, "an argument name")
                self.expect("=")
                if key in args:
                    raise self.fail(f"no repeated argument {key!r}")
                args[key] = self.value()
                if self.peek() != ",":
                    break
                self.pos += 1
        self.expect(")")
        self.skip_spaces()
        if self.pos != len(self.text):
            raise self.fail("end of line")
        return ToolCall(tool=name, args=args)


def parse_calls(text: str) -> list[ToolCall]:
    """Parse model output in the compact format; raises BrainOutputError when malformed."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        raise BrainOutputError("empty output", raw=text)
    if len(lines) == 1 and lines[0] == NONE:
        return []
    calls: list[ToolCall] = []
    for line in lines:
        try:
            calls.append(_Parser(line).call())
        except BrainOutputError as exc:
            raise BrainOutputError(str(exc), raw=text) from None
        except (RecursionError, ValueError) as exc:  # nested too deeply to read or to hold
            raise BrainOutputError(f"unreadable call: {type(exc).__name__}", raw=text) from None
    return calls
