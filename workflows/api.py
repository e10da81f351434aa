"""The workflow admin API (tenant hosts, staff only, scoped to the request's tenant)."""
from django.db import connection
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

import cityos.api.schema  # noqa: F401  (the staff token scheme, for schemas generated without urls_common)
from cityos.api.base import AdminAPIView
from workflows import relay, services
from workflows.models import RELAYABLE, EventOutbox, WorkflowRun
from workflows.serializers import (CancelSerializer, ProcessOutboxSerializer, RelayCountsSerializer,
                                   SignalResultSerializer, SignalSerializer, TriggerResultSerializer,
                                   TriggerSerializer, WorkflowDetailSerializer, WorkflowFilterSerializer,
                                   WorkflowSummarySerializer)

WORKFLOW_ID = OpenApiParameter("workflow_id", str, OpenApiParameter.PATH,
                               description="tenant:{tenant}:{domain}:{entity_id}:{action}")
TAGS = ["workflows"]


def _schema() -> str:
    return connection.schema_name


class TriggerView(AdminAPIView):
    @extend_schema(tags=TAGS, request=TriggerSerializer, responses={200: TriggerResultSerializer,
                                                                    201: TriggerResultSerializer},
                   summary="Start a workflow by type, or by event type through EVENT_WORKFLOW_MAP")
    def post(self, request):
        data = TriggerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        actor = getattr(request.user, "username", None)
        if values.get("workflow_type"):
            started = services.start_workflow(values["workflow_type"], values["input"],
                                              entity_id=values.get("entity_id"), trigger_event="api")
            body = {"runs": [started.run], "event": None, "note": "" if started.created else "run already exists"}
            code = status.HTTP_201_CREATED if started.created else status.HTTP_200_OK
        else:
            triggered = services.trigger_event(values["event_type"], aggregate_type=values["aggregate_type"],
                                               aggregate_id=values["aggregate_id"], payload=values["payload"],
                                               actor_id=actor, actor_role="staff")
            body = {"runs": triggered.runs, "event": triggered.event, "note": triggered.note}
            created = any(run.causation_id == str(triggered.event.id) for run in triggered.runs)
            code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(TriggerResultSerializer(body).data, status=code)


class WorkflowListView(generics.ListAPIView):
    authentication_classes = AdminAPIView.authentication_classes
    permission_classes = AdminAPIView.permission_classes
    serializer_class = WorkflowSummarySerializer
    filter_backends = []

    def get_queryset(self):
        filters = WorkflowFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        runs = WorkflowRun.objects.filter(tenant_schema=_schema()).order_by("-created_at")
        values = filters.validated_data
        if values.get("status"):
            runs = runs.filter(status=values["status"])
        if values.get("type"):
            runs = runs.filter(workflow_type=values["type"])
        if values.get("correlation_id"):
            runs = runs.filter(correlation_id=values["correlation_id"])
        return runs

    @extend_schema(tags=TAGS, parameters=[WorkflowFilterSerializer], summary="List the tenant's workflow runs")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class WorkflowDetailView(AdminAPIView):
    @extend_schema(tags=TAGS, parameters=[WORKFLOW_ID], responses=WorkflowDetailSerializer,
                   summary="A run's status, current step, progress and step history (getWorkflowStatus)")
    def get(self, request, workflow_id):
        return Response(WorkflowDetailSerializer(services.get_run(workflow_id, _schema())).data)


class SignalView(AdminAPIView):
    @extend_schema(tags=TAGS, parameters=[WORKFLOW_ID], request=SignalSerializer,
                   responses={202: SignalResultSerializer}, summary="Send a signal to a run")
    def post(self, request, workflow_id):
        data = SignalSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.signal(workflow_id, data.validated_data["name"], data.validated_data["payload"],
                              tenant_schema=_schema())
        run = services.get_run(workflow_id, _schema())
        return Response(SignalResultSerializer({"signal_id": row.id, "workflow": run}).data,
                        status=status.HTTP_202_ACCEPTED)


class CancelView(AdminAPIView):
    @extend_schema(tags=TAGS, parameters=[WORKFLOW_ID], request=CancelSerializer,
                   responses={202: WorkflowDetailSerializer},
                   summary="Cancel a run: its completed steps are compensated, then it ends cancelled")
    def post(self, request, workflow_id):
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.cancel(workflow_id, data.validated_data["reason"], tenant_schema=_schema())
        return Response(WorkflowDetailSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class ProcessOutboxView(AdminAPIView):
    @extend_schema(tags=["integrations"], request=ProcessOutboxSerializer, responses=RelayCountsSerializer,
                   summary="Relay this tenant's due outbox events now")
    def post(self, request):
        data = ProcessOutboxSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        counts = relay.process_outbox(data.validated_data["batch_size"],
                                      max_batches=data.validated_data["max_batches"], tenant_schema=_schema())
        counts["pending"] = EventOutbox.objects.filter(tenant_schema=_schema(), status__in=RELAYABLE).count()
        return Response(RelayCountsSerializer(counts).data)
