"""Request and response shapes of the workflow admin API."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflows.models import EventOutbox, RunStatus, StepRun, WorkflowRun


class StepRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = StepRun
        fields = ["step", "position", "kind", "attempt", "status", "idempotency_key", "system", "generation",
                  "started_at", "finished_at", "duration_ms", "error_class", "error_message", "retryable",
                  "next_attempt_at", "result"]


class WaitingForSerializer(serializers.Serializer):
    signals = serializers.ListField(child=serializers.CharField(), help_text="empty for a timer")
    key = serializers.CharField()
    deadline = serializers.DateTimeField(allow_null=True)


class WorkflowSummarySerializer(serializers.ModelSerializer):
    """The seeds' getWorkflowStatus query result."""

    current_state = serializers.CharField(source="status", read_only=True)
    current_step_number = serializers.SerializerMethodField()
    progress_percentage = serializers.IntegerField(read_only=True)
    last_activity_at = serializers.DateTimeField(source="updated_at", read_only=True)
    waiting_for = serializers.SerializerMethodField()

    class Meta:
        model = WorkflowRun
        fields = ["workflow_id", "workflow_type", "tenant_id", "status", "current_state", "current_step",
                  "current_step_number", "total_steps", "progress_percentage", "waiting_for", "trigger_event",
                  "correlation_id", "error", "created_at", "started_at", "last_activity_at", "finished_at"]

    @extend_schema_field(OpenApiTypes.INT)
    def get_current_step_number(self, run) -> int:
        return min(run.step_index + 1, run.total_steps) if run.total_steps else 0

    @extend_schema_field(WaitingForSerializer(allow_null=True))
    def get_waiting_for(self, run):
        if run.status != RunStatus.WAITING:
            return None
        return {"signals": run.wait_signals, "key": run.wait_key,
                "deadline": run.wake_at.isoformat() if run.wake_at else None}


class WorkflowDetailSerializer(WorkflowSummarySerializer):
    steps = serializers.SerializerMethodField()

    class Meta(WorkflowSummarySerializer.Meta):
        fields = WorkflowSummarySerializer.Meta.fields + [
            "causation_id", "input", "state", "result", "generation", "history", "cancel_requested", "wake_at",
            "steps"]

    @extend_schema_field(StepRunSerializer(many=True))
    def get_steps(self, run):
        return StepRunSerializer(run.steps.order_by("id"), many=True).data


class WorkflowFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RunStatus.choices, required=False)
    type = serializers.CharField(required=False, max_length=80)
    correlation_id = serializers.CharField(required=False, max_length=128)


class TriggerSerializer(serializers.Serializer):
    """Either a workflow type (with its entity and input), or an event through EVENT_WORKFLOW_MAP."""

    workflow_type = serializers.CharField(required=False, max_length=80)
    entity_id = serializers.CharField(required=False, max_length=160)
    input = serializers.DictField(required=False, default=dict)
    event_type = serializers.CharField(required=False, max_length=100)
    aggregate_type = serializers.CharField(required=False, max_length=60)
    aggregate_id = serializers.CharField(required=False, max_length=64)
    payload = serializers.DictField(required=False, default=dict)

    def validate(self, data):
        by_type, by_event = bool(data.get("workflow_type")), bool(data.get("event_type"))
        if by_type == by_event:
            message = "Give either workflow_type or event_type."
            raise serializers.ValidationError({"workflow_type": [message], "event_type": [message]})
        if by_event:
            missing = {name: ["Required with event_type."] for name in ("aggregate_type", "aggregate_id")
                       if not data.get(name)}
            if missing:
                raise serializers.ValidationError(missing)
        return data


class EventSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = EventOutbox
        fields = ["id", "event_type", "aggregate_type", "aggregate_id", "correlation_id", "status", "note",
                  "created_at", "processed_at"]


class TriggerResultSerializer(serializers.Serializer):
    runs = WorkflowSummarySerializer(many=True)
    event = EventSummarySerializer(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class SignalSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="a signal name, like payment.intent.captured")
    payload = serializers.DictField(required=False, default=dict)


class SignalResultSerializer(serializers.Serializer):
    signal_id = serializers.IntegerField()
    workflow = WorkflowSummarySerializer()


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class ProcessOutboxSerializer(serializers.Serializer):
    batch_size = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=200)
    max_batches = serializers.IntegerField(required=False, min_value=1, max_value=100, default=10)


class RelayCountsSerializer(serializers.Serializer):
    claimed = serializers.IntegerField()
    delivered = serializers.IntegerField()
    runs_started = serializers.IntegerField()
    signals = serializers.IntegerField()
    unrouted = serializers.IntegerField()
    failed = serializers.IntegerField()
    dead_lettered = serializers.IntegerField()
    batches = serializers.IntegerField()
    pending = serializers.IntegerField(help_text="events of this tenant still waiting for the relay")
