"""Admin API of inventory: stock locations and stock levels."""
from django.db.models import F
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from cityos.api.base import AdminAPIView
from cityos.api.pagination import CountedLimitOffsetPagination
from cityos.errors import InvalidInput, NotFound
from commerce.core.admin_api import ServiceViewSet, documented
from commerce.inventory import services
from commerce.inventory.models import InventoryItem, InventoryLevel, StockLocation


class LocationOut(serializers.ModelSerializer):
    class Meta:
        model = StockLocation
        fields = ["id", "name", "address", "is_default", "is_active", "metadata", "created_at", "updated_at"]


class LocationIn(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    address = serializers.DictField(required=False)
    is_default = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)
    metadata = serializers.DictField(required=False)


class LevelOut(serializers.ModelSerializer):
    sku = serializers.CharField(source="item.sku")
    inventory_item_id = serializers.CharField(source="item_id")
    location_id = serializers.CharField()
    location_name = serializers.CharField(source="location.name")
    available_quantity = serializers.IntegerField()

    class Meta:
        model = InventoryLevel
        fields = ["id", "inventory_item_id", "sku", "location_id", "location_name", "stocked_quantity",
                  "reserved_quantity", "available_quantity", "updated_at"]


class StockIn(serializers.Serializer):
    inventory_item_id = serializers.CharField(required=False, max_length=40)
    sku = serializers.CharField(required=False, max_length=100)
    location_id = serializers.CharField(required=False, max_length=40, help_text="default: the default location")
    stocked_quantity = serializers.IntegerField(required=False, min_value=0, max_value=100_000_000,
                                                help_text="set on-hand stock (a count)")
    delta = serializers.IntegerField(required=False, min_value=-100_000_000, max_value=100_000_000,
                                     help_text="or add/remove on-hand stock")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate(self, attrs):
        if not attrs.get("inventory_item_id") and not attrs.get("sku"):
            raise serializers.ValidationError({"sku": ["Give sku or inventory_item_id."]})
        if ("stocked_quantity" in attrs) == ("delta" in attrs):
            raise serializers.ValidationError({"stocked_quantity": ["Give exactly one of stocked_quantity and delta."]})
        return attrs


@documented(LocationIn, tag="admin: inventory")
class LocationViewSet(ServiceViewSet):
    serializer_class = LocationOut
    input_serializer_class = LocationIn
    queryset = StockLocation.objects.all()

    def save(self, data, instance=None):
        if instance is None:
            return services.create_location(**data)
        return services.update_location(instance, data)


class StockLevelsView(AdminAPIView):
    """Stock per item and location; POST sets or adjusts on-hand stock."""

    @extend_schema(tags=["admin: inventory"], responses=LevelOut(many=True), parameters=[
        OpenApiParameter("sku", str), OpenApiParameter("location_id", str),
        OpenApiParameter("below", int, description="available quantity below this")])
    def get(self, request):
        queryset = InventoryLevel.objects.select_related("item", "location").order_by("item__sku", "location__name")
        params = request.query_params
        if params.get("sku"):
            queryset = queryset.filter(item__sku=params["sku"])
        if params.get("location_id"):
            queryset = queryset.filter(location_id=params["location_id"])
        if params.get("below", "").lstrip("-").isdigit():
            queryset = queryset.annotate(free=F("stocked_quantity") - F("reserved_quantity")).filter(
                free__lt=int(params["below"]))
        paginator = CountedLimitOffsetPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(LevelOut(page, many=True).data)

    @extend_schema(tags=["admin: inventory"], request=StockIn, responses={200: LevelOut})
    def post(self, request):
        serializer = StockIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        lookup = {"pk": data["inventory_item_id"]} if data.get("inventory_item_id") else {"sku": data["sku"]}
        item = InventoryItem.objects.filter(**lookup).first()
        if item is None:
            raise NotFound("No such inventory item.", code="inventory_item_not_found",
                           fields={"sku": ["Unknown SKU or inventory item."]})
        reason = data.get("reason") or ("stock count" if "stocked_quantity" in data else "adjustment")
        if "stocked_quantity" in data:
            level = services.set_stock(item, data["stocked_quantity"], location_id=data.get("location_id"), reason=reason)
        else:
            if data["delta"] == 0:
                raise InvalidInput("A delta of 0 changes nothing.", fields={"delta": ["Not 0."]})
            level = services.adjust_stock(item, data["delta"], location_id=data.get("location_id"), reason=reason)
        level = InventoryLevel.objects.select_related("item", "location").get(pk=level.pk)
        return Response(LevelOut(level).data, status=status.HTTP_200_OK)
