"""Escalation latency: the time from a post's creation to the signed webhook at law enforcement's receiver
(LAW-19: notify at once; Senim promises dispatch within 60 seconds), while posts arrive at a steady rate.

On a fresh database (a temporary SQLite file, or with ``--database-url postgresql://…/<name>`` a PostgreSQL
database it creates and drops: refused if it exists, a generated name when the URL names none) the bench
runs ``senim migrate`` and ``senim create-user`` for an administrator, then starts the real processes of a
deployment shape:

- SQLite (embedded shape): ``senim serve --worker``, the worker a thread of the server;
- PostgreSQL (scale-out shape): ``senim serve --no-worker`` and a ``senim worker`` process.

(``--worker embedded|process`` chooses the other shape.) Over the HTTP API the administrator creates a
law-enforcement principal, registers its webhook endpoint at a receiver in this process (a threaded
``http.server`` that checks each delivery's ``Senim-Signature`` and keeps the arrival time per item id of
the event's data), creates an author, and saves a rule on ``unlawful.cruelty_violence`` with the action
``escalate``, moved to shadow and then live. One threatening post is sent and awaited first (the warm-up:
the first scan compiles the rule). Then the author posts through ``POST /api/v1/posts`` on a fixed
schedule (open loop: post i is sent at start + i/rate by one of several client threads), a share of them
threatening. The bench waits for the webhook of every threatening post and prints the rate achieved and
the p50/p95/p99/max latency from sending the POST to the webhook's arrival (so the request itself is
counted), then where the time went, read from the job table: each job of the chain (``detection.scan`` →
``escalation.dispatch`` → ``notification.deliver_webhook``) from being queued to finishing.

Exit status 1 when a threatening post's webhook did not arrive within ``--timeout`` seconds after the last
post, a delivery's signature did not verify, an innocent post was escalated, or a post was refused.
Not part of the test suite.

    .venv/bin/python bench/escalation_latency.py [--rate 5] [--seconds 30] [--threat-share 0.2]
        [--database-url postgresql://postgres@127.0.0.1:5432/senim_bench] [--quick] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PROMISE_SECONDS = 60.0
EVENT = "escalation.created"
SCAN_JOB = "detection.scan"
DISPATCH_JOB = "escalation.dispatch"
DELIVER_JOB = "notification.deliver_webhook"
RULE_NAME = "bench-threats"
# A threat-to-life category is critical, so an escalate rule without ``dispatch`` sends at once.
RULE = {
    "category": "unlawful.cruelty_violence",
    "matchers": [{"type": "terms", "kind": "exact", "terms": ["убью всех", "бәрін өлтіремін"]}],
    "action": {"type": "escalate", "priority": 1},
}
THREATS = [
    "Ертең мектепке барып бәрін өлтіремін, ешкім құтылмайды",
    "Завтра приду на площадь и убью всех, кто там будет",
    "Осы аулада бәрін өлтіремін, күте беріңдер",
]
INNOCENT = [
    "Алматыда бүгін күн ашық, тауда қар жауды",
    "Сегодня в Астане открыли новую библиотеку для детей",
    "Балалар мектептен кейін саябақта ойнады",
    "Вечером на Медеу было много людей и играла музыка",
]
SENDERS = 8  # client threads: a slow request delays no other post's turn
READY_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank ``q`` quantile (0 < q <= 1) of ``values``; 0.0 when there are none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def is_threat(index: int, share: float) -> bool:
    """Spread the threatening posts evenly: post ``index`` is one when it crosses a multiple of 1/share."""
    return math.floor((index + 1) * share) > math.floor(index * share)


# --- the law-enforcement receiver ---------------------------------------------------------------------
@dataclass
class Receiver:
    """Keeps the first arrival (monotonic seconds) per item id; ``secret`` is set once the endpoint exists."""

    secret: str = ""
    url: str = ""
    arrivals: dict[str, float] = field(default_factory=dict)
    deliveries: int = 0
    repeats: int = 0
    bad: list[str] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def receive(self, headers: dict[str, str], body: bytes, at: float) -> int:
        from senim.notification.webhooks import InvalidSignature, verify

        problem = ""
        item_id = ""
        try:
            verify(
                self.secret, body, headers.get("senim-signature", ""), now=time.time(), tolerance_seconds=300
            )
            event = json.loads(body)
            item_id = str(event["data"]["item_id"])
            if event["event"] != EVENT or headers.get("senim-event") != EVENT:
                problem = f"unexpected event {event['event']!r}"
        except InvalidSignature as exc:
            problem = f"signature: {exc}"
        except (ValueError, KeyError, TypeError) as exc:
            problem = f"payload: {type(exc).__name__}: {exc}"
        with self.changed:
            self.deliveries += 1
            if problem:
                self.bad.append(problem)
            elif item_id in self.arrivals:
                self.repeats += 1  # a redelivery of the same event (allowed: the idempotency key says so)
            else:
                self.arrivals[item_id] = at
            self.changed.notify_all()
        return 400 if problem else 200

    def wait_for(self, item_ids: set[str], deadline: float) -> set[str]:
        """Wait until all of ``item_ids`` arrived or ``deadline`` (monotonic) passed; return the missing."""
        with self.changed:
            while True:
                missing = item_ids - self.arrivals.keys()
                remaining = deadline - time.monotonic()
                if not missing or remaining <= 0:
                    return missing
                self.changed.wait(min(remaining, 1.0))


@contextmanager
def receiving() -> Iterator[Receiver]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            at = time.monotonic()
            status = receiver.receive({k.lower(): v for k, v in self.headers.items()}, body, at)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/police/senim"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- the database and the Senim processes --------------------------------------------------------------
@contextmanager
def fresh_database(url: str, tmp: Path) -> Iterator[str]:
    """A database that did not exist before: the temporary SQLite file, or a PostgreSQL database created
    here (named by the URL, or ``senim_bench_<random>`` when it names none) and dropped afterwards."""
    if not url:
        yield f"sqlite:///{tmp / 'bench.db'}"
        return
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and Path(parsed.database).exists():
            raise SystemExit(f"{parsed.database} exists: the bench starts from a fresh database")
        yield url
        return
    if parsed.get_backend_name() != "postgresql":
        raise SystemExit("--database-url: a sqlite:/// or postgresql:// URL")
    import psycopg
    from psycopg import sql

    name = parsed.database or f"senim_bench_{secrets.token_hex(4)}"
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            raise SystemExit(f"database {name} exists: name a fresh one (the bench creates and drops it)")
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def senim_env(database_url: str, tmp: Path, concurrency: int | None) -> dict[str, str]:
    """The processes' environment: this one's without any SENIM_ setting, plus the bench's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENIM_")}
    env.update(
        {
            "SENIM_DATABASE_URL": database_url,
            "SENIM_MODE": "development",  # production refuses an http:// receiver on 127.0.0.1
            "SENIM_MEDIA_DIR": str(tmp / "media"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")])),
        }
    )
    if concurrency is not None:
        env["SENIM_WORKER_CONCURRENCY"] = str(concurrency)
    return env


def senim(*args: str) -> list[str]:
    return [sys.executable, "-m", "senim.cli", *args]


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM (the worker finishes its jobs in hand), then SIGKILL after 15 s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@contextmanager
def running(commands: list[tuple[str, list[str]]], env: dict[str, str], tmp: Path) -> Iterator[None]:
    procs: list[subprocess.Popen[bytes]] = []
    logs = []
    try:
        for name, command in commands:
            logs.append((tmp / f"{name}.log").open("wb"))
            procs.append(
                subprocess.Popen(command, env=env, cwd=tmp, stdout=logs[-1], stderr=subprocess.STDOUT)
            )
        yield
    finally:
        for proc in reversed(procs):
            stop(proc)
        for log in logs:
            log.close()


def wait_ready(base: str, tmp: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/v1/documents/user_agreement", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"senim serve did not answer within {READY_SECONDS:.0f} s; see {tmp / 'serve.log'}")


def checked(response: httpx.Response, what: str) -> dict[str, Any]:
    if response.status_code >= 400:
        raise SystemExit(f"{what}: HTTP {response.status_code} {response.text[:500]}")
    return dict(response.json())


def arrange(base: str, receiver: Receiver, admin_password: str) -> dict[str, str]:
    """Through the API as the administrator: law enforcement, its endpoint, the author, the live rule.
    Returns the author's session cookies."""
    author_password = secrets.token_urlsafe(16)
    with httpx.Client(base_url=base, timeout=30) as admin:
        checked(
            admin.post("/api/v1/session", json={"username": "bench_admin", "password": admin_password}),
            "administrator login",
        )
        police = checked(
            admin.post("/api/v1/users", json={"username": "bench_police", "role": "law_enforcement"}),
            "law-enforcement principal",
        )
        issued = checked(
            admin.post(
                "/api/v1/webhooks",
                json={"principal_id": police["id"], "url": receiver.url, "events": [EVENT]},
            ),
            "webhook endpoint",
        )
        receiver.secret = issued["secret"]
        checked(
            admin.post(
                "/api/v1/users",
                json={"username": "bench_author", "role": "user", "password": author_password},
            ),
            "author",
        )
        checked(admin.put(f"/api/v1/detection/rules/{RULE_NAME}", json={"spec": RULE}), "rule")
        for status in ("shadow", "live"):
            checked(
                admin.post(f"/api/v1/detection/rules/{RULE_NAME}/status", json={"status": status}),
                f"rule to {status}",
            )
    with httpx.Client(base_url=base, timeout=30) as author:
        checked(
            author.post("/api/v1/session", json={"username": "bench_author", "password": author_password}),
            "author login",
        )
        return dict(author.cookies)


# --- the load -----------------------------------------------------------------------------------------
@dataclass
class Sent:
    index: int
    threat: bool
    sent_at: float  # monotonic, when the request started
    sent_wall: float  # the same moment on the wall clock (to compare with the job table)
    answered_at: float
    status: int
    item_id: str


def post_one(client: httpx.Client, index: int, threat: bool) -> Sent:
    pool = THREATS if threat else INNOCENT
    body = f"{pool[index % len(pool)]} (№{index})"
    sent_wall, sent_at = time.time(), time.monotonic()
    try:
        response = client.post("/api/v1/posts", json={"body": body})
        status = response.status_code
        item_id = str(response.json().get("id", "")) if status == 201 else ""
    except httpx.HTTPError:
        status, item_id = 0, ""
    return Sent(index, threat, sent_at, sent_wall, time.monotonic(), status, item_id)


def steady_load(base: str, cookies: dict[str, str], rate: float, total: int, share: float) -> list[Sent]:
    """Send ``total`` posts, post i at start + i/rate (open loop), from ``SENDERS`` client threads."""
    counter = itertools.count()
    lock = threading.Lock()
    results: list[Sent] = []
    start = time.monotonic() + 0.2

    def sender() -> None:
        with httpx.Client(base_url=base, cookies=cookies, timeout=60) as client:
            while True:
                with lock:
                    index = next(counter)
                if index >= total:
                    return
                delay = start + index / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                sent = post_one(client, index, is_threat(index, share))
                with lock:
                    results.append(sent)

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(min(SENDERS, total))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results, key=lambda s: s.index)


# --- where the time went ------------------------------------------------------------------------------
def unfinished_jobs(database_url: str) -> list[str]:
    """The chain's jobs that have not succeeded, with the first line of their last error."""
    from sqlalchemy import select

    from senim.db import Database
    from senim.models import Job

    db = Database(database_url)
    try:
        with db.transaction(write=False) as session:
            rows = session.execute(
                select(Job.name, Job.status, Job.attempts, Job.last_error)
                .where(Job.name.in_([SCAN_JOB, DISPATCH_JOB, DELIVER_JOB]), Job.status != "succeeded")
                .order_by(Job.created_at)
                .limit(5)
            ).all()
    finally:
        db.dispose()
    return [
        f"{name} {status} after {attempts} attempts: {(error or '').splitlines()[0] if error else '-'}"
        for name, status, attempts, error in rows
    ]


def stages(database_url: str, sent: list[Sent]) -> dict[str, Any]:
    """Per threatening post, each job of the chain from being queued (``run_at``) to ``finished_at``, and
    the request's start to the scan being queued; plus the jobs that needed more than one attempt."""
    from sqlalchemy import select

    from senim.db import Database
    from senim.models import Escalation, Job

    threats = {s.item_id: s for s in sent if s.threat and s.item_id}
    db = Database(database_url)
    try:
        with db.transaction(write=False) as session:
            escalated = {
                str(e): str(i) for e, i in session.execute(select(Escalation.id, Escalation.item_id))
            }
            rows = session.execute(
                select(Job.name, Job.payload, Job.run_at, Job.finished_at, Job.attempts, Job.status).where(
                    Job.name.in_([SCAN_JOB, DISPATCH_JOB, DELIVER_JOB])
                )
            ).all()
    finally:
        db.dispose()

    def item_of(name: str, payload: dict[str, Any]) -> str:
        if name == SCAN_JOB:
            return str(payload.get("item_id"))
        if name == DISPATCH_JOB:
            return escalated.get(str(payload.get("escalation_id")), "")
        return str(payload.get("data", {}).get("item_id"))

    spans: dict[str, list[float]] = {"request → scan queued": []}
    spans |= {f"{name} queued → done": [] for name in (SCAN_JOB, DISPATCH_JOB, DELIVER_JOB)}
    retried = 0
    for name, payload, run_at, finished_at, attempts, status in rows:
        retried += attempts > 1 or status not in ("succeeded", "pending", "running")
        post = threats.get(item_of(name, payload))
        if post is None or finished_at is None:
            continue
        spans[f"{name} queued → done"].append((finished_at - run_at).total_seconds())
        if name == SCAN_JOB:
            spans["request → scan queued"].append(run_at.timestamp() - post.sent_wall)
    return {
        "stages": {
            k: {"p50_s": round(percentile(v, 0.5), 4), "p99_s": round(percentile(v, 0.99), 4), "n": len(v)}
            for k, v in spans.items()
        },
        "jobs_retried_or_failed": retried,
    }


# --- the run ------------------------------------------------------------------------------------------
def run(args: argparse.Namespace, tmp: Path) -> tuple[dict[str, Any], bool]:
    from senim.config import Settings

    with fresh_database(args.database_url, tmp) as database_url, receiving() as receiver:
        backend = database_url.split(":")[0].split("+")[0]
        shape = args.worker or ("embedded" if backend == "sqlite" else "process")
        env = senim_env(database_url, tmp, args.concurrency)
        admin_password = secrets.token_urlsafe(16)
        for command in (
            senim("migrate"),
            senim("create-user", "bench_admin", "--role", "administrator", "--password", admin_password),
        ):
            done = subprocess.run(command, env=env, cwd=tmp, capture_output=True, check=False)
            if done.returncode != 0:
                raise SystemExit(
                    f"{' '.join(command[2:4])} failed:\n{done.stdout.decode()}{done.stderr.decode()}"
                )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        serve = senim("serve", "--host", "127.0.0.1", "--port", str(port))
        commands = [("serve", [*serve, "--worker" if shape == "embedded" else "--no-worker"])]
        if shape == "process":
            commands.append(("worker", senim("worker", "--name", "bench")))
        with running(commands, env, tmp):
            wait_ready(base, tmp)
            cookies = arrange(base, receiver, admin_password)
            with httpx.Client(base_url=base, cookies=cookies, timeout=60) as client:
                warm = post_one(client, 0, threat=True)
            if warm.status != 201:
                raise SystemExit(f"the warm-up post was refused: HTTP {warm.status}; see {tmp / 'serve.log'}")
            if receiver.wait_for({warm.item_id}, time.monotonic() + args.timeout):
                waiting = "\n  ".join(unfinished_jobs(database_url))
                raise SystemExit(
                    f"the warm-up escalation did not arrive within {args.timeout:.0f} s; logs in {tmp}"
                    f"\n  {waiting}"
                )
            warm_latency = receiver.arrivals[warm.item_id] - warm.sent_at

            total = max(1, round(args.rate * args.seconds))
            sent = steady_load(base, cookies, args.rate, total, args.threat_share)
            expected = {s.item_id for s in sent if s.threat and s.item_id}
            missing = receiver.wait_for(expected, time.monotonic() + args.timeout)
        breakdown = stages(database_url, sent)
        stuck = unfinished_jobs(database_url) if missing else []

    refused = [s for s in sent if s.status != 201]
    innocent = {s.item_id for s in sent if not s.threat and s.item_id}
    latencies = [
        receiver.arrivals[s.item_id] - s.sent_at for s in sent if s.threat and s.item_id in receiver.arrivals
    ]
    api = [s.answered_at - s.sent_at for s in sent]
    span = sent[-1].sent_at - sent[0].sent_at if len(sent) > 1 else 0.0
    figures: dict[str, Any] = {
        "database": backend,
        "worker": "thread in senim serve" if shape == "embedded" else "senim worker process",
        "worker_concurrency": args.concurrency or Settings.model_fields["worker_concurrency"].default,
        "posts": len(sent),
        "threatening": sum(s.threat for s in sent),
        "target_rate": args.rate,
        "achieved_rate": round((len(sent) - 1) / span, 2) if span else 0.0,
        "api_p50_ms": round(percentile(api, 0.5) * 1000, 1),
        "api_p99_ms": round(percentile(api, 0.99) * 1000, 1),
        "refused_posts": len(refused),
        "warm_up_s": round(warm_latency, 3),
        "delivered": len(latencies),
        "missing": len(missing),
        "p50_s": round(percentile(latencies, 0.5), 3),
        "p95_s": round(percentile(latencies, 0.95), 3),
        "p99_s": round(percentile(latencies, 0.99), 3),
        "max_s": round(max(latencies, default=0.0), 3),
        "p99_within_promise": bool(latencies) and percentile(latencies, 0.99) < PROMISE_SECONDS,
        "webhooks_received": receiver.deliveries,
        "bad_deliveries": len(receiver.bad),
        "bad_examples": sorted(set(receiver.bad))[:3],
        "innocent_escalated": len(innocent & receiver.arrivals.keys()),
        "repeats": receiver.repeats,
        "unfinished_jobs": stuck,
        **breakdown,
    }
    ok = not (missing or refused or receiver.bad or figures["innocent_escalated"])
    return figures, ok


def report(f: dict[str, Any]) -> None:
    print(f"database {f['database']}, worker: {f['worker']} (concurrency {f['worker_concurrency']})")
    print(
        f"posts {f['posts']} ({f['threatening']} threatening) at {f['achieved_rate']:.2f} posts/s achieved"
        f" (target {f['target_rate']:.2f}); API p50 {f['api_p50_ms']:.1f} ms, p99 {f['api_p99_ms']:.1f} ms;"
        f" refused {f['refused_posts']}"
    )
    print(f"warm-up (first scan compiles the rule): {f['warm_up_s']:.3f} s")
    latency = (
        f"from sending the POST to the webhook's arrival: p50 {f['p50_s']:.3f} s  p95 {f['p95_s']:.3f} s"
        f"  p99 {f['p99_s']:.3f} s  max {f['max_s']:.3f} s"
        if f["delivered"]
        else "no latency to report"
    )
    print(f"delivered {f['delivered']}/{f['threatening']} (missing {f['missing']}); {latency}")
    bad = "; ".join(f["bad_examples"])
    print(
        f"webhooks received {f['webhooks_received']} (warm-up included), signature or payload wrong"
        f" {f['bad_deliveries']}{': ' + bad if bad else ''}; repeats {f['repeats']};"
        f" innocent posts escalated {f['innocent_escalated']}"
    )
    print("where the time went (threatening posts)          p50        p99")
    for name, s in f["stages"].items():
        print(f"  {name:<44} {s['p50_s']:7.3f} s  {s['p99_s']:7.3f} s  (n={s['n']})")
    print(f"jobs retried or failed: {f['jobs_retried_or_failed']}")
    for line in f["unfinished_jobs"]:
        print(f"  not done: {line}")
    verdict = "yes" if f["p99_within_promise"] else "NO"
    print(f"p99 < {PROMISE_SECONDS:.0f} s (the dispatch promise): {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=5.0, help="posts per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long posts arrive")
    parser.add_argument("--threat-share", type=float, default=0.2, help="share of threatening posts, (0, 1]")
    parser.add_argument("--timeout", type=float, default=120.0, help="wait after the last post, seconds")
    parser.add_argument("--database-url", default="", help="postgresql://…/<fresh name>; default: SQLite")
    parser.add_argument(
        "--worker",
        choices=["embedded", "process"],
        default=None,
        help="worker thread in senim serve, or a senim worker process (default: embedded on SQLite, process"
        " on PostgreSQL, as in docs/operations.md)",
    )
    parser.add_argument("--concurrency", type=int, default=None, help="SENIM_WORKER_CONCURRENCY")
    parser.add_argument("--quick", action="store_true", help="a 5-second run")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.quick:
        args.seconds = 5.0
    if not 0 < args.threat_share <= 1 or args.rate <= 0 or args.seconds <= 0:
        parser.error("--rate and --seconds must be positive and --threat-share in (0, 1]")
    tmp = Path(tempfile.mkdtemp(prefix="senim-bench-escalation-"))
    ok = False
    try:
        figures, ok = run(args, tmp)
    finally:
        if ok or not any(tmp.iterdir()):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"logs kept in {tmp}", file=sys.stderr)
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        report(figures)
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
