"""A paho-mqtt client set up the way the world and the simulator both use it."""

from __future__ import annotations

import contextlib
import socket
import uuid
from typing import Any

from edgeagent.errors import MissingDependencyError

from .settings import BrokerSettings


def new_client(
    settings: BrokerSettings, prefix: str, *, will: tuple[str, str] | None = None
) -> Any:
    """An MQTT v5 client (paho-mqtt 2) that reconnects by itself with backoff (1 s → 30 s)."""
    try:
        from paho.mqtt.client import CallbackAPIVersion, Client
        from paho.mqtt.enums import MQTTProtocolVersion
    except ImportError as exc:  # the optional extra
        raise MissingDependencyError("paho-mqtt", "mqtt") from exc
    client = Client(
        CallbackAPIVersion.VERSION2,
        client_id=f"{prefix}-{uuid.uuid4().hex[:10]}",
        protocol=MQTTProtocolVersion.MQTTv5,
    )
    if settings.username:
        client.username_pw_set(settings.username, settings.password)
    if settings.tls:
        client.tls_set()
    if will is not None:
        client.will_set(will[0], will[1], qos=1, retain=True)
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    return client


def no_delay(client: Any) -> None:
    """Send small packets at once (no Nagle delay): commands and acknowledgements are tiny,
    and waiting for a TCP ACK would add ~40 ms to every round trip."""
    sock = client.socket()
    if sock is not None and hasattr(sock, "setsockopt"):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def discard_unacknowledged(client: Any, mid: int) -> None:
    """Forget a QoS 1 message the broker never acknowledged, so that paho does not send it
    again after a reconnect: a command that failed must never run later (an unlock!).

    paho keeps unacknowledged messages to resend them and has no public call to drop one;
    this reaches into its outgoing queue (paho-mqtt 2.x).
    """
    mutex = getattr(client, "_out_message_mutex", None)
    queue = getattr(client, "_out_messages", None)
    if mutex is None or queue is None:
        return
    with mutex:
        message = queue.pop(mid, None)
        if message is not None and getattr(client, "_inflight_messages", 0) > 0:
            client._inflight_messages -= 1
