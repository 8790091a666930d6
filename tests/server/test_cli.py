"""The `skuport` command: clear one-line errors and non-zero exits for bad input."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from skuport.domain.auth import authenticate
from skuport.server.cli import CommandError, ensure_port_free


def skuport(*args: str, env: dict[str, str] | None = None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "skuport.server.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=120,
    )


async def test_a_created_token_is_stored_hashed_and_authenticates(database_url, sessions):
    result = skuport(
        "token", "create", "--role", "finance", "--name", "fin",
        env={"SKUPORT_DATABASE_URL": database_url},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    secret = result.stdout.strip()
    assert secret.startswith("skp_")
    async with sessions() as session:
        principal = await authenticate(session, secret)
    assert principal is not None and principal.name == "fin" and principal.role.value == "finance"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://root@localhost/x", "unsupported database 'mysql'"),
        ("postgresql://postgres@127.0.0.1:1/test", "cannot use the database"),
        ("::garbage", "malformed database URL"),
    ],
)
def test_a_bad_database_url_is_one_clear_line_and_exit_code_2(url, expected, tmp_path):
    result = skuport("db", "upgrade", env={"SKUPORT_DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_bad_setting_names_the_variable(tmp_path):
    result = skuport("db", "upgrade", env={"SKUPORT_PORT": "eighty"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "SKUPORT_PORT must be a whole number" in result.stderr


def test_a_port_already_in_use_is_refused_by_name():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(CommandError, match=f"port {port} on 127.0.0.1 is already in use"):
            ensure_port_free("127.0.0.1", port)


def test_an_unknown_role_is_refused(tmp_path):
    result = skuport("token", "create", "--role", "boss", "--name", "x", cwd=tmp_path)
    assert result.returncode == 2
    assert "invalid choice: 'boss'" in result.stderr


def test_db_upgrade_creates_the_default_sqlite_database_under_var(tmp_path):
    result = skuport("db", "upgrade", env={"SKUPORT_DATABASE_URL": ""}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "var" / "skuport.db").exists()
