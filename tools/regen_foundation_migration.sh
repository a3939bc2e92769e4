#!/usr/bin/env bash
# Until the first release, the schema is one migration, regenerated from the models. After the first
# release this script is retired and every change gets its own migration (make migration m="...").
set -euo pipefail
cd "$(dirname "$0")/.."
# Two people regenerating at once would each delete the other's file: take turns.
exec 9>/tmp/senim-regen-migration.lock
flock 9
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -f src/senim/migrations/versions/*_foundation.py
SENIM_DATABASE_URL="sqlite:///$tmp/empty.db" .venv/bin/alembic revision --autogenerate --rev-id 0001 -m foundation >/dev/null
f=$(ls src/senim/migrations/versions/*_foundation.py)
sed -i 's/astext_type=Text()/astext_type=sa.Text()/g; /^# ### .*###$/d; s/^    # ### commands auto generated.*$//' "$f"
.venv/bin/ruff format -q "$f"
.venv/bin/ruff check -q --fix "$f" || true
echo "$f"
