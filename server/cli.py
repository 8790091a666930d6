"""The `skuport` command: serve, db upgrade, token create, schema export, sandbox, demo."""

from __future__ import annotations

import argparse
import asyncio
import errno
import logging
import socket
import sys
from collections.abc import Sequence

from skuport.domain.auth import Role
from skuport.server.config import ConfigError, Settings
from skuport.server.runtime import tune_garbage_collector


class CommandError(Exception):
    """A failure the user can act on: printed as one line, exit code 2."""


def describe_database_error(url: str, exc: BaseException) -> str:
    """One clear line for a database that cannot be used."""
    from sqlalchemy.engine import make_url

    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except Exception:
        shown = url
    reason = (
        str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        if str(exc)
        else type(exc).__name__
    )
    return f"cannot use the database {shown}: {reason}"


async def _upgrade(url: str) -> None:
    from skuport.domain.db import create_engine
    from skuport.domain.db.migrate import upgrade

    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def run_async(coro, url: str):  # type: ignore[no-untyped-def]
    """Run a database coroutine, turning connection failures into a CommandError."""
    from skuport.domain.db import DatabaseConfigError

    try:
        return asyncio.run(coro)
    except DatabaseConfigError as exc:
        raise CommandError(str(exc)) from None
    except (OSError, ConnectionError) as exc:
        raise CommandError(describe_database_error(url, exc)) from None
    except Exception as exc:
        from sqlalchemy.exc import DBAPIError, OperationalError

        if isinstance(exc, (OperationalError, DBAPIError)) or "asyncpg" in type(exc).__module__:
            raise CommandError(describe_database_error(url, exc)) from None
        raise


def cmd_db_upgrade(settings: Settings, _args: argparse.Namespace) -> None:
    run_async(_upgrade(settings.database_url), settings.database_url)
    print("database is up to date")


async def _create_token(url: str, name: str, role: Role) -> str:
    from skuport.domain.auth import create_token
    from skuport.domain.db import create_engine, create_session_factory, transaction
    from skuport.domain.db.migrate import upgrade

    engine = create_engine(url)
    try:
        await upgrade(engine)
        async with transaction(create_session_factory(engine)) as session:
            token = await create_token(session, name=name, role=role)
        return token.secret
    finally:
        await engine.dispose()


def cmd_token_create(settings: Settings, args: argparse.Namespace) -> None:
    from skuport.domain.auth.service import InvalidTokenName

    try:
        secret = run_async(
            _create_token(settings.database_url, args.name, Role(args.role)), settings.database_url
        )
    except InvalidTokenName as exc:
        raise CommandError(exc.message) from None
    print(secret)


def ensure_port_free(host: str, port: int) -> None:
    """Fail early, with the port named, when something else listens there."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"port {port} on {host} is already in use: stop the other program "
                    f"or choose another port with --port"
                ) from None
            raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def cmd_serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    from skuport.server.app import create_app, uvicorn_config

    host = args.host or settings.host
    port = args.port or settings.port
    ensure_port_free(host, port)
    # Fail before uvicorn starts if the database cannot be used, with one clear line.
    run_async(_upgrade(settings.database_url), settings.database_url)
    print(f"Skuport GraphQL API on http://{host}:{port}/graphql", flush=True)
    tune_garbage_collector()
    config = uvicorn_config(
        create_app(settings),
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        ws_max_size=settings.max_body_bytes,
    )
    uvicorn.Server(config).run()


def cmd_schema_export(_settings: Settings, _args: argparse.Namespace) -> None:
    from skuport.schema.schema import schema

    sys.stdout.write(schema.as_str() + "\n")


def cmd_sandbox(_settings: Settings, args: argparse.Namespace) -> None:
    from skuport.sandbox.cli import parse_start, run_sandbox

    try:
        start = parse_start(args.start) if args.start else None
    except ValueError as error:
        raise CommandError(f"--start {args.start!r} is not a time with a zone: {error}") from error
    ensure_port_free(args.host, args.port)
    run_sandbox(host=args.host, port=args.port, seed=args.seed, size=args.size, start=start)


def cmd_demo(settings: Settings, args: argparse.Namespace) -> None:
    from skuport.server.demo import run_demo

    tune_garbage_collector()

    run_demo(
        settings,
        server_port=args.port,
        jupyter_port=args.jupyter_port,
        sandbox_port=args.sandbox_port,
        open_browser=args.open,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="skuport", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the GraphQL server and scheduler")
    serve.add_argument("--host", default=None, help="default: SKUPORT_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="default: SKUPORT_PORT or 8000")
    serve.set_defaults(handler=cmd_serve)

    db = commands.add_parser("db", help="database commands")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply every migration").set_defaults(
        handler=cmd_db_upgrade
    )

    token = commands.add_parser("token", help="API tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="create a token and print it (once)")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--name", required=True, help="who or what uses the token")
    create.set_defaults(handler=cmd_token_create)

    schema = commands.add_parser("schema", help="GraphQL schema")
    schema_commands = schema.add_subparsers(dest="schema_command", required=True)
    schema_commands.add_parser("export", help="print the SDL").set_defaults(
        handler=cmd_schema_export
    )

    sandbox = commands.add_parser("sandbox", help="run the sandbox Amazon on its own")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8100)
    sandbox.add_argument("--seed", type=int, default=1)
    sandbox.add_argument("--size", choices=["tiny", "demo", "large"], default="demo")
    sandbox.add_argument(
        "--start",
        help="the sandbox clock's start, e.g. 2026-08-01T12:00Z (default: the current time)",
    )
    sandbox.set_defaults(handler=cmd_sandbox)

    demo = commands.add_parser("demo", help="server, scheduler, sandbox Amazon and JupyterLab")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--jupyter-port", type=int, default=8888)
    demo.add_argument("--sandbox-port", type=int, default=8100)
    demo.add_argument("--open", action="store_true", help="open JupyterLab in a browser")
    demo.set_defaults(handler=cmd_demo)
    return parser


def configure_logging(level: str | int, *, sql_parameters: bool = False) -> None:
    """The terminal's log: a short line per run at INFO, each Amazon call only at DEBUG.

    SQL statements appear at DEBUG only, without their parameters or result rows (token
    hashes, ciphertext, business data) unless `sql_parameters` (SKUPORT_LOG_SQL_PARAMETERS)
    asks for them.
    """
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    numeric = logging.getLevelName(level) if isinstance(level, str) else level
    if sql_parameters:
        engine_level = numeric
    else:  # statements (INFO, parameters hidden by the engine) but never rows (DEBUG)
        engine_level = logging.INFO if numeric <= logging.DEBUG else logging.WARNING
    logging.getLogger("sqlalchemy.engine").setLevel(engine_level)
    # Migration chatter is noise for a user running a command.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # Our SP-API client logs each call (at DEBUG) with its wait and request id; httpx repeats it.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # The job runner logs one line per run; APScheduler's "executed successfully" repeats it.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        configure_logging(settings.log_level, sql_parameters=settings.log_sql_parameters)
        args.handler(settings, args)
    except (CommandError, ConfigError) as exc:
        print(f"skuport: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
