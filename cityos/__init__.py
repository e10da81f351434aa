"""CityOS project package: settings, URLs, the Celery app and the cross-cutting pieces."""
import os
from pathlib import Path

# prometheus_client reads this before it is first imported: web and worker processes on one
# host write their samples under the same folder so /metrics can add them up.
_metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", str(Path(__file__).resolve().parent.parent / ".local" / "prometheus")
)
os.makedirs(_metrics_dir, exist_ok=True)

from cityos.celery import app as celery_app  # noqa: E402

__all__ = ["celery_app"]
