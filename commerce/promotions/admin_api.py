"""Admin API of promotions (coupon codes)."""
from rest_framework import serializers

from commerce.core.admin_api import ServiceViewSet, documented
from commerce.promotions import services
from commerce.promotions.models import Promotion, PromotionType


class PromotionOut(serializers.ModelSerializer):
    product_ids = serializers.SerializerMethodField()
    customer_group_ids = serializers.SerializerMethodField()

    class Meta:
        model = Promotion
        fields = ["id", "code", "name", "description", "type", "value", "currency_code", "minimum_subtotal",
                  "usage_limit", "per_customer_limit", "usage_count", "starts_at", "ends_at", "is_active",
                  "product_ids", "customer_group_ids", "metadata", "created_at", "updated_at"]

    def get_product_ids(self, obj) -> list[str]:
        return [p.pk for p in obj.products.all()]

    def get_customer_group_ids(self, obj) -> list[str]:
        return [g.pk for g in obj.customer_groups.all()]


class PromotionIn(serializers.Serializer):
    code = serializers.CharField(max_length=60)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=500)
    type = serializers.ChoiceField(choices=PromotionType.choices)
    value = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0, required=False)
    currency_code = serializers.CharField(required=False, allow_blank=True, max_length=3)
    minimum_subtotal = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0, required=False,
                                                allow_null=True)
    usage_limit = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    per_customer_limit = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)
    product_ids = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    customer_group_ids = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    metadata = serializers.DictField(required=False)


@documented(PromotionIn, tag="admin: promotions")
class PromotionViewSet(ServiceViewSet):
    """Promotions; DELETE deactivates (past orders keep their usage)."""

    serializer_class = PromotionOut
    input_serializer_class = PromotionIn
    queryset = Promotion.objects.prefetch_related("products", "customer_groups").order_by("-created_at")

    def save(self, data, instance=None):
        return services.save_promotion(dict(data), instance)

    def remove(self, instance):
        services.save_promotion({"is_active": False}, instance)
