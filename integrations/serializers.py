from rest_framework import serializers

from integrations import registry
from integrations.models import SyncDirection, SyncEntry, SyncStatus


class SyncEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = SyncEntry
        fields = ["id", "system", "entity_type", "entity_id", "direction", "status", "external_id", "error_class",
                  "error_message", "retry_count", "max_retries", "next_retry_at", "payload_hash", "correlation_id",
                  "tenant_id", "created_at", "updated_at", "completed_at"]
        read_only_fields = fields


class CircuitSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["closed", "open", "half_open"])
    failures_in_window = serializers.IntegerField()
    failure_threshold = serializers.IntegerField()
    opened_at = serializers.FloatField(allow_null=True)
    store = serializers.ChoiceField(choices=["redis", "local"])


class AdapterHealthSerializer(serializers.Serializer):
    system = serializers.ChoiceField(choices=registry.SYSTEMS)
    mode = serializers.ChoiceField(choices=["live", "sandbox", "unavailable"])
    configured = serializers.BooleanField()
    healthy = serializers.BooleanField()
    message = serializers.CharField(allow_blank=True, required=False)
    circuit = CircuitSerializer()


class HealthSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="ok, or degraded when any system is unhealthy")
    systems = AdapterHealthSerializer(many=True)


class SystemDashboardSerializer(serializers.Serializer):
    mode = serializers.CharField(allow_null=True)
    healthy = serializers.BooleanField(allow_null=True)
    message = serializers.CharField(allow_null=True)
    circuit = CircuitSerializer(allow_null=True)
    syncs = serializers.DictField(child=serializers.IntegerField(), help_text="entries by status")
    last_success_at = serializers.DateTimeField(allow_null=True)
    webhooks = serializers.DictField(child=serializers.IntegerField())


class OutboxBacklogSerializer(serializers.Serializer):
    pending = serializers.IntegerField()
    processing = serializers.IntegerField()
    failed = serializers.IntegerField()
    dead_letter = serializers.IntegerField()
    oldest_pending_age_seconds = serializers.FloatField(allow_null=True)


class DashboardSerializer(serializers.Serializer):
    systems = serializers.DictField(child=SystemDashboardSerializer())
    failed_syncs = SyncEntrySerializer(many=True)
    outbox = OutboxBacklogSerializer()


class RetryRequestSerializer(serializers.Serializer):
    system = serializers.ChoiceField(choices=registry.SYSTEMS, required=False)
    limit = serializers.IntegerField(min_value=1, max_value=1000, required=False, default=200)


class RetryResultSerializer(serializers.Serializer):
    retried = serializers.IntegerField()
    succeeded = serializers.IntegerField()
    failed = serializers.IntegerField()
    retrying = serializers.IntegerField()


class SyncRequestSerializer(serializers.Serializer):
    entity_type = serializers.CharField(max_length=60)
    entity_id = serializers.CharField(max_length=100)
    data = serializers.DictField(help_text="the keyword arguments of the system's operation for this entity type")
    direction = serializers.ChoiceField(choices=SyncDirection.choices, default=SyncDirection.OUTBOUND)


class SyncResultSerializer(SyncEntrySerializer):
    deduplicated = serializers.BooleanField(read_only=True)

    class Meta(SyncEntrySerializer.Meta):
        fields = SyncEntrySerializer.Meta.fields + ["deduplicated"]
        read_only_fields = fields


class SyncEntryFilterSerializer(serializers.Serializer):
    system = serializers.ChoiceField(choices=registry.SYSTEMS, required=False)
    status = serializers.ChoiceField(choices=SyncStatus.choices, required=False)
    entity_type = serializers.CharField(required=False)


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=60, required=False, allow_blank=True)


class VerificationSerializer(serializers.Serializer):
    session_id = serializers.CharField()
    status = serializers.CharField(help_text="pending, approved or rejected")
    verification_result = serializers.BooleanField(allow_null=True)
    failed_policies = serializers.ListField(child=serializers.CharField())


class DeliverySerializer(serializers.Serializer):
    order_id = serializers.CharField()
    status = serializers.CharField()
    driver_id = serializers.CharField(allow_null=True)
    tracking_number = serializers.CharField(allow_null=True)
    dispatched = serializers.BooleanField()
    terminal = serializers.BooleanField()
