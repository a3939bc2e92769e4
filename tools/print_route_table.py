"""Print the route table as the app declares it, to review and paste into tests/core/route_table.py.

Run: .venv/bin/python tools/print_route_table.py > /tmp/table.py
The test suite compares the app with the reviewed table; this only helps write it.
"""

from __future__ import annotations

import os

os.environ.setdefault("SENIM_MODE", "test")


from senim.app import api_routes, create_app
from senim.config import Settings
from senim.web.auth import Require


def main() -> None:
    app = create_app(Settings(embedded_worker=False, database_url="sqlite://"), worker=False)
    rows = []
    for route in api_routes(app):
        perm = None
        stack = list(route.dependant.dependencies)
        while stack:
            dep = stack.pop()
            if isinstance(dep.call, Require):
                perm = dep.call.perm
                break
            stack.extend(dep.dependencies)
        for method in sorted(route.methods - {"HEAD"}):
            rows.append((route.path, method, perm.name if perm else "MISSING"))
    print("ROUTES: dict[tuple[str, str], Perm] = {")
    for path, method, perm in sorted(rows):
        print(f'    ("{method}", "{path}"): Perm.{perm},')
    print("}")


if __name__ == "__main__":
    main()
