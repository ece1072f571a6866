#!/usr/bin/env bash
# `make serve`: the service and the agent's page on the demo's store (run `make demo` first), its
# clock at the demo's morning (the synthetic carrier's "today"), with three demo accounts.
set -euo pipefail
DIR="${1:-.demo}"
PORT="${GOODCALL_SERVE_PORT:-8000}"
AT="2026-11-20T10:00:00-05:00"
GC=".venv/bin/goodcall"
DB="sqlite:///$DIR/goodcall.db"
[ -f "$DIR/goodcall.db" ] || { echo "no demo store in $DIR: run 'make demo' first"; exit 2; }

account() {  # user role password: added once (a second run finds them there)
  if ! out=$(GOODCALL_USER_PASSWORD="$3" "$GC" users add "$1" --role "$2" --ui fr --db "$DB" 2>&1); then
    case "$out" in *"already exists"*) ;; *) echo "$out"; exit 2 ;; esac
  fi
}
account agent agent demo-agent-2026
account analyst analyst demo-analyst-2026
account admin admin demo-admin-2026

cat <<TEXT

  goodcall serve on the demo store ($DB), clock starting at $AT
  agent's page:  http://127.0.0.1:$PORT/agent      (agent / demo-agent-2026)
  supervisor:    http://127.0.0.1:$PORT/campaigns  (analyst / demo-analyst-2026, admin / demo-admin-2026)
  API and docs:  http://127.0.0.1:$PORT/docs       (API keys: goodcall users add NAME --role ROLE)

TEXT
GOODCALL_SERVE_CAMPAIGNS_DIR="$DIR/campaigns" GOODCALL_SERVE_CAMPAIGN_MODELS="$DIR/models" exec "$GC" serve --db "$DB" --port "$PORT" --workers 2 --at "$AT"
