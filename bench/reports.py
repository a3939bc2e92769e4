"""Annual transparency report build time at scale (LAW-37): the whole aggregation against the floor of its
single largest aggregate query, on SQLite and PostgreSQL, in the same run.

On a fresh database per backend (a temporary SQLite file; on PostgreSQL a database it creates at the
server of ``--database-url`` and drops at the end) the bench runs the migrations, then bulk-loads
``--decisions`` decisions (default 1,000,000) and ``--complaints`` complaints (default 2,000,000), plus
appeals (2 % of the decisions), detection signals (half as many as decisions; ``automation_stats`` reads
them), orders of state bodies and escalations, spread over 18 months (about two thirds in the reported
year) with a fixed random seed. SQLite is loaded with Core ``executemany`` in
batches inside one transaction; PostgreSQL with ``COPY … FROM STDIN``. Then ``ANALYZE``.

It times ``senim.transparency.report.build_figures`` (every section of the annual report, the monthly
series and the risk register: the aggregation, not the PDF) and the floor: the one query the report runs
that reads the most rows, ``aggregation.complaint_scan`` (the very statement ``complaint_stats`` runs).
Each is run ``--repeat`` times after a warm-up run; the median is printed with the ratio build/floor and
each section's median time.

    .venv/bin/python bench/reports.py [--decisions 1000000] [--complaints 2000000]
        [--backend sqlite|postgresql|both] [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
        [--repeat 3] [--json]

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

os.environ.setdefault("SENIM_MODE", "test")

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from senim.kit.deadlines import RULES  # noqa: E402

BATCH = 20_000
LEGAL = RULES["complaint_answer"]  # the complaint's legal deadline, fixed at receipt as the service does
YEAR = 2026
START = datetime(2025, 7, 1, tzinfo=UTC)
SPAN_SECONDS = int((datetime(2027, 1, 1, tzinfo=UTC) - START).total_seconds())
CATEGORIES = (
    "unlawful.suicide", "unlawful.drugs", "unlawful.fraud", "unlawful.terrorism_extremism",
    "unlawful.pornography", "unlawful.cruelty_violence", "children.sexual_content", "false_information",
    "privacy.personal_data", "cyberbullying_child", "spam_fraud", "terms_other",
)  # fmt: skip
ACTIONS = ("remove", "geo_restrict", "age_restrict", "label", "demote", "warn", "suspend", "no_violation")
SOURCES = ("complaint", "own_initiative", "detection", "order", "appeal")
ORDER_KINDS = (
    "restriction_order",
    "authority_request",
    "user_data_request",
    "court_act",
    "child_cyberbullying",
)


def when(rng: random.Random) -> datetime:
    return START + timedelta(seconds=rng.randrange(SPAN_SECONDS))


def complaints(n: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    for i in range(n):
        received = when(rng)
        answered = rng.random() < 0.9
        yield {
            "id": uuid.UUID(int=rng.getrandbits(128)),
            "number": f"B-{i:010d}",
            "status": "answered" if answered else "received",
            "subject": rng.choice(("item", "item", "item", "account", "community", "interface")),
            "category": rng.choice(CATEGORIES),
            "rules_version": 1,
            "description": "bench",
            "details": {},
            "language": rng.choice(("kk", "ru")),
            "received_at": received,
            "legal_due_at": LEGAL.due_at(received),
            "answered_at": received + timedelta(seconds=rng.randrange(60, 30 * 86400)) if answered else None,
            "outcome": rng.choice(("upheld", "rejected", "resolved")) if answered else None,
            "manifestly_unfounded": rng.random() < 0.02,
        }


def decisions(n: int, rng: random.Random, ids: list[uuid.UUID]) -> Iterator[dict[str, Any]]:
    for _ in range(n):
        action = rng.choice(ACTIONS)
        law = action != "no_violation" and rng.random() < 0.7
        did = uuid.UUID(int=rng.getrandbits(128))
        ids.append(did)
        yield {
            "id": did,
            "subject": "account" if action == "suspend" else "item",
            "action": action,
            "facts": "bench",
            "source": rng.choice(SOURCES),
            "ground_kind": None if action == "no_violation" else ("law" if law else "terms"),
            "category": rng.choice(CATEGORIES) if law else None,
            "automated_detection": rng.random() < 0.4,
            "automated_decision": rng.choice(("fully", "partially", "not", "not")),
            "decided_at": when(rng),
            "status": "in_force",
        }


def appeals(decision_ids: list[uuid.UUID], rng: random.Random) -> Iterator[dict[str, Any]]:
    for did in decision_ids[::50]:
        received = when(rng)
        decided = rng.random() < 0.8
        yield {
            "id": uuid.UUID(int=rng.getrandbits(128)),
            "decision_id": did,
            "appellant_role": rng.choice(("affected", "complainant")),
            "reason": "bench",
            "status": "decided" if decided else "received",
            "received_at": received,
            "decided_at": received + timedelta(seconds=rng.randrange(3600, 10 * 86400)) if decided else None,
            "outcome": rng.choice(("upheld", "reversed")) if decided else None,
        }


def orders(n: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    for i in range(n):
        received = when(rng)
        executed = rng.random() < 0.85
        yield {
            "id": uuid.UUID(int=rng.getrandbits(128)),
            "number": f"O-B{i:07d}",
            "issuing_body": "Ministry",
            "kind": rng.choice(ORDER_KINDS),
            "basis_type": "law_article",
            "basis_article": "Art. 1",
            "category": rng.choice(CATEGORIES[:6]),
            "measures": [],
            "requested_fields": [],
            "targets": [],
            "channel": "api",
            "received_at": received,
            "due_at": received + timedelta(hours=24),
            "warn_at": received + timedelta(hours=12),
            "status": "executed" if executed else "received",
            "executed_at": received + timedelta(seconds=rng.randrange(60, 40 * 3600)) if executed else None,
            "outcome": [],
            "created_at": received,
        }


def signals(n: int, rng: random.Random, item_id: uuid.UUID, rule_id: uuid.UUID) -> Iterator[dict[str, Any]]:
    for _ in range(n):
        shadow = rng.random() < 0.1
        yield {
            "id": uuid.UUID(int=rng.getrandbits(128)),
            "subject": "item",
            "item_id": item_id,
            "rule_id": rule_id,
            "rule_version": 1,
            "category": rng.choice(CATEGORIES),
            "score": 1.0,
            "evidence": [],
            "shadow": shadow,
            "action": None if shadow else rng.choice(("hide", "queue", "label")),
            "created_at": when(rng),
        }


def escalations(n: int, rng: random.Random, item_id: uuid.UUID) -> Iterator[dict[str, Any]]:
    for _ in range(n):
        created = when(rng)
        yield {
            "id": uuid.UUID(int=rng.getrandbits(128)),
            "item_id": item_id,
            "category": "unlawful.suicide",
            "source": rng.choice(("detection", "moderator")),
            "reason": "bench",
            "status": "dispatched",
            "created_at": created,
            "dispatched_at": created + timedelta(seconds=rng.randrange(1, 120)),
        }


# --- loading ---------------------------------------------------------------------------------------


def batches(rows: Iterator[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def load_sqlite(engine: Engine, table: Any, rows: Iterator[dict[str, Any]]) -> int:
    n = 0
    with engine.begin() as conn:
        for batch in batches(rows):
            conn.execute(insert(table), batch)
            n += len(batch)
    return n


def with_defaults(table: Any, row: dict[str, Any]) -> dict[str, Any]:
    """The row with the columns' Python-side defaults filled in (COPY does not run them)."""
    for column in table.columns:
        if column.name not in row and column.default is not None:
            default = column.default
            row[column.name] = default.arg if default.is_scalar else default.arg(None)
    return row


