"""Issue 15.6: the seller's data stays the owner's, on disk and in the log."""

from __future__ import annotations

import logging
import stat
from dataclasses import replace
from pathlib import Path

import httpx

from skuport.server.app import create_app
from skuport.server.config import Settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_the_data_folder_and_sqlite_files_are_readable_by_the_owner_only(tmp_path):
    data = tmp_path / "fresh" / "var"
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{data / 'skuport.db'}",
        data_dir=data,
        scheduler_enabled=False,
    )
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/healthz")).status_code == 200
        files = [data / "skuport.db", data / "skuport.db-wal", data / "skuport.db-shm"]
        assert all(f.exists() for f in files)
        assert _mode(data) == 0o700
        for path in [*files, data / "secret.key"]:
            assert _mode(path) == 0o600, path


async def _create_token_logging_sql(settings: Settings, caplog) -> str:  # type: ignore[no-untyped-def]
    application = create_app(settings)
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="sqlalchemy.engine"):
        async with application.router.lifespan_context(application):
            from skuport.domain.auth import Role, create_token
            from skuport.domain.auth.service import hash_token

            services = application.state.services
            async with services.sessions() as session, session.begin():
                token = await create_token(session, name="logged", role=Role.READONLY)
    statements = [r for r in caplog.records if "INSERT INTO api_tokens" in r.getMessage()]
    assert statements, "the statement itself is logged at DEBUG"
    return hash_token(token.secret) if token else ""


async def test_sql_parameters_are_not_logged_unless_asked_for(settings, sessions, caplog):
    """Token hashes, ciphertext and business data stay out of a DEBUG log by default."""
    digest = await _create_token_logging_sql(settings, caplog)
    assert digest not in caplog.text
    assert "hidden due to hide_parameters" in caplog.text


async def test_sql_parameters_are_logged_when_the_flag_asks(settings, sessions, caplog):
    digest = await _create_token_logging_sql(replace(settings, log_sql_parameters=True), caplog)
    assert digest in caplog.text


def test_the_settings_read_the_new_variables():
    settings = Settings.from_env(
        {"SKUPORT_MAX_BODY_BYTES": "20000000", "SKUPORT_LOG_SQL_PARAMETERS": "true"}
    )
    assert settings.max_body_bytes == 20_000_000
    assert settings.log_sql_parameters is True
    defaults = Settings.from_env({})
    assert defaults.graphiql is False
    assert defaults.log_sql_parameters is False
    assert defaults.max_body_bytes == 8_000_000


def test_at_debug_result_rows_are_logged_only_when_the_flag_asks():
    """SQLAlchemy logs result rows (token hashes, ciphertext) at DEBUG: capped at INFO."""
    from skuport.server.cli import configure_logging

    engine_log = logging.getLogger("sqlalchemy.engine")
    before = engine_log.level
    try:
        configure_logging("INFO")
        assert not engine_log.isEnabledFor(logging.INFO)
        configure_logging("DEBUG")
        assert engine_log.isEnabledFor(logging.INFO)
        assert not engine_log.isEnabledFor(logging.DEBUG)
        configure_logging("DEBUG", sql_parameters=True)
        assert engine_log.isEnabledFor(logging.DEBUG)
    finally:
        engine_log.setLevel(before)
