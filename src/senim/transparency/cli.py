"""``senim transparency …``: build the annual transparency report (LAW-37) from the records."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from senim.audit import Actor
from senim.config import get_settings
from senim.db import Database
from senim.errors import AppError
from senim.web.i18n import LANGUAGES, gettext

app = typer.Typer(help="Transparency: the annual report.", no_args_is_help=True)
console = Console()
CLI = Actor.system("cli")
FILE_FORMATS = ("json", "csv", "pdf", "dsa.json", "dsa.csv")


def _fail(message: str, **params: object) -> typer.Exit:
    console.print(f"[red]{gettext(message, **params)}[/red]")
    return typer.Exit(2)


@app.command()
def report(
    year: Annotated[int, typer.Option(help="The calendar year (Asia/Almaty) the report covers")],
    output: Annotated[
        Path | None, typer.Option(help="Also write the files into this directory", file_okay=False)
    ] = None,
    formats: Annotated[
        list[str] | None, typer.Option("--format", help=f"Files to write: {', '.join(FILE_FORMATS)} (repeat)")
    ] = None,
    language: Annotated[
        list[str] | None,
        typer.Option("--language", help="Languages of the PDF and CSV (repeat; default all)"),
    ] = None,
) -> None:
    """Build the year's report from the records into its draft (a new version if the year's latest is
    published; audited ``transparency_report:build``), print its figures' hash, and write its files."""
    from senim.transparency import policy
    from senim.transparency.report import BUILD_STEPS, write_files
    from senim.transparency.service import report_service

    chosen = formats or ["json"]
    languages = language or list(LANGUAGES)
    try:
        fmts = [policy.parse_format(f) for f in chosen]
        languages = [policy.parse_language(lang, LANGUAGES[0]) for lang in languages]
        if any(f is policy.Format.html for f in fmts):
            raise policy.Problem(policy.UNKNOWN_FORMAT, formats=", ".join(FILE_FORMATS))
    except policy.Problem as exc:
        raise _fail(exc.message, **exc.params) from None
    db = Database(get_settings().database_url)
    try:
        with db.transaction() as session:
            with Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as bar:
                task = bar.add_task(f"transparency report {year}", total=len(BUILD_STEPS))
                row = report_service.build(
                    session, CLI, year, progress=lambda step: bar.update(task, advance=1, description=step)
                )
            meta = report_service.meta(row)
            figures = row.figures
    except AppError as exc:
        raise _fail(exc.message, **exc.params) from exc
    console.print(
        f"Report [bold]{year}[/bold] version {meta['version']} ({meta['status']}): {meta['content_hash']}"
    )
    if output is not None:
        for path in write_files(output, meta, figures, fmts, languages):
            console.print(f"  wrote {path}")
