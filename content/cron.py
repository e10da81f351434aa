"""The cron routes of seeds 000 §7, on the platform host — the same jobs Celery beat runs:

    GET /api/cron/snapshot-poi-revenue       (01:00 UTC) every POI's summary and the day's snapshot
    GET /api/cron/refresh-poi-summaries      (02:00 UTC) every POI's revenue and bookings summary
    GET /api/cron/generate-monthly-invoices  (1st, 00:00 UTC) platform-commission invoices (?period=YYYY-MM)

`Authorization: Bearer $CRON_SECRET` (the scheduler) or `Bearer $ADMIN_API_TOKEN` (a manual run);
anything else is a 401 with the error envelope. The POI jobs take `?tenant=<slug>` to run for one
tenant. Each answers what it did, tenant by tenant.
"""
import time

from django.conf import settings
from django.utils.crypto import constant_time_compare
from django_tenants.utils import schema_context
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from cityos.api.authentication import bearer_token
from content.serializers import ErrorEnvelopeSerializer
from tenants.models import Tenant


class CronCaller:
    is_authenticated = True
    is_anonymous = False
    is_active = True
    pk = None

    def __init__(self, name: str):
        self.username = name

    def __str__(self):
        return self.username


class CronAuthentication(BaseAuthentication):
    """Bearer CRON_SECRET or ADMIN_API_TOKEN, compared in constant time."""

    def authenticate(self, request):
        token = bearer_token(request)
        if token is None:
            raise NotAuthenticated("Authorization: Bearer <CRON_SECRET> is required.")
        for name, secret in (("cron", settings.CRON_SECRET), ("admin-api-token", settings.ADMIN_API_TOKEN)):
            if secret and constant_time_compare(token, secret):
                return CronCaller(name), name
        raise AuthenticationFailed("Invalid cron token.")

    def authenticate_header(self, request):
        return 'Bearer realm="cron"'


class CronTokenScheme(OpenApiAuthenticationExtension):
    target_class = "content.cron.CronAuthentication"
    name = "cronToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "CRON_SECRET (scheduler) or ADMIN_API_TOKEN."}


class IsCronCaller(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.user, CronCaller)


class CronQuery(serializers.Serializer):
    tenant = serializers.SlugField(required=False, help_text="run for this tenant only")


class InvoiceCronQuery(serializers.Serializer):
    period = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", required=False,
                                    help_text="YYYY-MM (default: the previous month)")


POI_JOB_RESULT = inline_serializer("CronPOIJobResult", {
    "job": serializers.CharField(), "duration_ms": serializers.IntegerField(),
    "tenants": serializers.DictField(child=serializers.IntegerField(), help_text="POIs written per tenant"),
})
INVOICE_JOB_RESULT = inline_serializer("CronInvoiceJobResult", {
    "job": serializers.CharField(), "duration_ms": serializers.IntegerField(), "period": serializers.CharField(),
    "created": serializers.IntegerField(), "existing": serializers.IntegerField(),
    "failed": serializers.DictField(child=serializers.CharField()),
    "invoices": serializers.ListField(child=serializers.CharField()),
})
ERRORS = {400: ErrorEnvelopeSerializer, 401: ErrorEnvelopeSerializer}


class CronView(APIView):
    authentication_classes = [CronAuthentication]
    permission_classes = [IsCronCaller]
    job = ""

    def run(self, request) -> dict:
        raise NotImplementedError

    def get(self, request):
        started = time.monotonic()
        result = self.run(request)
        return Response({"job": self.job, "duration_ms": int((time.monotonic() - started) * 1000), **result})


class POIJobView(CronView):
    def run_in_tenant(self) -> int:
        raise NotImplementedError

    def run(self, request) -> dict:
        query = CronQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        tenants = Tenant.objects.serving().order_by("slug")
        if query.validated_data.get("tenant"):
            tenants = tenants.filter(slug=query.validated_data["tenant"])
        done = {}
        for tenant in tenants:
            with schema_context(tenant.schema_name):
                done[tenant.slug] = self.run_in_tenant()
        return {"tenants": done}


class SnapshotPOIRevenueView(POIJobView):
    job = "snapshot-poi-revenue"

    @extend_schema(operation_id="cron_snapshot_poi_revenue", tags=["cron"], parameters=[CronQuery],
                   summary="Every POI's revenue summary and the day's snapshot (01:00 UTC)",
                   responses={200: POI_JOB_RESULT, **ERRORS})
    def get(self, request):
        return super().get(request)

    def run_in_tenant(self) -> int:
        from content.revenue import snapshot

        return snapshot()


class RefreshPOISummariesView(POIJobView):
    job = "refresh-poi-summaries"

    @extend_schema(operation_id="cron_refresh_poi_summaries", tags=["cron"], parameters=[CronQuery],
                   summary="Every POI's revenue and bookings summary (02:00 UTC)",
                   responses={200: POI_JOB_RESULT, **ERRORS})
    def get(self, request):
        return super().get(request)

    def run_in_tenant(self) -> int:
        from content.revenue import refresh_summaries

        return refresh_summaries()


class GenerateMonthlyInvoicesView(CronView):
    job = "generate-monthly-invoices"

    @extend_schema(operation_id="cron_generate_monthly_invoices", tags=["cron"], parameters=[InvoiceCronQuery],
                   summary="Platform-commission invoices of every tenant for the previous month (1st, 00:00 UTC)",
                   responses={200: INVOICE_JOB_RESULT, **ERRORS})
    def get(self, request):
        return super().get(request)

    def run(self, request) -> dict:
        from tenants import billing

        query = InvoiceCronQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        period = query.validated_data.get("period")
        return billing.generate_monthly_invoices(billing.Period.parse(period) if period else None).as_dict()
