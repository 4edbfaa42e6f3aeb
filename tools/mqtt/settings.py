"""Where the broker is: ``mqtt://[user[:password]@]host[:port]`` (``mqtts://`` for TLS)."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, ConfigDict, Field

from edgeagent.errors import ConfigError

DEFAULT_URL = "mqtt://127.0.0.1:1883"
URL_ENV = "EDGEAGENT_MQTT_URL"


class BrokerSettings(BaseModel):
    """How to reach an MQTT broker."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str
    port: int = Field(default=1883, ge=1, le=65535)
    username: str | None = None
    password: str | None = None
    tls: bool = False

    @classmethod
    def from_url(cls, url: str | None = None) -> BrokerSettings:
        """Parse a broker URL (default: ``$EDGEAGENT_MQTT_URL`` or ``mqtt://127.0.0.1:1883``)."""
        from edgeagent.settings import settings

        text = url or settings().mqtt_url or DEFAULT_URL
        parts = urlsplit(text if "://" in text else f"mqtt://{text}")
        if parts.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
            raise ConfigError(f"not an MQTT URL: {text!r} (expected mqtt://HOST:PORT)")
        tls = parts.scheme in ("mqtts", "ssl")
        try:
            port = parts.port or (8883 if tls else 1883)
        except ValueError as exc:
            raise ConfigError(f"bad port in MQTT URL {text!r}") from exc
        if not parts.hostname:
            raise ConfigError(f"no host in MQTT URL {text!r}")
        return cls(
            host=parts.hostname,
            port=port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            tls=tls,
        )

    @property
    def url(self) -> str:
        """The URL without the password (for messages)."""
        user = f"{self.username}@" if self.username else ""
        return f"{'mqtts' if self.tls else 'mqtt'}://{user}{self.host}:{self.port}"
