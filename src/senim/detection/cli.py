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


banks_app = typer.Typer(help="Hash banks of known images (PDQ and SHA-256).", no_args_is_help=True)
app.add_typer(banks_app, name="banks")


@banks_app.command("list")
def banks_list() -> None:
    """Every hash bank with its number of entries."""
    from senim.detection.banks import hash_bank_service

    with Database(get_settings().database_url).transaction() as session:
        for bank, entries in hash_bank_service.banks(session):
            console.print(f"{bank.name}\t{entries} entries\tversion {bank.version}\t{bank.description}")


@banks_app.command("create")
def banks_create(
    name: str, description: Annotated[str, typer.Option(help="What the bank holds")] = ""
) -> None:
    """Create an empty hash bank (audited)."""
    from senim.detection.banks import hash_bank_service

    try:
        with Database(get_settings().database_url).transaction() as session:
            hash_bank_service.create(session, CLI, name, description)
    except AppError as exc:
        raise _fail(exc) from exc
    console.print(f"Created hash bank [bold]{name}[/bold]")


@banks_app.command("import")
def banks_import(
    name: str,
    path: Annotated[
        typer.FileText, typer.Argument(help="A CSV (kind,hash,note) or JSON hash list; - for stdin")
    ],
    kind: Annotated[
        str | None, typer.Option(help="The kind of bare hashes: pdq or sha256 (both are 64 hex digits)")
    ] = None,
) -> None:
    """Add a hash list to a bank; a list with any problem adds nothing and names each bad line."""
    from senim.detection.banks import hash_bank_service
    from senim.detection.hashlist import HashKind

    try:
        default_kind = HashKind(kind) if kind else None
    except ValueError as exc:
        console.print("[red]--kind is pdq or sha256[/red]")
        raise typer.Exit(2) from exc
    try:
        with Database(get_settings().database_url).transaction() as session:
            added = hash_bank_service.import_list(session, CLI, name, path.read(), default_kind)
    except AppError as exc:
        raise _fail(exc) from exc
    console.print(f"Added {added} hashes to [bold]{name}[/bold]")


@banks_app.command("export")
def banks_export(
    name: str, fmt: Annotated[str, typer.Option("--format", help="csv or json")] = "csv"
) -> None:
    """Print a bank's hash list (to share it with another platform, or to keep a copy)."""
    from senim.detection.banks import hash_bank_service

    try:
        with Database(get_settings().database_url).transaction() as session:
            text = hash_bank_service.export(session, name, fmt)
    except AppError as exc:
        raise _fail(exc) from exc
    typer.echo(text, nl=False)


@app.command()
def train(
    name: Annotated[
        str, typer.Option(help="The model's name, used by a rule's classifier matcher")
    ] = "builtin",
    held_out: Annotated[float, typer.Option(min=0.05, max=0.5, help="Share kept out to measure it")] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed of the split")] = 0,
) -> None:
    """Train the built-in classifier (character n-grams) from moderators' decisions, report precision and
    recall on a held-out split, and save it under SENIM_MODEL_DIR/NAME (rules using it pick it up)."""
    from senim import audit
    from senim.detection.classifier import train as fit
    from senim.detection.trained import classifiers, training_examples

    with Database(get_settings().database_url).transaction() as session:
        examples = training_examples(session)
        console.print(f"{len(examples)} decided posts and comments to learn from")
        try:
            result = fit(examples, held_out=held_out, seed=seed, name=name)
        except ValueError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from exc
        for line in result.report.lines():
            console.print(line)
        path = result.model.save(classifiers.path(name))
        audit.record(
            session,
            actor=CLI,
            tag="detection_model:train",
            target=None,
            data={
                "name": name,
                "examples": len(examples),
                "macro_precision": result.report.macro_precision,
                "macro_recall": result.report.macro_recall,
            },
        )
    console.print(f"Saved to {path}")


@app.command("packs")
def packs_list() -> None:
    """The starter rule packs (kk, ru, en) shipped with Senim."""
    from senim.detection import packs

    for name in packs.available():
        pack = packs.load(name)
        console.print(f"[bold]{name}[/bold] ({len(pack.rules)} rules): {pack.description.en}")


@app.command("install-pack")
def install_pack(
    name: Annotated[str, typer.Argument(help="A pack from `senim detection packs`")],
    status: Annotated[str, typer.Option(help="Status of the new rules: draft, shadow or live")] = "shadow",
) -> None:
    """Install a starter pack: each rule saved (audited) and new ones moved to --status (shadow: they
    record signals and act on nothing until an administrator moves them live)."""
    from senim.detection import packs
    from senim.detection.rules import RuleStatus
    from senim.detection.service import detection_service

    if status not in ("draft", "shadow", "live"):
        console.print("[red]--status is draft, shadow or live[/red]")
        raise typer.Exit(2)
    try:
        pack = packs.load(name)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    try:
        with Database(get_settings().database_url).transaction() as session:
            rules = detection_service.install_pack(session, CLI, pack, RuleStatus(status))
            summary = [(r.name, r.status, r.version) for r in rules]
    except AppError as exc:
        raise _fail(exc) from exc
    for rule_name, rule_status, version in summary:
        console.print(f"  {rule_name}: {rule_status}, version {version}")
    console.print(f"Installed pack [bold]{name}[/bold]: {len(summary)} rules")