def load_postgresql(engine: Engine, table: Any, rows: Iterator[dict[str, Any]]) -> int:
    from psycopg.types.json import Jsonb

    rows = (with_defaults(table, row) for row in rows)

    n = 0
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None
        columns: list[str] | None = None
        with driver.cursor() as cursor:
            for batch in batches(rows):
                if columns is None:
                    columns = list(batch[0])
                    names = ", ".join(f'"{c}"' for c in columns)
                    copy_sql = f'COPY "{table.name}" ({names}) FROM STDIN'
                with cursor.copy(copy_sql) as copy:
                    for row in batch:
                        copy.write_row(
                            [Jsonb(row[c]) if isinstance(row[c], dict | list) else row[c] for c in columns]
                        )
                n += len(batch)
        driver.commit()
    finally:
        raw.close()
    return n


def seed(engine: Engine, backend: str, n_decisions: int, n_complaints: int) -> dict[str, Any]:
    from senim.account.service import account_service
    from senim.audit import Actor
    from senim.db import Database
    from senim.models import (
        Appeal,
        Complaint,
        ContentItem,
        Decision,
        DetectionRule,
        Escalation,
        Role,
        Signal,
        StateOrder,
    )

    rng = random.Random(2026)
    load = load_postgresql if backend == "postgresql" else load_sqlite
    db = Database(str(engine.url.render_as_string(hide_password=False)))
    with db.transaction() as session:
        author = account_service.create_user(
            session, Actor.system("bench"), username="benchauthor", role=Role.user, password=None
        )
        item_id, rule_id = uuid.uuid4(), uuid.uuid4()
        session.execute(
            insert(ContentItem), [{"id": item_id, "kind": "post", "author_id": author.id, "body": "x"}]
        )
        session.execute(insert(DetectionRule), [{"id": rule_id, "name": "bench"}])
    db.dispose()
    started = time.perf_counter()
    counts: dict[str, int] = {}
    ids: list[uuid.UUID] = []
    counts["complaints"] = load(engine, Complaint.__table__, complaints(n_complaints, rng))
    counts["decisions"] = load(engine, Decision.__table__, decisions(n_decisions, rng, ids))
    counts["appeals"] = load(engine, Appeal.__table__, appeals(ids, rng))
    counts["orders"] = load(engine, StateOrder.__table__, orders(max(100, n_decisions // 200), rng))
    counts["signals"] = load(engine, Signal.__table__, signals(n_decisions // 2, rng, item_id, rule_id))
    counts["escalations"] = load(
        engine, Escalation.__table__, escalations(max(100, n_decisions // 500), rng, item_id)
    )
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return {"rows": counts, "load_seconds": round(time.perf_counter() - started, 1)}


# --- timing ----------------------------------------------------------------------------------------


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    run()  # warm-up: caches, plans
    times: list[float] = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def floor_query(session: Session) -> list[Any]:
    """``aggregation.complaint_scan``: the very statement ``complaint_stats`` runs, the report's query that
    reads the most rows."""
    from senim.transparency.aggregation import Period, complaint_scan

    return complaint_scan(session, Period.year(YEAR))


def measure(url: str, backend: str, args: argparse.Namespace) -> dict[str, Any]:
    from senim.db import normalise_url
    from senim.migrations import upgrade
    from senim.transparency import report

    upgrade(url)
    engine = create_engine(normalise_url(url))
    out: dict[str, Any] = {"backend": backend}
    out |= seed(engine, backend, args.decisions, args.complaints)
    print(f"[{backend}] loaded {out['rows']} in {out['load_seconds']} s", flush=True)
    with Session(engine) as session:
        floor, _ = timed(lambda: floor_query(session), args.repeat)
        runs: dict[str, list[float]] = {}

        def build() -> dict[str, Any]:
            last = [time.perf_counter()]

            def step(name: str) -> None:
                now = time.perf_counter()
                runs.setdefault(name, []).append(now - last[0])
                last[0] = now

            return report.build_figures(session, YEAR, progress=step)

        total, figures = timed(build, args.repeat)
    engine.dispose()
    # the median of each section over the timed runs (the warm-up run is the first of each list)
    sections = {name: round(statistics.median(times[1:] or times), 3) for name, times in runs.items()}
    out |= {
        "floor_seconds": round(floor, 3),
        "build_seconds": round(total, 3),
        "ratio": round(total / floor, 1) if floor else None,
        "sections_seconds": sections,
        "year_complaints": figures["complaints"]["received"],
        "year_decisions": figures["decisions"]["total"],
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--complaints", type=int, default=2_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server: the bench makes and drops its own database")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    results: list[dict[str, Any]] = []
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="senim-bench-reports-") as tmp:
            results.append(measure(f"sqlite:///{tmp}/bench.db", "sqlite", args))
    if args.backend in ("postgresql", "both"):
        from senim.db import normalise_url

        server = make_url(normalise_url(args.database_url))
        name = f"senim_bench_reports_{os.getpid()}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            results.append(
                measure(server.set(database=name).render_as_string(hide_password=False), "postgresql", args)
            )
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        f"\nAnnual report build ({args.decisions:,} decisions, {args.complaints:,} complaints;"
        f" median of {args.repeat})"
    )
    print(f"{'backend':<12}{'floor (s)':>12}{'build (s)':>12}{'ratio':>8}   sections (s)")
    for r in results:
        sections = ", ".join(f"{k} {v}" for k, v in r["sections_seconds"].items())
        print(
            f"{r['backend']:<12}{r['floor_seconds']:>12}{r['build_seconds']:>12}{r['ratio']:>8}   {sections}"
        )


if __name__ == "__main__":
    main()
