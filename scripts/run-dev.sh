#!/usr/bin/env bash
# Starts web (HOST:PORT, default 127.0.0.1:8000), one Celery worker and beat;
# Ctrl-C stops all three.
# Without DATABASE_URL / REDIS_URL this is SQLite plus kombu's filesystem
# broker under var/, so nothing else needs to be running.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
# Links in emails point at this server unless SITE_URL says otherwise; migrate
# (a no-op when up to date) writes it into the Sites row.
export SITE_URL="${SITE_URL:-http://${HOST}:${PORT}}"
mkdir -p var/log

$PY manage.py migrate --noinput -v 0

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping web, worker and beat..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  # Give each a moment for a warm shutdown, then make sure nothing is left.
  for _ in $(seq 20); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

$PY -m celery -A mentorship worker --loglevel INFO --concurrency 2 >var/log/worker.log 2>&1 &
pids+=($!)
$PY -m celery -A mentorship beat --loglevel INFO --pidfile= \
  --scheduler django_celery_beat.schedulers:DatabaseScheduler >var/log/beat.log 2>&1 &
pids+=($!)
echo "Worker and beat started (logs in var/log/worker.log and var/log/beat.log)."
$PY manage.py demo_logins
echo "Open http://${HOST}:${PORT}/  (Ctrl-C stops web, worker and beat)"
# In the foreground: background jobs of a script ignore SIGINT, so Ctrl-C
# must reach the web server directly; the EXIT trap then stops worker and beat.
$PY manage.py runserver "${HOST}:${PORT}" --noreload
