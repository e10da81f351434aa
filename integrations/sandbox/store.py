"""Persistence and idempotency shared by every sandbox adapter.

All reads and writes go through the `sandbox` connection alias and commit on their own.
`SandboxStore.call()` gives each operation Stripe-style idempotency: the first call with a key
runs and its outcome (result or taxonomy error) is recorded; a later call with the same key and
the same parameters replays that outcome without doing anything again; the same key with other
parameters is refused.
"""
import hashlib
import json
from datetime import datetime, timezone

from django.db import connection, transaction

from cityos.ids import new_id
from integrations import errors
from integrations.models import SandboxCall, SandboxObject

ALIAS = "sandbox"


def _hash(payload) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def now_ts() -> int:
    return int(datetime.now(timezone.utc).timestamp())


def _error_from(record: dict) -> errors.IntegrationError:
    klass = errors.by_name(record["error_class"])
    return klass(record["message"], system=record.get("system"), external_code=record.get("external_code"),
                 external_message=record.get("external_message"), details=record.get("details") or {})


class SandboxStore:
    def __init__(self, system: str):
        self.system = system

    # -- objects ---------------------------------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        return new_id(prefix)

    def put(self, kind: str, object_id: str, data: dict) -> dict:
        """Insert or replace the object, in one statement (`INSERT … ON CONFLICT DO UPDATE`)."""
        SandboxObject.objects.using(ALIAS).bulk_create(
            [SandboxObject(system=self.system, kind=kind, object_id=object_id, data=data,
                           tenant_schema=getattr(connection, "schema_name", ""))],
            update_conflicts=True, unique_fields=["system", "kind", "object_id"],
            update_fields=["data", "tenant_schema", "updated_at"])
        return data

    def next_number(self, kind: str, counter: str) -> int:
        """The next value of a named counter (1, 2, …), atomically, in one statement."""
        table = SandboxObject._meta.db_table
        with connection_for_sandbox().cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {table} AS o (system, kind, object_id, tenant_schema, data, created_at, updated_at)
                    VALUES (%s, %s, %s, '', '{{"current": 1}}'::jsonb, now(), now())
                    ON CONFLICT (system, kind, object_id) DO UPDATE
                    SET data = jsonb_build_object('current', (o.data ->> 'current')::bigint + 1), updated_at = now()
                    RETURNING (data ->> 'current')::bigint""", [self.system, kind, counter])
            return cursor.fetchone()[0]

    def get(self, kind: str, object_id: str) -> dict | None:
        row = SandboxObject.objects.using(ALIAS).filter(system=self.system, kind=kind, object_id=object_id).first()
        return row.data if row else None

    def require(self, kind: str, object_id: str, not_found: type[errors.IntegrationError] = errors.InvalidArgumentError) -> dict:
        data = self.get(kind, object_id)
        if data is None:
            raise not_found(f"No such {kind}: '{object_id}'", system=self.system, external_code="resource_missing")
        return data

    def all(self, kind: str, **data_filters) -> list[dict]:
        """Objects of `kind` whose data has the given values (`all("order", internal_id="k")`)."""
        return self.query(kind, {f"data__{key}": value for key, value in data_filters.items()})

    def query(self, kind: str, lookups: dict) -> list[dict]:
        """Objects of `kind` matching Django lookups on their data (`{"data__item_code__in": [...]}`)."""
        rows = (SandboxObject.objects.using(ALIAS).filter(system=self.system, kind=kind, **lookups)
                .order_by("created_at", "id"))
        return [row.data for row in rows]

    def count(self, kind: str) -> int:
        return SandboxObject.objects.using(ALIAS).filter(system=self.system, kind=kind).count()

    # -- idempotent operations -------------------------------------------------------------------
    def call(self, operation: str, params: dict, run, *, idempotency_key: str | None = None):
        """Run `run()` once per idempotency key; replay its recorded outcome afterwards."""
        request_hash = _hash({"operation": operation, "params": params})
        schema = getattr(connection, "schema_name", "")
        with transaction.atomic(using=ALIAS):
            if idempotency_key:
                # Serialise callers of one key: the first runs, the others wait and replay.
                with connection_for_sandbox().cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{self.system}:{idempotency_key}"])
                first = (SandboxCall.objects.using(ALIAS)
                         .filter(system=self.system, idempotency_key=idempotency_key, replayed=False).first())
            else:
                first = None
            if first is not None:
                if first.request_hash != request_hash:
                    raise errors.InvalidArgumentError(
                        "Keys for idempotent requests can only be used with the same parameters they were "
                        "first used with.", system=self.system, external_code="idempotency_key_in_use")
                SandboxCall.objects.using(ALIAS).create(
                    system=self.system, operation=operation, idempotency_key=idempotency_key,
                    request_hash=request_hash, replayed=True, response=first.response, tenant_schema=schema)
                response = first.response
            else:
                response = self._execute(run)
                SandboxCall.objects.using(ALIAS).create(
                    system=self.system, operation=operation, idempotency_key=idempotency_key or "",
                    request_hash=request_hash, response=response, tenant_schema=schema)
        # Outside the block: what the system did (and the call record) is committed either way.
        if "error" in response:
            raise _error_from(response["error"])
        return response["result"]

    def _execute(self, run) -> dict:
        try:
            return {"result": run()}
        except errors.IntegrationError as exc:
            return {"error": {"error_class": exc.error_class, "message": exc.message, "system": exc.system,
                              "external_code": exc.external_code, "external_message": exc.external_message,
                              "details": exc.details}}

    # -- observation (tests, dashboards) ---------------------------------------------------------
    def calls(self, operation: str | None = None, *, replayed: bool | None = None):
        queryset = SandboxCall.objects.using(ALIAS).filter(system=self.system)
        if operation:
            queryset = queryset.filter(operation=operation)
        if replayed is not None:
            queryset = queryset.filter(replayed=replayed)
        return queryset


def connection_for_sandbox():
    from django.db import connections

    return connections[ALIAS]
