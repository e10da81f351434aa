"""Admin API of subscriptions (tenant hosts, staff).

    GET/POST /admin/api/subscription-plans, GET/PATCH /admin/api/subscription-plans/{id}
    GET /admin/api/subscriptions (?status=&plan_id=&customer_id=&email=&order_id=), GET /admin/api/subscriptions/{id}
    DELETE /admin/api/subscriptions/{id} (?at_period_end=true) — cancels (seeds: cancelSubscription)
"""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from cityos.api.authentication import STAFF_AUTHENTICATION
from cityos.api.permissions import IsTenantStaff
from commerce.core.admin_api import ServiceViewSet, documented
from commerce.core.schema import MoneyField
from commerce.catalog.models import ProductStatus
from commerce.subscriptions import services
from commerce.subscriptions.models import BillingInterval, Subscription, SubscriptionPlan, SubscriptionStatus


class PlanOut(serializers.ModelSerializer):
    status = serializers.CharField(source="product.status", read_only=True)
    handle = serializers.CharField(source="product.handle", read_only=True)
    price = serializers.SerializerMethodField()
    currency_code = serializers.SerializerMethodField()

    class Meta:
        model = SubscriptionPlan
        fields = ["id", "product_id", "handle", "cms_id", "title", "billing_interval", "interval_count",
                  "validity_days", "trial_days", "max_subscribers", "price", "currency_code", "status", "metadata",
                  "created_at", "updated_at"]

    def get_price(self, plan) -> str | None:
        return services.plan_payload(plan)["price"]

    def get_currency_code(self, plan) -> str | None:
        return services.plan_payload(plan)["currency_code"]


class PlanIn(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True)
    price = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0)
    currency_code = serializers.CharField(min_length=3, max_length=3)
    status = serializers.ChoiceField(choices=ProductStatus.choices, required=False)
    billing_interval = serializers.ChoiceField(choices=BillingInterval.choices, required=False)
    interval_count = serializers.IntegerField(required=False, min_value=1, max_value=36)
    validity_days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=3660)
    trial_days = serializers.IntegerField(required=False, min_value=0, max_value=365)
    max_subscribers = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    cms_id = serializers.CharField(required=False, max_length=64, help_text="on create only")
    metadata = serializers.DictField(required=False)


class SubscriptionOut(serializers.ModelSerializer):
    unit_price = MoneyField()
    plan_title = serializers.CharField(source="plan.title", read_only=True)

    class Meta:
        model = Subscription
        fields = ["id", "plan_id", "plan_title", "customer_id", "email", "order_id", "line_item_id", "quantity",
                  "unit_price", "currency_code", "status", "started_at", "trial_ends_at", "current_period_start",
                  "current_period_end", "cancel_at_period_end", "cancelled_at", "cancel_reason", "ended_at",
                  "metadata", "created_at"]


@documented(PlanIn, tag="admin: subscriptions")
class SubscriptionPlanViewSet(ServiceViewSet):
    """Subscription plans (products of kind `subscription` and their terms). Archive a plan by
    archiving its product (DELETE /admin/api/products/{product_id})."""

    serializer_class = PlanOut
    input_serializer_class = PlanIn
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return SubscriptionPlan.objects.select_related("product").order_by("title", "id")

    def save(self, data, instance=None):
        data = dict(data)
        if instance is None:
            return services.create_subscription_product(data)
        data.pop("cms_id", None)
        return services.update_subscription_product(instance.pk, data)


@extend_schema(tags=["admin: subscriptions"])
class SubscriptionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                          viewsets.GenericViewSet):
    """Customers' subscriptions, newest first. DELETE cancels (now, or `?at_period_end=true`)."""

    authentication_classes = STAFF_AUTHENTICATION
    permission_classes = [IsTenantStaff]
    serializer_class = SubscriptionOut

    def get_queryset(self):
        params = self.request.query_params
        return services.list_subscriptions(status=params.get("status"), plan_id=params.get("plan_id"),
                                           customer_id=params.get("customer_id"), email=params.get("email"),
                                           order_id=params.get("order_id"))

    @extend_schema(parameters=[OpenApiParameter("status", enum=SubscriptionStatus.values),
                               OpenApiParameter("plan_id"), OpenApiParameter("customer_id"),
                               OpenApiParameter("email"), OpenApiParameter("order_id")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(parameters=[OpenApiParameter("at_period_end", bool), OpenApiParameter("reason")],
                   responses=SubscriptionOut)
    def destroy(self, request, *args, **kwargs):
        subscription = services.cancel_subscription(
            self.get_object().pk, at_period_end=request.query_params.get("at_period_end") in ("1", "true"),
            reason=request.query_params.get("reason", "")[:300])
        return Response(SubscriptionOut(subscription).data, status=status.HTTP_200_OK)
