"""Ingest benchmark: posts through the HTTP API vs a bare one-insert endpoint of the same app.

Starts `senim serve`-equivalent uvicorn on a fresh SQLite database (a separate process), then a separate
load process sends, for a fixed time each:
  1. POST /api/v1/posts as a signed-in user (the post stored, its audit record written, the
     detection.scan job queued — one transaction), and
  2. POST /bench/bare — a route added to the same app that inserts one row into the same database.
It prints posts/s, p50/p99 latency and the ratio of the two throughputs. Not part of the test suite.

    .venv/bin/python bench/ingest.py [--seconds 10] [--concurrency 8] [--database-url sqlite:///…]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(database_url: str, port: int) -> None:
    """The server process: the real app plus one bare route, no in-process worker."""
    os.environ["SENIM_DATABASE_URL"] = database_url
    os.environ["SENIM_EMBEDDED_WORKER"] = "false"
    import uvicorn
    from sqlalchemy import text

    from senim.app import create_app
    from senim.config import get_settings
    from senim.demo import load_demo
    from senim.migrations import upgrade

    settings = get_settings()
    upgrade(database_url)
    app = create_app(settings, worker=False)
    db = app.state.db
    with db.transaction() as session:
        session.execute(text("CREATE TABLE IF NOT EXISTS bench_probe (id INTEGER PRIMARY KEY, body TEXT)"))
        load_demo(session, only_if_empty=True)

    @app.post("/bench/bare", include_in_schema=False)
    def bare() -> dict[str, bool]:
        with db.transaction() as session:
            session.execute(text("INSERT INTO bench_probe (body) VALUES (:b)"), {"b": "x" * 200})
        return {"ok": True}

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def load(base: str, path: str, seconds: float, concurrency: int, out: mp.Queue) -> None:  # type: ignore[type-arg]
    """The load process: ``concurrency`` client threads, each with its own signed-in session."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(n: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            r = client.post("/api/v1/session", json={"username": "aigerim", "password": "senim-demo-2026"})
            r.raise_for_status()
            mine: list[float] = []
            i = 0
            while time.perf_counter() < deadline:
                body = {"body": f"Бенчмарк жазбасы {n}-{i}: Алматыда күн ашық, тауда қар жауды."}
                t0 = time.perf_counter()
                resp = client.post(path, json=body)
                mine.append(time.perf_counter() - t0)
                if resp.status_code >= 400:
                    with lock:
                        errors[0] += 1
                i += 1
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put({"latencies": latencies, "errors": errors[0], "seconds": seconds})


def measure(base: str, path: str, seconds: float, concurrency: int) -> dict[str, float]:
    out: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    proc = mp.Process(target=load, args=(base, path, seconds, concurrency, out))
    proc.start()
    result = out.get()
    proc.join()
    lat = sorted(result["latencies"])
    n = len(lat)
    return {
        "requests": n,
        "errors": result["errors"],
        "per_second": n / result["seconds"],
        "p50_ms": statistics.median(lat) * 1000 if lat else 0.0,
        "p99_ms": lat[min(n - 1, int(n * 0.99))] * 1000 if lat else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="senim-bench-")
    database_url = args.database_url or f"sqlite:///{tmp}/bench.db"
    port = free_port()
    ctx = mp.get_context("spawn")
    server = ctx.Process(target=serve, args=(database_url, port), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/api/v1/documents/user_agreement", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    else:
        server.terminate()
        raise SystemExit("the server did not start")
    try:
        measure(base, "/api/v1/posts", 1.0, 2)  # warm-up
        posts = measure(base, "/api/v1/posts", args.seconds, args.concurrency)
        bare = measure(base, "/bench/bare", args.seconds, args.concurrency)
    finally:
        server.terminate()
        server.join(5)
    ratio = posts["per_second"] / bare["per_second"] if bare["per_second"] else 0.0
    figures = {
        "database": database_url.split(":")[0],
        "concurrency": args.concurrency,
        "posts": posts,
        "bare": bare,
        "ratio": ratio,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"database {figures['database']}, {args.concurrency} client threads, {args.seconds:.0f} s each")
    for name, f in (("posts (API)", posts), ("bare insert", bare)):
        print(
            f"{name:<12} {f['per_second']:8.1f} req/s   p50 {f['p50_ms']:7.1f} ms   p99 {f['p99_ms']:7.1f} ms"
            f"   ({f['requests']} requests, {f['errors']} errors)"
        )
    print(f"ratio posts/bare: {ratio:.2f}")


if __name__ == "__main__":
    mp.set_start_method("spawn", force=True)
    main()
