#!/usr/bin/env bash
# Time the nightly scores on the bench database with N Celery worker processes (Redis db 5).
# (DATABASE_URL, REDIS_URL may be set; the Redis database is flushed.) Usage: bench_workers.sh N NIGHT
set -u
N=$1; NIGHT=$2
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/crm_bench_analytics} REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/5} SECRET_KEY=bench-only-not-secret DEBUG=false
redis-cli -u "$REDIS_URL" flushdb >/dev/null
.venv/bin/celery -A crm_site worker --concurrency=$N --loglevel=WARNING --without-gossip --without-mingle --without-heartbeat -n analytics-bench@%h > /tmp/analytics_worker_$N.log 2>&1 &
WORKER=$!
sleep 8
kill -0 $WORKER || { echo "worker did not start"; tail -5 /tmp/analytics_worker_$N.log; exit 1; }
/usr/bin/time -v -o /tmp/analytics_runjob_$N.time .venv/bin/python manage.py run_job scores --date $NIGHT --timeout 1500 > /tmp/analytics_runjob_$N.log 2>&1
kill -TERM $WORKER
wait $WORKER
grep -h "wall\|seconds\|churn" /tmp/analytics_runjob_$N.log
grep -h "Maximum resident" /tmp/analytics_runjob_$N.time
