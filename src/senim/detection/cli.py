"""``senim detection …``: backtest a rule over stored content before it goes live."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from senim.audit import Actor
from senim.config import get_settings
from senim.db import Database
from senim.errors import AppError

app = typer.Typer(help="Detection rules, packs, hash banks and the classifier.", no_args_is_help=True)
console = Console()
CLI = Actor.system("cli")


def _fail(exc: AppError) -> typer.Exit:
    console.print(f"[red]{exc.message}[/red]")
    for problem in exc.params.get("fields") or []:
        console.print(f"  - {problem}")
    return typer.Exit(2)


@app.command()
def backtest(
    rule: Annotated[str, typer.Argument(help="The rule's name")],
    version: Annotated[int | None, typer.Option(help="A version other than the current one")] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Only the newest N posts and comments (default: everything)")
    ] = None,
    samples: Annotated[int, typer.Option(min=0, max=100, help="How many matches to show")] = 10,
) -> None:
    """Run a rule (any status, draft included) over stored posts, comments, profiles and communities and
    report what it would find. Nothing is recorded about the content and nothing acts."""
    from senim.detection.service import detection_service

    db = Database(get_settings().database_url)
    try:
        with db.transaction() as session:
            total = detection_service.count_stored(session, limit)
            with Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            ) as bar:
                task = bar.add_task(f"backtest {rule}", total=total)
                result = detection_service.backtest(
                    session,
                    CLI,
                    rule,
                    version=version,
                    limit=limit,
                    samples=samples,
                    progress=lambda n: bar.advance(task, n),
                )
    except AppError as exc:
        raise _fail(exc) from exc
    share = result.matched / result.scanned if result.scanned else 0.0
    console.print(
        f"Rule [bold]{result.rule}[/bold] version {result.version}: {result.matched} of {result.scanned} "
        f"texts matched ({share:.2%}) in {result.seconds:.1f} s"
    )
    for matcher, count in result.by_matcher.most_common():
        console.print(f"  {matcher}: {count}")
    if result.samples:
        table = Table("subject", "id", "matched", "excerpt", show_lines=False)
        for sample in result.samples:
            table.add_row(str(sample.subject), str(sample.id)[:8], ", ".join(sample.matchers), sample.excerpt)
        console.print(table)
