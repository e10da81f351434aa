#!/usr/bin/env bash
# `make run`: services up, database migrated and seeded, then web + worker + beat in the foreground.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PY=.venv/bin/python
PORT="${WEB_PORT:-8000}"

bash scripts/services.sh start
export PROMETHEUS_MULTIPROC_DIR="$ROOT/.local/prometheus"
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"

$PY manage.py setup_platform
$PY manage.py seed_demo

cat <<BANNER

  CityOS is starting on port $PORT. Ctrl-C stops web, worker and beat.

  API docs (Swagger)     http://localhost:$PORT/api/docs/
  Platform admin         http://localhost:$PORT/django-admin/
  Health / metrics       http://localhost:$PORT/health   http://localhost:$PORT/metrics
  A tenant's store API   http://market.localhost:$PORT/store/products   (header x-publishable-api-key, above)
  A tenant's site        http://market.localhost:$PORT/
  A tenant's CMS         http://market.localhost:$PORT/cms/
  A tenant's admin       http://market.localhost:$PORT/django-admin/

  The demo credentials and keys are listed just above.

BANNER

exec $PY scripts/run_all.py \
  "web=.venv/bin/gunicorn cityos.wsgi:application --bind 0.0.0.0:$PORT --workers ${WEB_WORKERS:-2} --timeout 60" \
  "worker=.venv/bin/celery -A cityos worker --loglevel INFO --concurrency ${WORKER_CONCURRENCY:-2}" \
  "beat=.venv/bin/celery -A cityos beat --loglevel INFO --schedule $ROOT/.local/celerybeat-schedule"
