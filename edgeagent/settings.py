"""Settings read from the environment, in one place (prefix ``EDGEAGENT_``).

| variable | what |
|---|---|
| ``EDGEAGENT_DB`` | the decision log (default: ``$XDG_STATE_HOME/edgeagent/decisions.db``) |
| ``EDGEAGENT_CACHE`` | built models, saved KV states (default: ``$XDG_CACHE_HOME/edgeagent``) |
| ``EDGEAGENT_HOME`` | the user's data: trained students (default: ``$XDG_DATA_HOME/edgeagent``) |
| ``EDGEAGENT_DATA`` | the shared benchmark data (default: ``../shared/data`` beside the repository) |
| ``EDGEAGENT_KV_CACHE_MB`` | most disk the GGUF brain's saved prompt states take (512) |
| ``EDGEAGENT_TOOLKITS`` | toolkits by import path before they are packaged, as JSON: ``{"greenhouse": "greenhouse:GreenhouseToolkit"}`` |
| ``EDGEAGENT_MQTT_URL`` | the broker of ``--world mqtt`` (default ``mqtt://127.0.0.1:1883``) |
| ``EDGEAGENT_HA_URL``, ``EDGEAGENT_HA_TOKEN`` | the Home Assistant of ``--world homeassistant`` |
| ``EDGEAGENT_CPU_WAIT`` | ``passive`` (default): OpenMP threads sleep while they wait; ``runtime``: its default |
| ``OMP_WAIT_POLICY`` | read, never overridden: the user's own OpenMP wait policy wins |
| ``EDGEAGENT_CLOUD_*`` | the cloud endpoint (:class:`~edgeagent.brains.cloud.CloudSettings`) |

Nothing else in edgeagent reads ``os.environ``: code asks :func:`settings` (read fresh each
call, so a test or a long-running process that changes the environment sees the change).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _xdg(variable: str, fallback: str) -> Path:
    import os

    return Path(os.environ.get(variable) or Path.home() / fallback)


class Settings(BaseSettings):
    """Where edgeagent keeps its files, from ``EDGEAGENT_*`` (and XDG) variables."""

    model_config = SettingsConfigDict(env_prefix="EDGEAGENT_", extra="ignore")

    db: Path | None = Field(default=None, description="The decision log (SQLite)")
    cache: Path | None = Field(default=None, description="Built models and saved KV states")
    home: Path | None = Field(default=None, description="The user's trained students")
    data: Path | None = Field(default=None, description="The shared benchmark data")
    kv_cache_mb: float = Field(default=512.0, ge=0, description="Saved prompt states, at most")
    toolkits: dict[str, str] = Field(
        default_factory=dict,
        description="Toolkits by name -> 'module:Class', besides the edgeagent.tools entry points",
    )
    mqtt_url: str | None = Field(default=None, description="The MQTT world's broker")
    ha_url: str | None = Field(default=None, description="The Home Assistant world's server")
    ha_token: SecretStr | None = Field(default=None, description="A long-lived HA access token")
    cpu_wait: Literal["passive", "runtime"] = Field(
        default="passive",
        description="How llama.cpp's and torch's OpenMP threads wait (see edgeagent.cpu)",
    )
    omp_wait_policy: str | None = Field(
        default=None, validation_alias="OMP_WAIT_POLICY", description="The user's own"
    )

    @property
    def db_path(self) -> Path:
        return self.db or _xdg("XDG_STATE_HOME", ".local/state") / "edgeagent" / "decisions.db"

    @property
    def cache_dir(self) -> Path:
        return self.cache or _xdg("XDG_CACHE_HOME", ".cache") / "edgeagent"

    @property
    def home_dir(self) -> Path:
        return self.home or _xdg("XDG_DATA_HOME", ".local/share") / "edgeagent"


def settings() -> Settings:
    """The settings as the environment says now (a bad value is a :class:`ConfigError`)."""
    from pydantic import ValidationError

    from edgeagent.errors import ConfigError

    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigError(f"invalid EDGEAGENT_* environment variable:\n{exc}") from exc
