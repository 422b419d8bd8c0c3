#!/usr/bin/env bash
# Serve Chengan for `make run`: the web server, a Celery worker with beat embedded, and
# nothing left behind. Ctrl-C (SIGINT) or SIGTERM stops all of them; so does any one exiting.
#
#   CHENGAN_ADDR         where the web server listens (default 127.0.0.1:8000)
#   CHENGAN_VAR_DIR      database, broker, beat schedule and logs (default ./var)
#   CELERY_CONCURRENCY   worker processes (default 1: SQLite is the default database)
set -euo pipefail

cd "$(dirname "$0")/.."
PY=.venv/bin/python
CELERY=.venv/bin/celery
ADDR=${CHENGAN_ADDR:-127.0.0.1:8000}
export CHENGAN_VAR_DIR=${CHENGAN_VAR_DIR:-$PWD/var}
LOG_DIR=$CHENGAN_VAR_DIR/log
mkdir -p "$LOG_DIR"

# Each child in its own process group, so stopping one also stops what it spawned
# (runserver's autoreloader child, the worker's pool and embedded beat).
set -m
pids=()

stop_all() {
  trap - INT TERM EXIT
  local pid
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  # A warm shutdown lets the worker finish the job in hand; give up after 10 seconds.
  for _ in $(seq 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  echo "Chengan stopped."
}
trap 'stop_all; exit 0' INT
trap 'stop_all; exit 0' TERM
trap stop_all EXIT

"$CELERY" -A portal worker --beat --loglevel INFO \
  --concurrency "${CELERY_CONCURRENCY:-1}" \
  --hostname "chengan@%h" \
  --schedule "$CHENGAN_VAR_DIR/celerybeat-schedule" \
  </dev/null >>"$LOG_DIR/celery.log" 2>&1 &
pids+=($!)

"$PY" manage.py runserver "$ADDR" </dev/null >>"$LOG_DIR/web.log" 2>&1 &
pids+=($!)

stack=$("$PY" -c 'import os; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base"); import django; django.setup(); from django.conf import settings; print(settings.CELERY_BROKER_URL.split("://")[0], settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1])' 2>/dev/null || echo "? ?")
cat <<EOF

  城安 Chengan is running at http://$ADDR/
  database: ${stack#* }   broker: ${stack%% *}
  demo accounts: office, auditor, zhujian, zhujian-lead, yingji, yingji-lead, houzhen, admin
                 password chengan-demo-2026
  logs: $LOG_DIR/web.log, $LOG_DIR/celery.log
  Ctrl-C stops the web server, the worker and beat.

EOF

# Follow both logs on the terminal until a process exits or a signal arrives.
tail -n 0 -F "$LOG_DIR/web.log" "$LOG_DIR/celery.log" </dev/null &
pids+=($!)

status=0
wait -n "${pids[@]}" || status=$?
echo "A Chengan process exited (status $status); stopping the others." >&2
# Nothing should end on its own: even a clean exit of one process is a failure of the whole.
exit $((status == 0 ? 1 : status))
