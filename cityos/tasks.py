"""The base task that carries the tenant, and the fan-out that runs a job for every tenant."""
import logging

from celery import Task, shared_task
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context

from cityos import logging as log_context

logger = logging.getLogger(__name__)

TENANT_HEADER = "cityos_tenant_schema"
CORRELATION_HEADER = "cityos_correlation_id"


class TenantTask(Task):
    """Runs inside the schema of the tenant that enqueued it.

    The schema travels as a message header, taken from the connection at enqueue time unless
    the caller passes `headers={TENANT_HEADER: ...}` explicitly.
    """

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, link=None,
                    link_error=None, shadow=None, **options):
        headers = dict(options.pop("headers", None) or {})
        headers.setdefault(TENANT_HEADER, getattr(connection, "schema_name", get_public_schema_name()))
        correlation_id = log_context.correlation_id()
        if correlation_id:
            headers.setdefault(CORRELATION_HEADER, correlation_id)
        options["headers"] = headers
        return super().apply_async(args, kwargs, task_id, producer, link, link_error, shadow, **options)

    def _header(self, name):
        value = getattr(self.request, name, None)
        if value is None and isinstance(self.request.headers, dict):
            value = self.request.headers.get(name)
        return value

    def __call__(self, *args, **kwargs):
        schema = self._header(TENANT_HEADER) or get_public_schema_name()
        with schema_context(schema), log_context.bound(
            tenant_schema=schema, correlation_id=self._header(CORRELATION_HEADER), task=self.name
        ):
            return super().__call__(*args, **kwargs)


def active_tenant_schemas() -> list[str]:
    from tenants.models import Tenant

    with schema_context(get_public_schema_name()):
        return list(Tenant.objects.serving().values_list("schema_name", flat=True))


def enqueue_for_tenant(task, schema_name: str, *args, **kwargs):
    return task.apply_async(args=args, kwargs=kwargs, headers={TENANT_HEADER: schema_name})


@shared_task(name="cityos.fan_out")
def fan_out(task_name: str, kwargs: dict | None = None) -> int:
    """Enqueue `task_name` once per active tenant, each inside its own schema (beat uses this)."""
    from cityos.celery import app

    task = app.tasks[task_name]
    schemas = active_tenant_schemas()
    for schema in schemas:
        enqueue_for_tenant(task, schema, **(kwargs or {}))
    logger.info("fanned out %s to %d tenants", task_name, len(schemas))
    return len(schemas)


@shared_task(name="cityos.probe", ignore_result=False)
def probe() -> dict:
    """Report where the task ran: the schema, tenant and correlation id it saw, the worker process
    and its database session (diagnostics, tests)."""
    import os

    context = log_context.current()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend_pid = cursor.fetchone()[0]
    return {
        "schema": connection.schema_name,
        "correlation_id": context.get("correlation_id"),
        "pid": os.getpid(),
        "db_backend_pid": backend_pid,
    }
