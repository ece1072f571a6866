#!/usr/bin/env bash
# The main job on the embedded default (SQLite + local files, nothing to start): generate a
# carrier, import it, explain and audit the story's customer, train the models, decide a
# campaign with briefs, prove the campaign's call list clean, explain and brief the story's
# customer as the campaign decided him, work the day's calls in the simulated call centre, pace a
# predictive dialler, and measure the policy against the synthetic truth.
# Called by `make demo`.
set -euo pipefail
DIR="${1:-.demo}"
CUSTOMERS="${GOODCALL_DEMO_CUSTOMERS:-100000}"
EVAL_CUSTOMERS="${GOODCALL_DEMO_EVAL_CUSTOMERS:-100000}"
AT="2026-11-20T10:00:00-05:00"   # the synthetic carrier's "today", 10:00 in Montreal
GC=".venv/bin/goodcall"
mkdir -p "$DIR"
export GOODCALL_DB_URL="sqlite:///$DIR/goodcall.db"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. A synthetic carrier of $CUSTOMERS customers"
"$GC" synth --customers "$CUSTOMERS" --seed 7 --out "$DIR/carrier" --overwrite

step "2. Import it into the embedded store ($GOODCALL_DB_URL)"
"$GC" import "$DIR/carrier" --replace

step "3. What the store holds"
"$GC" summary

step "4. The story's customer at 19:05, before any model is trained: what the core would do on the catalog's priors alone, every offer and channel with the rule that decided"
"$GC" explain C-SEED-0001 --at "2026-11-20T19:05:00-05:00" --no-plan  # no plan, even on a re-run

step "5. The story's call list, audited: every blunder is found (exit status 1 expected)"
set +e
"$GC" audit examples/story-call-list.csv --at "$AT"
status=$?
set -e
[ "$status" -eq 1 ] || { echo "audit should have found the story's blunders (exit $status)"; exit 1; }

step "6. Train uplift and annoyance models on the contact history"
"$GC" models train --at "$AT" --out "$DIR/models" --overwrite

step "7. Decide today's campaign: who, what, which channel, when — or no contact"
"$GC" campaign run --name FETES-2026-11-20 --at "$AT" --models "$DIR/models" \
  --calls-per-day 1500 --out "$DIR/campaign" --overwrite

step "8. The campaign's own call list passes the audit"
"$GC" audit "$DIR/campaign/call_list.csv" --at "$AT"

step "9. The story's customer as the campaign decided him (the latest plan in the store: its prices and models), and the agent's brief of that decision — or why there is no call"
"$GC" explain C-SEED-0001 --at "$AT"
"$GC" brief C-SEED-0001 --at "$AT"

step "10. Today's calls worked in the simulated call centre: agents dial in the policy's mode (preview), customers answer and respond as the synthetic truth says, every outcome recorded in the store"
"$GC" simulate day --campaign "$DIR/campaign" --agents 25 --truth-seed 7

step "11. Pacing for a predictive dialler: mode and dial level for 10 agents, from simulated days, with Erlang beside"
"$GC" pace --agents 10 --aht 180 --hours 2 --days 2 --svg "$DIR/pace.svg"

step "12. Value captured against the ground truth ($EVAL_CUSTOMERS-customer carrier)"
"$GC" evaluate synthetic --customers "$EVAL_CUSTOMERS" --seed 0 --calls-per-day 1500

printf '\nOutputs in %s: carrier/, goodcall.db, models/, campaign/ (decisions.parquet, call_list.csv, briefs.jsonl, report.json), pace.svg\n' "$DIR"
