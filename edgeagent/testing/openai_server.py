"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions API and misbehaves
on command: for testing a cloud client against the faults a real endpoint has.

It answers ``POST /v1/chat/completions`` with tool calls chosen deterministically by an
``answer`` function from the request's last user message, unless the fault plan says
otherwise for that attempt: a hang past the client's timeout, 429 with ``Retry-After``, 500
or 503, a connection reset, a truncated or invalid JSON body, a tool call naming a tool that
does not exist, a body dripped out a few bytes at a time, 400 or 401. Only the standard
library is used (``http.server``); every request is recorded with the fault it got::

    with FaultyOpenAI(answer=lambda text, tools: [("turn_on", {"name": "Desk Lamp"})]) as srv:
        srv.plan = lambda tag, attempt: "server_error" if attempt == 0 else "ok"
        brain = CloudBrain.from_settings(CloudSettings(model="fake", base_url=srv.url))
"""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Fault = Literal[
    "ok",
    "timeout",
    "rate_limit",
    "rate_limit_long",
    "server_error",
    "unavailable",
    "reset",
    "truncated",
    "invalid_json",
    "unknown_tool",
    "drip",
    "bad_request",
    "unauthorized",
]
FAULTS: tuple[Fault, ...] = (
    "timeout", "rate_limit", "rate_limit_long", "server_error", "unavailable", "reset",
    "truncated", "invalid_json", "unknown_tool", "drip", "bad_request", "unauthorized",
)  # fmt: skip
# What a well-behaved client should do about each fault: ask again (while time is left)?
RETRYABLE: dict[Fault, bool] = {
    "ok": False,
    "timeout": True,
    "rate_limit": True,
    "rate_limit_long": True,  # retryable, but Retry-After says later than the deadline
    "server_error": True,
    "unavailable": True,
    "reset": True,
    "truncated": True,
    "invalid_json": False,  # the endpoint answered, with garbage: asking again costs the deadline
    "unknown_tool": False,  # a valid reply whose calls do not validate
    "drip": True,
    "bad_request": False,
    "unauthorized": False,
}
Answer = Callable[[str, Sequence[str]], Sequence[tuple[str, dict[str, Any]]]]
Plan = Callable[[str, int], Fault]
_TAG = re.compile(r"#(\w+)")


@dataclass(frozen=True)
class Request:
    """One request the server received: the tag in its user message (``#abc``), which
    attempt for that tag it was, the fault it got, and when it arrived."""

    tag: str
    attempt: int
    fault: Fault
    at: float


class FaultyOpenAI:
    """The server (a context manager). ``plan(tag, attempt)`` picks each request's fault
    (default: none); ``hang_s`` is how long a ``timeout`` hangs, ``retry_after_s`` what a
    429 asks for, ``drip_s`` the pause between the dripped bytes."""

    def __init__(
        self,
        answer: Answer,
        *,
        plan: Plan | None = None,
        hang_s: float = 2.0,
        retry_after_s: float = 0.05,
        drip_s: float = 0.05,
    ) -> None:
        self.answer = answer
        self.plan: Plan = plan or (lambda tag, attempt: "ok")
        self.hang_s = hang_s
        self.retry_after_s = retry_after_s
        self.drip_s = drip_s
        self.requests: list[Request] = []
        self._attempts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> FaultyOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def _next(self, text: str) -> tuple[str, int, Fault]:
        match = _TAG.search(text)
        tag = match.group(1) if match else ""
        with self._lock:
            attempt = self._attempts.get(tag, 0)
            self._attempts[tag] = attempt + 1
            fault = self.plan(tag, attempt)
            self.requests.append(Request(tag, attempt, fault, time.monotonic()))
        return tag, attempt, fault

    def completion(self, body: dict[str, Any], fault: Fault) -> dict[str, Any]:
        """The chat-completion reply for a request (``unknown_tool``: a made-up tool)."""
        text = _last_user_text(body)
        tools = [t.get("function", {}).get("name", "") for t in body.get("tools") or []]
        calls = list(self.answer(text, tools))
        if fault == "unknown_tool":
            calls = [("UnlockAllTheDoors", {"confirm": True})]
        message: dict[str, Any] = {"role": "assistant", "content": None if calls else "Done."}
        if calls:
            message["tool_calls"] = [
                {
                    "id": f"call_{i}",
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(args)},
                }
                for i, (name, args) in enumerate(calls)
            ]
        return {
            "id": "chatcmpl-faulty",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": str(body.get("model", "faulty")),
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": "tool_calls" if calls else "stop",
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }


def _last_user_text(body: dict[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):
                return " ".join(str(part.get("text", "")) for part in content)
            return str(content or "")
    return ""


def _handler(server: FaultyOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def do_GET(self) -> None:
            self._send(200, {"object": "list", "data": [{"id": "faulty", "object": "model"}]})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except json.JSONDecodeError:
                self._send(400, {"error": {"message": "bad json", "type": "invalid_request"}})
                return
            _, _, fault = server._next(_last_user_text(body))
            if fault == "timeout":
                server._stop.wait(server.hang_s)
                fault = "ok"  # answers after the client has given up (if it has)
            if fault == "reset":
                self._reset()
            elif fault in ("rate_limit", "rate_limit_long"):
                wait = server.retry_after_s if fault == "rate_limit" else 3600
                self._send(429, _error("rate limited", "rate_limit"), {"Retry-After": f"{wait:g}"})
            elif fault in ("server_error", "unavailable"):
                self._send(500 if fault == "server_error" else 503, _error("boom", "server_error"))
            elif fault == "bad_request":
                self._send(400, _error("bad request", "invalid_request_error"))
            elif fault == "unauthorized":
                self._send(401, _error("bad key", "invalid_api_key"))
            elif fault == "invalid_json":
                self._raw(200, b'{"id": "chatcmpl", "choices": [ {"message": nope')
            elif fault == "truncated":
                data = json.dumps(server.completion(body, "ok")).encode()
                self._raw(200, data[: len(data) // 2], length=len(data), close=True)
            elif fault == "drip":
                self._drip(json.dumps(server.completion(body, "ok")).encode())
            else:
                self._send(200, server.completion(body, fault))

        def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            self._raw(status, json.dumps(payload).encode(), headers=headers)

        def _raw(
            self,
            status: int,
            data: bytes,
            *,
            length: int | None = None,
            close: bool = False,
            headers: dict[str, str] | None = None,
        ) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data) if length is None else length))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()
            except OSError:  # the client went away
                close = True
            if close:
                self.close_connection = True
                self._reset()

        def _drip(self, data: bytes) -> None:
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                for i in range(0, len(data), 4):
                    if server._stop.wait(server.drip_s):
                        break
                    self.wfile.write(data[i : i + 4])
                    self.wfile.flush()
            except OSError:
                self.close_connection = True

        def _reset(self) -> None:
            """Close the connection with a TCP reset (SO_LINGER 0), not a clean FIN."""
            self.close_connection = True
            try:
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
            except OSError:
                pass

    return Handler


def _error(message: str, kind: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "code": kind}}
