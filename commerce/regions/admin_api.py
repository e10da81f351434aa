"""Admin API of regions, sales channels and their publishable keys."""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cityos.errors import NotFound
from commerce.core.admin_api import ServiceViewSet, documented
from commerce.regions import services
from commerce.regions.models import PublishableApiKey, Region, SalesChannel


class RegionOut(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "name", "currency_code", "tax_rate", "countries", "is_default", "metadata", "created_at",
                  "updated_at"]


class RegionIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    currency_code = serializers.CharField(min_length=3, max_length=3)
    tax_rate = serializers.DecimalField(max_digits=6, decimal_places=4, min_value=0, max_value=1, required=False)
    countries = serializers.ListField(child=serializers.CharField(min_length=2, max_length=2), required=False)
    is_default = serializers.BooleanField(required=False)
    metadata = serializers.DictField(required=False)


class KeyOut(serializers.ModelSerializer):
    class Meta:
        model = PublishableApiKey
        fields = ["id", "title", "token", "revoked_at", "created_at"]


class ChannelOut(serializers.ModelSerializer):
    api_keys = KeyOut(many=True, read_only=True)

    class Meta:
        model = SalesChannel
        fields = ["id", "name", "description", "is_default", "is_disabled", "api_keys", "created_at", "updated_at"]


class ChannelIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, max_length=300)
    is_default = serializers.BooleanField(required=False)
    is_disabled = serializers.BooleanField(required=False)


class KeyIn(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=100)


@documented(RegionIn, tag="admin: store")
class RegionViewSet(ServiceViewSet):
    serializer_class = RegionOut
    input_serializer_class = RegionIn
    queryset = Region.objects.order_by("name")

    def save(self, data, instance=None):
        if instance is None:
            return services.create_region(**data)
        return services.update_region(instance, data)


@documented(ChannelIn, tag="admin: store")
class SalesChannelViewSet(ServiceViewSet):
    """Sales channels and their publishable keys (`POST …/{id}/keys`, `POST …/{id}/keys/{key_id}/revoke`)."""

    serializer_class = ChannelOut
    input_serializer_class = ChannelIn
    queryset = SalesChannel.objects.prefetch_related("api_keys").order_by("name")

    def save(self, data, instance=None):
        if instance is None:
            channel = services.create_sales_channel(name=data["name"], description=data.get("description", ""),
                                                    is_default=data.get("is_default", False))
            services.issue_publishable_key(channel)
            return channel
        return services.update_sales_channel(instance, data)

    @extend_schema(tags=["admin: store"], request=KeyIn, responses={201: KeyOut})
    @action(detail=True, methods=["post"], url_path="keys")
    def issue_key(self, request, pk=None):
        serializer = KeyIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = services.issue_publishable_key(self.get_object(), **serializer.validated_data)
        return Response(KeyOut(key).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=["admin: store"], request=None, responses=KeyOut,
                   parameters=[OpenApiParameter("key_id", str, OpenApiParameter.PATH)])
    @action(detail=True, methods=["post"], url_path=r"keys/(?P<key_id>[^/.]+)/revoke")
    def revoke_key(self, request, pk=None, key_id=None):
        key = self.get_object().api_keys.filter(pk=key_id).first()
        if key is None:
            raise NotFound(f"No key {key_id} on this channel.", code="publishable_key_not_found")
        return Response(KeyOut(services.revoke_publishable_key(key)).data)
