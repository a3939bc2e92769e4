"""The ``senim`` command: serve, worker, migrate, demo, create-user, audit verify, keys …, detection …,
translation …, transparency …."""

from __future__ import annotations

import logging
import sys
from datetime import date
from typing import Annotated

import typer
from rich.console import Console

from senim.config import get_settings
from senim.db import Database
from senim.detection.cli import app as detection_app
from senim.models import Role
from senim.translation.cli import app as translation_app
from senim.transparency.cli import app as transparency_app

app = typer.Typer(help="Senim — online platform and compliance engine.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
keys_app = typer.Typer(help="The keys of the personal data encrypted at rest.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(detection_app, name="detection")
app.add_typer(translation_app, name="translation")
app.add_typer(transparency_app, name="transparency")
console = Console()


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (Alembic migrations)."""
    from senim.migrations import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    console.print(f"[green]Database is up to date[/green] ({settings.database_url.split('@')[-1]})")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    worker: Annotated[bool | None, typer.Option(help="Run the background worker in this process")] = None,
) -> None:
    """Serve the web site, the console and the API (with an in-process worker in embedded mode)."""
    import uvicorn

    from senim.app import create_app

    settings = get_settings()
    application = create_app(settings, worker=worker)
    host, port = host or settings.host, port or settings.port
    console.print(f"Senim is serving on [bold]http://{host}:{port}[/bold]  (API docs: /api/docs)")
    uvicorn.run(application, host=host, port=port, log_level="info", proxy_headers=True)


@app.command("worker")
def run_worker(
    name: Annotated[str, typer.Option(help="Worker name shown in the job table")] = "worker",
    concurrency: Annotated[
        int | None,
        typer.Option(min=1, max=64, help="Claim-and-run loops (default: SENIM_WORKER_CONCURRENCY)"),
    ] = None,
) -> None:
    """Run a standalone background worker (use PostgreSQL for more than one)."""
    from senim.jobs.worker import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    db = Database(settings.database_url)
    console.print(f"Worker [bold]{name}[/bold] started")
    Worker(db, settings, name=name, concurrency=concurrency).run_forever()


@app.command()
def demo(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Only when the database has no accounts yet")
    ] = False,
) -> None:
    """Load realistic demo data in Kazakh and Russian: one user of each role, communities, posts."""
    from senim.demo import DEMO_PASSWORD, load_demo
    from senim.models.account import TOKEN_ONLY_ROLES

    external = {r.value for r in TOKEN_ONLY_ROLES}

    settings = get_settings()
    db = Database(settings.database_url)
    with db.transaction() as session:
        created = load_demo(session, only_if_empty=if_empty)
    if created:
        console.print(f"\nDemo data loaded. Log in at [bold]{settings.base_url}/login[/bold] as:")
        for username, role in created:
            login = "API token only" if role in external else f"password: {DEMO_PASSWORD}"
            console.print(f"  {username:<14} {role:<24} {login}")
    else:
        console.print(f"Demo data already present. Log in at [bold]{settings.base_url}/login[/bold]")
        console.print(f"  (demo accounts: aigerim, moderator, admin, auditor, … — password: {DEMO_PASSWORD})")


@app.command("create-user")
def create_user(
    username: str,
    role: Annotated[Role, typer.Option(help="Role of the account")] = Role.user,
    password: Annotated[
        str | None, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = None,
    display_name: Annotated[str | None, typer.Option()] = None,
    birth: Annotated[str | None, typer.Option(help="Date of birth, YYYY-MM-DD")] = None,
) -> None:
    """Create an account (staff or external principal); the action is audited as the system."""
    from senim.account.service import account_service
    from senim.audit import Actor
    from senim.errors import AppError

    settings = get_settings()
    db = Database(settings.database_url)
    try:
        with db.transaction() as session:
            user = account_service.create_user(
                session,
                Actor.system("cli"),
                username=username,
                role=role,
                password=password or None,
                display_name=display_name,
                date_of_birth=date.fromisoformat(birth) if birth else None,
            )
    except (AppError, ValueError) as exc:
        console.print(f"[red]{getattr(exc, 'message', exc)}[/red]")
        raise typer.Exit(2) from exc
    console.print(f"Created [bold]{user.username}[/bold] ({user.role})")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit chain; name every edited, inserted or deleted record. Exit 1 if broken."""
    from senim.audit.service import verify

    settings = get_settings()
    db = Database(settings.database_url)
    with db.transaction() as session:
        result = verify(session)
    if result.ok:
        console.print(f"[green]Audit chain intact[/green]: {result.checked} records verified")
        return
    console.print(f"[red]Audit chain BROKEN[/red] ({result.checked} records read):")
    for problem in result.problems:
        console.print(f"  - {problem}")
    sys.exit(1)


@keys_app.command("generate")
def keys_generate(
    version: Annotated[
        int | None, typer.Option(min=1, help="Version of the new data key (default: the current one + 1)")
    ] = None,
    index: Annotated[bool, typer.Option("--index", help="A key for SENIM_INDEX_KEY instead")] = False,
) -> None:
    """Print a new random key: ``<version>:<key>`` to put first in SENIM_DATA_KEYS, or (--index) a key for
    SENIM_INDEX_KEY."""
    from senim.kit.crypto import generate_key

    if index:
        typer.echo(generate_key())
        return
    typer.echo(f"{version or get_settings().keyring.current_version + 1}:{generate_key()}")


@keys_app.command("status")
def keys_status() -> None:
    """How many values of each encrypted column, and how many documents, are under each key version."""
    from rich.table import Table

    from senim.keys import key_status

    settings = get_settings()
    keyring = settings.keyring
    db = Database(settings.database_url, keyring=keyring)
    status = key_status(db, settings, keyring)
    db.dispose()
    table = Table("column", "version", "rows")
    for label, counts in status.columns.items():
        for version, n in sorted(counts.items()) or [("—", 0)]:
            table.add_row(label, version, str(n))
    for version, n in sorted(status.files.items()) or [("—", 0)]:
        table.add_row("documents (files)", version, str(n))
    console.print(table)
    console.print(
        f"Current key version: [bold]{status.current_version}[/bold] (held: {keyring.versions}); "
        f"{status.stale} values or files to re-encrypt."
    )


@keys_app.command("rotate")
def keys_rotate(
    batch_size: Annotated[int, typer.Option(min=1, max=100_000, help="Rows committed per batch")] = 1000,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Stop after re-encrypting this many values and files")
    ] = None,
) -> None:
    """Re-encrypt every value and document not under the current key version; run it again to resume."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from senim.keys import pending, rotate

    settings = get_settings()
    keyring = settings.keyring
    db = Database(settings.database_url, keyring=keyring)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(
            f"Re-encrypting under v{keyring.current_version}", total=pending(db, keyring)
        )
        result = rotate(
            db,
            settings,
            keyring,
            batch_size=batch_size,
            limit=limit,
            advance=lambda n: progress.advance(task, n),
        )
    db.dispose()
    console.print(
        f"{result.values} values and {result.files} documents re-encrypted under "
        f"v{result.version} ({result.plaintext} of them were not encrypted before)."
    )
    if result.failed:
        console.print(f"[red]{len(result.failed)} did not decrypt with the keys held[/red]:")
        for what in result.failed[:20]:
            console.print(f"  - {what}")
        raise typer.Exit(1)
    if not result.complete:
        console.print("Stopped at the limit: run [bold]senim keys rotate[/bold] again to continue.")
        return
    console.print(
        "[green]Done.[/green] When `senim keys status` shows nothing left under an older version, "
        "its key may be removed from SENIM_DATA_KEYS."
    )


if __name__ == "__main__":
    app()
