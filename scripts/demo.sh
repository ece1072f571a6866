#!/usr/bin/env bash
# The main job on the embedded default (SQLite + local files): generate a carrier, import it,
# and show what goodcall knows about it. Called by `make demo`.
set -euo pipefail
DIR="${1:-.demo}"
CUSTOMERS="${GOODCALL_DEMO_CUSTOMERS:-100000}"
GC=".venv/bin/goodcall"
mkdir -p "$DIR"
export GOODCALL_DB_URL="sqlite:///$DIR/goodcall.db"

echo "== 1. A synthetic carrier of $CUSTOMERS customers"
"$GC" synth --customers "$CUSTOMERS" --seed 7 --out "$DIR/carrier" --overwrite

echo "== 2. Import it into the embedded store ($GOODCALL_DB_URL)"
"$GC" import "$DIR/carrier" --replace

echo "== 3. What the store holds"
"$GC" summary
