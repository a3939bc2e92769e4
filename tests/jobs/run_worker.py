"""A worker process for the scale-out tests: ``python run_worker.py <database-url> <name> <lease-seconds>``.

Runs ``Worker.run_forever`` (which stops on SIGTERM) with the ``test.*`` handlers, and prints ``ready``
once it listens for new jobs.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from senim.config import Mode, Settings
from senim.db import Database
from senim.jobs.worker import Worker
from tests.jobs.handlers import handlers_for


def main() -> None:
    url, name, lease = sys.argv[1], sys.argv[2], int(sys.argv[3])
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    settings = Settings(mode=Mode.test, database_url=url, job_lease_seconds=lease, embedded_worker=False)
    db = Database(url)
    worker = Worker(db, settings, name=name, handlers=handlers_for(), poll_seconds=0.5)

    def announce() -> None:
        worker._ready.wait()
        print("ready", flush=True)

    threading.Thread(target=announce, daemon=True).start()
    worker.run_forever()
    db.dispose()


if __name__ == "__main__":
    main()
