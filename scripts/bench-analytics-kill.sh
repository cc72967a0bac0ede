#!/usr/bin/env bash
# Kill the worker's pool process (SIGKILL) in the middle of the scores job; the job must still finish with one
# row per customer (acks_late + reject_on_worker_lost: the lost chunk is redelivered and replaces its range).
set -u
NIGHT=$1
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/crm_bench_analytics} REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/5} SECRET_KEY=bench-only-not-secret DEBUG=false
redis-cli -u "$REDIS_URL" flushdb >/dev/null
.venv/bin/celery -A crm_site worker --concurrency=1 --loglevel=INFO --without-gossip --without-mingle --without-heartbeat -n analytics-kill@%h > /tmp/analytics_worker_kill.log 2>&1 &
WORKER=$!
sleep 8
.venv/bin/python manage.py run_job scores --date $NIGHT --timeout 1500 > /tmp/analytics_runjob_kill.log 2>&1 &
JOB=$!
PSQL="psql ${DATABASE_URL} -Atc"
until [ "$($PSQL "select coalesce(max(chunks_done),0) from analytics_jobrun where status='running' and night='$NIGHT'")" -ge 3 ]; do sleep 1; done
sleep 2  # into the fourth chunk
CHILD=$(pgrep -P $WORKER | head -1)
echo "killing pool process $CHILD of worker $WORKER at $($PSQL "select chunks_done from analytics_jobrun where status='running'") chunks done"
kill -KILL $CHILD
wait $JOB
kill -TERM $WORKER; wait $WORKER
cat /tmp/analytics_runjob_kill.log | grep -v thresholds | head -3
grep -c "WorkerLostError\|Process .* exited" /tmp/analytics_worker_kill.log
$PSQL "select count(*), count(distinct customer_id) from analytics_customerscore where night='$NIGHT'"
$PSQL "select count(*) from customers_customer"
