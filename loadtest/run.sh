#!/usr/bin/env bash
# The HTTP load benchmark, one command: gunicorn (2 sync workers) on the bench database on loopback, locust with a
# bounded number of users, per-user rate and time, then docs/performance.md (requests/s, p50/p95/p99 per page,
# errors, worker memory).
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench loadtest/run.sh
#   Variables: USERS=8 SPAWN_RATE=4 DURATION=5m (the persona mix) LIST_DURATION=1m (then the customer list alone,
#   0 to skip) USER_RPS=20 (per simulated user, at most) PORT=8765 REPORT=docs/performance.md
#   FLOOR=path of a text file with the floor measured in the same run (../shared/floor), quoted in the report.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the bench database (manage.py seed_bench)}"
VENV=${VENV:-.venv}
PY=$VENV/bin/python
USERS=${USERS:-8}
SPAWN_RATE=${SPAWN_RATE:-4}
DURATION=${DURATION:-5m}
USER_RPS=${USER_RPS:-20}
PORT=${PORT:-8765}
LIST_DURATION=${LIST_DURATION:-1m}
REPORT=${REPORT:-docs/performance.md}
export DEBUG=false CRM_TESTING=false MANIFEST_STATIC=false CONN_MAX_AGE=${CONN_MAX_AGE:-60}
export SECRET_KEY=${SECRET_KEY:-$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')}
OUT=$(mktemp -d /tmp/crm_loadtest.XXXXXX)

$PY loadtest/inputs.py "$OUT/inputs.json"
"$VENV/bin/gunicorn" crm_site.wsgi -w 2 -k sync -b "127.0.0.1:$PORT" --timeout 30 \
    --access-logfile "$OUT/access.log" --error-logfile "$OUT/gunicorn.log" --log-level warning &
GPID=$!
SPID=""
cleanup() {
    [ -n "$SPID" ] && kill "$SPID" 2>/dev/null || true
    kill "$GPID" 2>/dev/null || true
    wait "$GPID" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz/" && break; sleep 0.2; done

# Worker memory every 5 seconds (RSS in KiB of each worker, the master's children).
(while kill -0 "$GPID" 2>/dev/null; do ps -o rss= --ppid "$GPID" | tr '\n' ' ' >>"$OUT/rss.txt"; echo >>"$OUT/rss.txt"; sleep 5; done) &
SPID=$!

run_locust() {  # mix duration
    LOADTEST_INPUTS="$OUT/inputs.json" LOADTEST_USER_RPS="$USER_RPS" LOADTEST_MIX="$1" \
        "$VENV/bin/locust" -f loadtest/locustfile.py --headless -u "$USERS" -r "$SPAWN_RATE" -t "$2" \
        --host "http://127.0.0.1:$PORT" --csv "$OUT/$1" --only-summary --stop-timeout 10 --loglevel WARNING \
        >"$OUT/$1.out" 2>&1 || true
}
run_locust personas "$DURATION"
if [ "$LIST_DURATION" != "0" ]; then run_locust list "$LIST_DURATION"; fi

$PY loadtest/report.py "$OUT" --users "$USERS" --duration "$DURATION" --list-duration "$LIST_DURATION" \
    --user-rps "$USER_RPS" --floor "${FLOOR:-}" >"$REPORT"
echo "report: $REPORT (raw: $OUT)"
