"""Prometheus metrics at /metrics.

Web and worker processes write their samples into PROMETHEUS_MULTIPROC_DIR (set in
`cityos/__init__.py`) and the view adds them up, so workflow counters recorded by Celery workers
show beside the request metrics. Figures that are cheaper to read from the database at scrape
time (outbox backlog, …) are added by collectors registered with `register_collector`.
"""
import time

from django.http import HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess

REQUESTS = Counter(
    "cityos_http_requests_total", "HTTP requests answered", ["method", "route", "tenant", "status"],
)
LATENCY = Histogram(
    "cityos_http_request_duration_seconds", "HTTP request latency", ["route", "tenant"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

_scrape_collectors = []


def register_collector(collector) -> None:
    """Add a collector whose `collect()` is evaluated on every scrape (in the web process)."""
    if collector not in _scrape_collectors:
        _scrape_collectors.append(collector)


def _route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    route = match.route or ""
    if not route or "(?" in route:  # regex routes (Wagtail's page serving) are named by their view
        return match.view_name or "unknown"
    return "/" + route.lstrip("^")


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        if request.path != "/metrics":
            route = _route_of(request)
            tenant = getattr(getattr(request, "tenant", None), "slug", None) or "none"
            REQUESTS.labels(request.method, route, tenant, str(response.status_code)).inc()
            LATENCY.labels(route, tenant).observe(time.perf_counter() - started)
        return response


def metrics_view(request):
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    for collector in _scrape_collectors:
        registry.register(collector)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
