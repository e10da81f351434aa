"""Admin API of shipping options and their rates."""
from rest_framework import serializers

from commerce.core.admin_api import ServiceViewSet, documented
from commerce.core.schema import MoneyField
from commerce.shipping import services
from commerce.shipping.models import ShippingOption, ShippingProvider, ShippingRate


class ShippingRateOut(serializers.ModelSerializer):
    amount = MoneyField("option.region.currency_code")
    min_subtotal = MoneyField("option.region.currency_code")
    max_subtotal = MoneyField("option.region.currency_code")

    class Meta:
        model = ShippingRate
        fields = ["id", "amount", "min_subtotal", "max_subtotal", "min_weight", "max_weight", "position"]


class ShippingOptionOut(serializers.ModelSerializer):
    rates = ShippingRateOut(many=True, read_only=True)

    class Meta:
        model = ShippingOption
        fields = ["id", "region_id", "name", "code", "provider", "is_pickup", "is_active", "position", "rates",
                  "metadata", "created_at", "updated_at"]


class ShippingRateIn(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0)
    min_subtotal = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0, required=False, allow_null=True)
    max_subtotal = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0, required=False, allow_null=True)
    min_weight = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    max_weight = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class ShippingOptionIn(serializers.Serializer):
    region_id = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=120)
    code = serializers.SlugField(max_length=60)
    provider = serializers.ChoiceField(choices=ShippingProvider.choices, required=False)
    is_pickup = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)
    position = serializers.IntegerField(min_value=0, required=False)
    amount = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0, required=False,
                                      help_text="shorthand for one unconditional rate")
    rates = ShippingRateIn(many=True, required=False, help_text="evaluated in order; the first match prices the cart")
    metadata = serializers.DictField(required=False)


@documented(ShippingOptionIn, tag="admin: shipping")
class ShippingOptionViewSet(ServiceViewSet):
    serializer_class = ShippingOptionOut
    input_serializer_class = ShippingOptionIn
    queryset = ShippingOption.objects.select_related("region").prefetch_related("rates").order_by("region_id", "position", "name")

    def save(self, data, instance=None):
        data = {k: ([dict(r) for r in v] if k == "rates" else v) for k, v in data.items()}
        return services.save_option(data, instance)

    def remove(self, instance):
        instance.is_active = False
        instance.save(update_fields=["is_active", "updated_at"])
