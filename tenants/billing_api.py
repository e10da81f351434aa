"""Platform API of the platform's invoices to tenants (platform host, platform staff):

    GET  /admin/api/platform/invoices?tenant=&period=&period_from=&period_to=&status=&limit=&offset=
    GET  /admin/api/platform/invoices/{id}
    POST /admin/api/platform/invoices/{id}/mark-paid
"""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from cityos.api.base import PlatformReadOnlyViewSet
from cityos.money import fmt
from tenants import billing
from tenants.models import PlatformInvoice, PlatformInvoiceStatus

MONEY_FIELDS = ("gross_revenue", "refunded", "platform_fee", "vat", "total")


class PlatformInvoiceSerializer(serializers.ModelSerializer):
    tenant = serializers.CharField(source="tenant.slug", read_only=True, help_text="the tenant's slug")
    tenant_name = serializers.CharField(source="tenant.name", read_only=True)
    gross_revenue = serializers.SerializerMethodField()
    refunded = serializers.SerializerMethodField()
    platform_fee = serializers.SerializerMethodField()
    vat = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()
    sales_by_domain = serializers.DictField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = PlatformInvoice
        fields = ["id", "number", "tenant", "tenant_name", "invoice_type", "period", "period_start", "period_end",
                  "currency", "gross_revenue", "refunded", "order_count", "sales_by_domain", "fee_rate",
                  "platform_fee", "vat_rate", "vat", "total", "status", "issued_at", "due_at", "paid_at"]

    def _money(self, invoice, name) -> str:
        return fmt(getattr(invoice, name), invoice.currency)

    def get_gross_revenue(self, invoice) -> str:
        return self._money(invoice, "gross_revenue")

    def get_refunded(self, invoice) -> str:
        return self._money(invoice, "refunded")

    def get_platform_fee(self, invoice) -> str:
        return self._money(invoice, "platform_fee")

    def get_vat(self, invoice) -> str:
        return self._money(invoice, "vat")

    def get_total(self, invoice) -> str:
        return self._money(invoice, "total")


class InvoiceQuery(serializers.Serializer):
    tenant = serializers.SlugField(required=False, help_text="a tenant's slug")
    period = serializers.RegexField(billing.PERIOD_PATTERN, required=False, help_text="YYYY-MM")
    period_from = serializers.RegexField(billing.PERIOD_PATTERN, required=False, help_text="YYYY-MM, inclusive")
    period_to = serializers.RegexField(billing.PERIOD_PATTERN, required=False, help_text="YYYY-MM, inclusive")
    status = serializers.ChoiceField(choices=PlatformInvoiceStatus.choices, required=False)


@extend_schema(tags=["platform: billing"])
class PlatformInvoiceViewSet(PlatformReadOnlyViewSet):
    """The platform's monthly commission invoices to its tenants, newest period first."""

    serializer_class = PlatformInvoiceSerializer

    def get_queryset(self):
        queryset = PlatformInvoice.objects.select_related("tenant").order_by("-period", "tenant__slug")
        if self.action != "list":
            return queryset
        query = InvoiceQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if params.get("tenant"):
            queryset = queryset.filter(tenant__slug=params["tenant"])
        if params.get("period"):
            queryset = queryset.filter(period=params["period"])
        if params.get("period_from"):
            queryset = queryset.filter(period__gte=params["period_from"])
        if params.get("period_to"):
            queryset = queryset.filter(period__lte=params["period_to"])
        if params.get("status"):
            queryset = queryset.filter(status=params["status"])
        return queryset

    @extend_schema(parameters=[InvoiceQuery])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=PlatformInvoiceSerializer)
    @action(detail=True, methods=["post"], url_path="mark-paid")
    def mark_paid(self, request, pk=None):
        return Response(PlatformInvoiceSerializer(billing.mark_paid(self.get_object().pk)).data)
