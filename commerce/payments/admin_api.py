"""Admin API of the payment records the workflows keep: disputes, instalment plans, escrow holds
and reconciliation reports."""
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cityos.api.authentication import STAFF_AUTHENTICATION
from cityos.api.permissions import IsTenantStaff
from commerce.core.schema import MoneyField
from commerce.payments import disputes, installments
from commerce.payments.models import (
    Dispute, DisputeStatus, EscrowHold, Installment, InstallmentPlan, ReconciliationReport,
)


class DisputeOut(serializers.ModelSerializer):
    amount = MoneyField()

    class Meta:
        model = Dispute
        fields = ["id", "order_id", "gateway_dispute_id", "payment_intent_id", "currency_code", "amount", "reason",
                  "status", "evidence_due_by", "evidence", "evidence_submitted_at", "closed_at", "note", "created_at"]


class DisputeIn(serializers.Serializer):
    gateway_dispute_id = serializers.CharField(max_length=100, help_text="the gateway's dispute id (dp_…)")
    amount = serializers.DecimalField(max_digits=18, decimal_places=4, required=False,
                                      help_text="default: what is still captured")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=60)
    evidence_due_by = serializers.DateTimeField(required=False)


class DisputeCloseIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=[DisputeStatus.WON, DisputeStatus.LOST])
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class DisputeFilters(serializers.Serializer):
    status = serializers.ChoiceField(choices=DisputeStatus.choices, required=False)
    order_id = serializers.CharField(required=False, max_length=40)


class StaffViewSet(viewsets.GenericViewSet):
    authentication_classes = STAFF_AUTHENTICATION
    permission_classes = [IsTenantStaff]


@extend_schema(tags=["admin: payments"])
class DisputeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StaffViewSet):
    """Chargebacks; `?status=&order_id=`. Opened with `POST /admin/api/orders/{id}/disputes`."""

    serializer_class = DisputeOut

    def get_queryset(self):
        filters = DisputeFilters(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = Dispute.objects.order_by("-created_at")
        for name, value in filters.validated_data.items():
            queryset = queryset.filter(**{name: value})
        return queryset

    @extend_schema(request=DisputeCloseIn, responses=DisputeOut,
                   description="The gateway's decision: `won` (payouts resume) or `lost` (recorded as a chargeback "
                               "refund). Wakes the OrderDispute workflow.")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = DisputeCloseIn(data=request.data)
        data.is_valid(raise_exception=True)
        dispute = disputes.close_dispute(self.get_object().pk, status=data.validated_data["status"],
                                         note=data.validated_data.get("note", ""))
        return Response(DisputeOut(dispute).data)


class InstallmentOut(serializers.ModelSerializer):
    amount = MoneyField(currency="plan.currency_code")

    class Meta:
        model = Installment
        fields = ["sequence", "amount", "due_at", "status", "attempts", "payment_intent_id", "paid_at", "last_error"]


class InstallmentPlanOut(serializers.ModelSerializer):
    total = MoneyField()
    paid_total = MoneyField()
    fees = MoneyField()
    installments = InstallmentOut(many=True, read_only=True)

    class Meta:
        model = InstallmentPlan
        fields = ["id", "order_id", "provider", "currency_code", "total", "paid_total", "fees", "count", "interval",
                  "status", "installments", "closed_at", "note", "created_at"]


class PlanCancelIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


@extend_schema(tags=["admin: payments"])
class InstallmentPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StaffViewSet):
    """Buy-now-pay-later plans; `?status=&order_id=`."""

    serializer_class = InstallmentPlanOut
    queryset = InstallmentPlan.objects.prefetch_related("installments").order_by("-created_at")
    filterset_fields = ["status", "order_id"]

    @extend_schema(request=PlanCancelIn, responses=InstallmentPlanOut,
                   description="Stops the plan: no more instalments are charged (`plan.cancelled`).")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = PlanCancelIn(data=request.data)
        data.is_valid(raise_exception=True)
        plan = installments.cancel_plan(self.get_object().pk, reason=data.validated_data.get("reason", ""))
        return Response(InstallmentPlanOut(InstallmentPlan.objects.prefetch_related("installments").get(pk=plan.pk)).data)


class EscrowHoldOut(serializers.ModelSerializer):
    amount = MoneyField()
    vendor_id = serializers.CharField(source="vendor_order.vendor_id", read_only=True)

    class Meta:
        model = EscrowHold
        fields = ["id", "order_id", "vendor_order_id", "vendor_id", "currency_code", "amount", "status",
                  "release_after", "released_at", "note", "created_at"]


@extend_schema(tags=["admin: payments"])
class EscrowHoldViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StaffViewSet):
    """Vendor shares held in escrow; `?status=&order_id=`."""

    serializer_class = EscrowHoldOut
    queryset = EscrowHold.objects.select_related("vendor_order").order_by("-created_at")
    filterset_fields = ["status", "order_id"]


class ReconciliationReportOut(serializers.ModelSerializer):
    class Meta:
        model = ReconciliationReport
        fields = ["id", "date", "balanced", "payments_checked", "refunds_checked", "commerce_total", "gateway_total",
                  "discrepancies", "workflow_id", "created_at"]


@extend_schema(tags=["admin: payments"])
class ReconciliationReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StaffViewSet):
    """Daily reconciliation reports, newest first; `?balanced=false` lists the days with differences."""

    serializer_class = ReconciliationReportOut

    def get_queryset(self):
        queryset = ReconciliationReport.objects.order_by("-date")
        balanced = self.request.query_params.get("balanced")
        if balanced in ("true", "false"):
            queryset = queryset.filter(balanced=balanced == "true")
        return queryset
