"""A WebSocket connection to Home Assistant: authenticated calls and pushed events.

Home Assistant's WebSocket API: after ``auth_required`` the client sends its access token;
each command carries an ``id`` answered by a ``result``; ``subscribe_events`` makes the server
push ``event`` messages. A reader thread sorts the two; a lost connection is retried with
backoff (1 s to 30 s) and subscriptions are renewed.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from edgeagent.errors import ConfigError, MissingDependencyError, ToolError

log = logging.getLogger(__name__)


class HAConnection:
    """Calls and events over one WebSocket; ``on_event(event)`` runs on the reader thread and
    ``on_reconnect()`` after a lost connection came back."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        on_event: Callable[[dict[str, Any]], None],
        on_reconnect: Callable[[], None] = lambda: None,
        timeout: float = 10.0,
    ) -> None:
        self.url = url.rstrip("/").replace("http", "ws", 1) + "/api/websocket"
        self._token = token
        self._on_event = on_event
        self._on_reconnect = on_reconnect
        self.timeout = timeout
        self.version = ""
        self._ids = itertools.count(1)
        self._waiting: dict[int, tuple[threading.Event, list[Any]]] = {}
        self._subscriptions: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._closed = False
        self._ws: Any = self._open()
        self._reader = threading.Thread(target=self._read_loop, name="ha-websocket", daemon=True)
        self._reader.start()

    @property
    def connected(self) -> bool:
        return self._ws is not None

    def _open(self) -> Any:
        try:
            from websockets.sync.client import connect
        except ImportError as exc:
            raise MissingDependencyError("websockets", "homeassistant") from exc
        try:
            # entered like a context manager (as websockets asks); close() ends it
            ws = contextlib.ExitStack().enter_context(
                connect(self.url, open_timeout=self.timeout, max_size=None)
            )
            hello = json.loads(ws.recv(timeout=self.timeout))
            ws.send(json.dumps({"type": "auth", "access_token": self._token}))
            answer = json.loads(ws.recv(timeout=self.timeout))
        except (OSError, TimeoutError) as exc:
            raise ConfigError(f"cannot reach Home Assistant at {self.url}: {exc}") from exc
        if answer.get("type") != "auth_ok":
            ws.close()
            raise ConfigError(
                f"Home Assistant at {self.url} refused the token: {answer.get('message', answer)}"
            )
        self.version = str(answer.get("ha_version") or hello.get("ha_version") or "")
        return ws

    def call(self, kind: str, **payload: Any) -> Any:
        """Send one command and return its result; raises ``ToolError`` when it fails."""
        ws = self._ws
        if ws is None:
            raise ToolError(f"Home Assistant at {self.url} is unreachable (reconnecting)")
        msg_id = next(self._ids)
        done, box = threading.Event(), list[Any]()
        self._waiting[msg_id] = (done, box)
        try:
            ws.send(json.dumps({"id": msg_id, "type": kind, **payload}))
            if not done.wait(self.timeout):
                raise ToolError(f"Home Assistant did not answer {kind} within {self.timeout:g} s")
        except OSError as exc:
            raise ToolError(f"Home Assistant connection failed during {kind}: {exc}") from exc
        finally:
            self._waiting.pop(msg_id, None)
        result = box[0]
        if not result.get("success", False):
            error = result.get("error") or {}
            raise ToolError(f"Home Assistant refused {kind}: {error.get('message', error)}")
        return result.get("result")

    def subscribe(self, event_type: str) -> None:
        """Receive the events of a type (``state_changed``, ``area_registry_updated``...)."""
        self._subscriptions.append({"event_type": event_type})
        self.call("subscribe_events", event_type=event_type)

    def close(self) -> None:
        self._closed = True
        ws, self._ws = self._ws, None
        if ws is not None:
            ws.close()

    def _read_loop(self) -> None:
        delay = 1.0
        while not self._closed:
            ws = self._ws
            try:
                if ws is None:
                    self._ws = ws = self._open()
                    for sub in self._subscriptions:
                        ws.send(
                            json.dumps({"id": next(self._ids), "type": "subscribe_events", **sub})
                        )
                    delay = 1.0
                    self._on_reconnect()
                self._dispatch(json.loads(ws.recv()))
            except Exception as exc:  # lost: fail the waiting calls, then retry with backoff
                if self._closed:
                    return
                log.warning("Home Assistant connection lost (%s); retrying in %.0f s", exc, delay)
                self._ws = None
                for done, box in list(self._waiting.values()):
                    box.append({"success": False, "error": {"message": "connection lost"}})
                    done.set()
                time.sleep(delay)
                delay = min(delay * 2, 30.0)

    def _dispatch(self, msg: dict[str, Any]) -> None:
        if msg.get("type") == "event":
            try:
                self._on_event(msg.get("event") or {})
            except Exception:
                log.exception("could not handle a Home Assistant event")
            return
        waiting = self._waiting.get(int(msg.get("id", -1)))
        if waiting is not None:
            waiting[1].append(msg)
            waiting[0].set()
