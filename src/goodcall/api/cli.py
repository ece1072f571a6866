"""``goodcall serve`` (the HTTP service and the agent's page) and ``goodcall users add``.

Only Typer at import time: FastAPI and uvicorn are imported inside the commands (the ``api``
extra), so the rest of the command line starts without them.
"""

from __future__ import annotations

import os
import secrets
from typing import Annotated

import typer

from goodcall.output import JsonOption, echo_json

users_app = typer.Typer(help="The service's users: agents, analysts, admins.")
DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Store URL; default $GOODCALL_DB_URL, else sqlite:///goodcall.db."),
]
SITE_FACTORY = "goodcall.web.site:site_from_environment"
WORKER_START_SECONDS = 120
"""How long uvicorn's supervisor waits for a worker to answer: a worker imports Polars, the
catalog and the models before it answers, which on a busy 2-core machine took over uvicorn's
default 5 s, and the supervisor then killed and restarted workers forever."""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def _ready(db: str | None) -> str:
    """The store's URL for display, after checking it is at this goodcall's schema."""
    from goodcall.store.config import engine_for
    from goodcall.store.migrate import StoreNotReadyError, require_current

    try:
        config, engine = engine_for(db)
    except (ValueError, RuntimeError) as err:
        raise _fail(str(err)) from err
    try:
        require_current(engine, config.display_url)
    except StoreNotReadyError as err:
        raise _fail(str(err)) from err
    finally:
        engine.dispose()
    return config.display_url


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1, max=64)] = 1,
    at: Annotated[
        str | None,
        typer.Option(
            help="Start the service's clock at this moment (ISO 8601 with offset) and let it run "
            "from there: replays a day of the store (default: the wall clock)."
        ),
    ] = None,
) -> None:
    """The decision service (/v1, OpenAPI at /docs), the agent's page (/agent) and the
    supervisor's pages (/campaigns)."""
    import uvicorn

    from goodcall.api.settings import offset_to
    from goodcall.clock import AtError, parse_at

    shown = _ready(db)
    try:
        offset = 0.0 if at is None else offset_to(parse_at(at))
    except AtError as err:
        raise _fail(str(err)) from err
    env = {
        "GOODCALL_SERVE_CLOCK_OFFSET_SECONDS": repr(offset),
        # every worker signs sessions with the same secret
        "GOODCALL_SERVE_SESSION_SECRET": os.environ.get("GOODCALL_SERVE_SESSION_SECRET")
        or secrets.token_urlsafe(32),
    }
    if db is not None:
        env["GOODCALL_SERVE_DB_URL"] = db
    os.environ.update(env)
    typer.echo(
        f"goodcall serve: http://{host}:{port}/agent (agents), http://{host}:{port}/campaigns "
        f"(analysts, admins), http://{host}:{port}/docs (API), "
        f"store {shown}, {workers} worker(s)",
        err=True,
    )
    uvicorn.run(
        SITE_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        timeout_worker_healthcheck=WORKER_START_SECONDS,
    )


def add_user(
    user_id: Annotated[str, typer.Argument(help="Login name.", show_default=False)],
    role: Annotated[str, typer.Option(help="agent, analyst or admin.")],
    name: Annotated[str | None, typer.Option(help="Name shown (default: the login).")] = None,
    languages: Annotated[
        str, typer.Option(help="Languages the user serves customers in, comma-separated.")
    ] = "fr,en",
    ui: Annotated[str, typer.Option(help="Language of the pages: fr or en.")] = "en",
    password: Annotated[
        str | None,
        typer.Option(
            help="Password for the pages (default $GOODCALL_USER_PASSWORD; none: API key only).",
            envvar="GOODCALL_USER_PASSWORD",
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a user; prints their API key, which is shown this once (only its hash is kept)."""
    import datetime as dt

    from pydantic import ValidationError

    from goodcall.api.schemas import UserRequest
    from goodcall.api.users import create_user
    from goodcall.store.config import engine_for
    from goodcall.store.users import UserExistsError

    _ready(db)
    try:
        request = UserRequest(
            user_id=user_id,
            role=role,  # type: ignore[arg-type, unused-ignore]
            display_name=name or user_id,
            languages=[x.strip() for x in languages.split(",") if x.strip()],
            ui_language=ui,  # type: ignore[arg-type, unused-ignore]
            password=password,
        )
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())
        raise _fail(f"user {user_id!r}: {problems}") from err
    _, engine = engine_for(db)
    try:
        token = create_user(engine, request, dt.datetime.now(dt.UTC))
    except UserExistsError as err:
        raise _fail(f"user {user_id!r} already exists") from err
    finally:
        engine.dispose()
    if as_json:
        echo_json({"user_id": user_id, "role": role, "api_key": token})
    else:
        typer.echo(f"{user_id} ({role}) added; API key (shown once): {token}")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    users_app.command("add")(add_user)
    app.add_typer(users_app, name="users")
