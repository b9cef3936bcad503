#!/usr/bin/env bash
# Online load benchmark (not a test): the app under gunicorn on PostgreSQL, locust clients posting
# receipts with Idempotency-Keys on loopback, then `ledger check` and the receipts-vs-answers count, with
# statements, commits and rows inserted per receipt (gunicorn_counting.py, pg_stat_database) and CPU per receipt.
#   bench/load/run.sh                      # 16 clients, 60 s, 4 workers x 4 threads
#   BENCH_WORKERS=3 BENCH_THREADS=8 bench/load/run.sh
#   LEDGER_GROUP_COMMIT=1 BENCH_DURATION=30s bench/load/run.sh   # with group commit (core/group_commit.py)
set -euo pipefail
cd "$(dirname "$0")/../.."

DB=${BENCH_DB:-ledger_bench}
PORT=${BENCH_PORT:-8765}
USERS=${BENCH_USERS:-16}
DURATION=${BENCH_DURATION:-60s}
WORKERS=${BENCH_WORKERS:-4}
THREADS=${BENCH_THREADS:-4}
OUT=${BENCH_OUT:-$(mktemp -d /tmp/ledger-load.XXXX)}
mkdir -p "$OUT"
export LEDGER_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/$DB"
export LEDGER_SECRET_KEY=load-benchmark
export BENCH_PLAN="$OUT/plan.json" BENCH_KEYS="$OUT/keys.json" BENCH_STATEMENTS="$OUT/statements"

psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
.venv/bin/python bench/load/setup_data.py "$BENCH_PLAN"

.venv/bin/gunicorn -c bench/load/gunicorn_counting.py -w "$WORKERS" -k gthread --threads "$THREADS" \
  -b "127.0.0.1:$PORT" --access-logfile /dev/null --log-level warning 'ledger:create_app()' &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/openapi.json" && break; sleep 0.5; done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/openapi.json" || { echo "gunicorn did not start" >&2; exit 1; }

ticks() {  # CPU clock ticks used so far by the given processes
  local total=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
  done
  echo "$total"
}
app_ticks() { ticks $(pgrep -P "$SERVER"); }
db_ticks() { ticks $(psql -h 127.0.0.1 -U postgres -tAc "SELECT pid FROM pg_stat_activity WHERE datname = '$DB'"); }
db_stats() {  # transactions committed and rows inserted in the bench database so far
  psql -h 127.0.0.1 -U postgres -tAc "SELECT xact_commit || ' ' || tup_inserted FROM pg_stat_database WHERE datname = '$DB'"
}
sleep 1  # pg_stat_database is flushed by each backend at most once a second
read -r COMMITS0 INSERTED0 <<< "$(db_stats)"
APP0=$(app_ticks) DB0=$(db_ticks)
.venv/bin/locust -f bench/load/locustfile.py --headless -u "$USERS" -r "$USERS" -t "$DURATION" \
  --stop-timeout 30 --host "http://127.0.0.1:$PORT" --only-summary --loglevel WARNING
export BENCH_APP_CPU=$(awk -v t=$(( $(app_ticks) - APP0 )) -v hz="$(getconf CLK_TCK)" 'BEGIN {print t / hz}')
export BENCH_DB_CPU=$(awk -v t=$(( $(db_ticks) - DB0 )) -v hz="$(getconf CLK_TCK)" 'BEGIN {print t / hz}')
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
sleep 1
read -r COMMITS1 INSERTED1 <<< "$(db_stats)"
export BENCH_COMMITS=$((COMMITS1 - COMMITS0)) BENCH_INSERTED=$((INSERTED1 - INSERTED0))
export BENCH_STATEMENT_COUNT=$(cat "$BENCH_STATEMENTS".* 2>/dev/null | awk "{ total += \$1 } END { print total + 0 }")
cat "$BENCH_STATEMENTS"-groups.* 2>/dev/null | sed 's/^/group commit, one worker: /' || true

echo "--- $USERS clients, $DURATION, gunicorn $WORKERS workers x $THREADS threads, PostgreSQL $DB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
.venv/bin/python bench/load/summarise.py "$BENCH_KEYS"
.venv/bin/ledger check
