"""Integration operations for tenant staff (`/admin/api/integrations/…` on a tenant's host).

Everything is scoped to the request's tenant: its sync entries, its webhooks, its outbox backlog.
Adapter health and circuit states are platform-wide (one Stripe, one ERPNext, …).
"""
import inspect

from django.db import connection
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from cityos.api.authentication import STAFF_AUTHENTICATION
from cityos.api.base import AdminAPIView
from cityos.api.permissions import IsTenantStaff
from cityos.errors import Conflict, InvalidInput, NotFound
from integrations import errors, registry, sync
from integrations.models import SyncEntry
from integrations.sandbox.webhooks import deliver_pending
from integrations.serializers import (DashboardSerializer, DecisionSerializer, DeliverySerializer, HealthSerializer,
                                      RetryRequestSerializer, RetryResultSerializer, SyncEntrySerializer,
                                      SyncRequestSerializer, SyncResultSerializer, VerificationSerializer)
from integrations.tenancy import TENANT_KEY, current_slug

TAGS = ["integrations"]


def _system(name: str) -> str:
    if name not in registry.SYSTEMS:
        raise NotFound(f"No external system {name!r}; expected one of {', '.join(registry.SYSTEMS)}.",
                       code="unknown_system")
    return name


class IntegrationHealthView(AdminAPIView):
    @extend_schema(tags=TAGS, summary="Each adapter: live or sandbox, healthy or not, its circuit",
                   responses=HealthSerializer)
    def get(self, request):
        report = registry.health_report()
        systems = [{"system": system, **entry} for system, entry in report.items()]
        status = "ok" if all(entry.get("healthy") for entry in systems) else "degraded"
        return Response(HealthSerializer({"status": status, "systems": systems}).data)


class IntegrationDashboardView(AdminAPIView):
    @extend_schema(tags=TAGS, summary="Per-system sync counts, failed syncs, circuits and the outbox backlog",
                   responses=DashboardSerializer)
    def get(self, request):
        return Response(DashboardSerializer(sync.dashboard(connection.schema_name)).data)


class RetryFailedView(AdminAPIView):
    @extend_schema(tags=TAGS, summary="Retry this tenant's failed syncs now", request=RetryRequestSerializer,
                   responses=RetryResultSerializer)
    def post(self, request):
        params = RetryRequestSerializer(data=request.data or {})
        params.is_valid(raise_exception=True)
        counts = sync.retry_failed(system=params.validated_data.get("system"), tenant_schema=connection.schema_name,
                                   limit=params.validated_data["limit"])
        return Response(RetryResultSerializer(counts).data)


def _check_payload(system: str, entity_type: str, data: dict) -> None:
    adapter = registry.get(system)
    operation = adapter.SYNC_OPERATIONS.get(entity_type)
    if operation is None:
        raise InvalidInput(f"{system} cannot sync a {entity_type!r}.", code="unsupported_entity_type",
                           fields={"entity_type": [f"Expected one of: {', '.join(sorted(adapter.SYNC_OPERATIONS))}."]})
    try:
        inspect.signature(getattr(adapter, operation)).bind(**data, idempotency_key="check")
    except TypeError as exc:
        raise InvalidInput(f"The data does not fit {system}.{operation}: {exc}.", code="invalid_sync_payload",
                           fields={"data": [str(exc)]}) from None


class SyncNowView(AdminAPIView):
    @extend_schema(tags=TAGS, summary="Push one entity to an external system now (tracked, de-duplicated)",
                   request=SyncRequestSerializer, responses=SyncResultSerializer)
    def post(self, request, system: str):
        system = _system(system)
        params = SyncRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        _check_payload(system, data["entity_type"], data["data"])
        entry = sync.request_sync(system, data["entity_type"], data["entity_id"], data["data"],
                                  direction=data["direction"])
        return Response(SyncResultSerializer(entry).data)


class SyncEntryListView(generics.ListAPIView):
    """This tenant's sync entries, newest first; filter with `?system=&status=&entity_type=&direction=`."""

    authentication_classes = STAFF_AUTHENTICATION
    permission_classes = [IsTenantStaff]
    serializer_class = SyncEntrySerializer
    filterset_fields = ["system", "status", "entity_type", "direction", "entity_id"]

    def get_queryset(self):
        return SyncEntry.objects.filter(tenant_schema=connection.schema_name).order_by("-created_at")

    @extend_schema(tags=TAGS, summary="List sync entries")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _sandbox(system: str):
    if registry.mode(system) != "sandbox":
        raise Conflict(f"{system} is connected to the real system; sandbox controls are off.", code="not_sandbox")
    return registry.get(system)


class KycDecisionView(AdminAPIView):
    @extend_schema(tags=TAGS, summary="Sandbox Walt.id: approve or reject a verification session",
                   parameters=[OpenApiParameter("decision", str, OpenApiParameter.PATH, enum=["approve", "reject"])],
                   request=DecisionSerializer, responses=VerificationSerializer)
    def post(self, request, session_id: str, decision: str):
        if decision not in ("approve", "reject"):
            raise NotFound("The decision is approve or reject.", code="unknown_decision")
        params = DecisionSerializer(data=request.data or {})
        params.is_valid(raise_exception=True)
        adapter = _sandbox("waltid")
        session = adapter.store.get("session", session_id)
        if session is None or session["context"].get("tenant") != current_slug():
            raise NotFound(f"No verification session {session_id!r} in this tenant.", code="session_not_found")
        result = adapter.decide(session_id, approve=decision == "approve",
                                reason=params.validated_data.get("reason") or "expired")
        return Response(VerificationSerializer(result).data)


class DeliveryControlView(AdminAPIView):
    @extend_schema(tags=TAGS, summary="Sandbox Fleetbase: move a delivery one step along, or fail it",
                   parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=["advance", "fail"])],
                   request=DecisionSerializer, responses=DeliverySerializer)
    def post(self, request, order_id: str, action: str):
        if action not in ("advance", "fail"):
            raise NotFound("The action is advance or fail.", code="unknown_action")
        params = DecisionSerializer(data=request.data or {})
        params.is_valid(raise_exception=True)
        adapter = _sandbox("fleetbase")
        order = adapter.store.get("order", order_id)
        if order is None or (order.get("meta") or {}).get(TENANT_KEY) != current_slug():
            raise NotFound(f"No delivery order {order_id!r} in this tenant.", code="order_not_found")
        try:
            if action == "advance":
                order = adapter.advance(order_id)
            else:
                order = adapter.fail(order_id, params.validated_data.get("reason") or "recipient_unavailable")
        except errors.IntegrationError as exc:
            raise Conflict(exc.message, code=exc.external_code or "invalid_state") from None
        deliver_pending(system="fleetbase")
        return Response(DeliverySerializer(adapter.get_tracking_status(order["id"])).data)
