"""Server configuration, read from SKUPORT_* environment variables (all listed in README)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from skuport.domain.db import DEFAULT_DATABASE_URL

DEFAULT_MAX_BODY_BYTES = 8_000_000
MIN_BODY_BYTES = 10_000


class ConfigError(ValueError):
    """A setting has a value that cannot be used; the message names the variable."""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


@dataclass(frozen=True)
class Settings:
    """Everything the server needs to start. Defaults suit a single-user local install."""

    database_url: str = DEFAULT_DATABASE_URL
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str | None = None
    cors_origins: tuple[str, ...] = ()
    scheduler_enabled: bool = True
    max_query_depth: int = 12
    max_query_tokens: int = 5000
    max_aliases: int = 30
    run_retention_days: int = 30
    log_level: str = "INFO"
    # GraphiQL, the in-browser query editor: off unless asked for (on in `skuport demo`).
    graphiql: bool = False
    # Request bodies over this size are refused with HTTP 413 before they are read.
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    # At DEBUG, SQL statements are logged without their parameters unless this is set.
    log_sql_parameters: bool = False
    sandbox_url: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def secret_key_file(self) -> Path:
        """Where the embedded default secret key lives when SKUPORT_SECRET_KEY is unset."""
        return self.data_dir / "secret.key"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from the environment, each value checked."""
        env = os.environ if env is None else env
        origins = tuple(
            o.strip() for o in env.get("SKUPORT_CORS_ORIGINS", "").split(",") if o.strip()
        )
        return cls(
            database_url=env.get("SKUPORT_DATABASE_URL") or DEFAULT_DATABASE_URL,
            data_dir=Path(env.get("SKUPORT_DATA_DIR") or "var"),
            host=env.get("SKUPORT_HOST") or "127.0.0.1",
            port=_int(env, "SKUPORT_PORT", 8000, minimum=1),
            secret_key=env.get("SKUPORT_SECRET_KEY") or None,
            cors_origins=origins,
            scheduler_enabled=_bool(env, "SKUPORT_SCHEDULER", True),
            max_query_depth=_int(env, "SKUPORT_MAX_QUERY_DEPTH", 12, minimum=2),
            max_query_tokens=_int(env, "SKUPORT_MAX_QUERY_TOKENS", 5000, minimum=100),
            max_aliases=_int(env, "SKUPORT_MAX_ALIASES", 30, minimum=1),
            run_retention_days=_int(env, "SKUPORT_RUN_RETENTION_DAYS", 30, minimum=1),
            log_level=(env.get("SKUPORT_LOG_LEVEL") or "INFO").upper(),
            graphiql=_bool(env, "SKUPORT_GRAPHIQL", False),
            max_body_bytes=_int(
                env, "SKUPORT_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, minimum=MIN_BODY_BYTES
            ),
            log_sql_parameters=_bool(env, "SKUPORT_LOG_SQL_PARAMETERS", False),
            sandbox_url=env.get("SKUPORT_SANDBOX_URL") or None,
        )
