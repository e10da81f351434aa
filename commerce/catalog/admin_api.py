"""Admin API of the catalog: products, variants and their prices, collections, categories."""
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cityos.errors import InvalidInput
from cityos.money import fmt
from commerce.catalog import services
from commerce.catalog.models import (
    Product, ProductCategory, ProductCollection, ProductKind, ProductPrice, ProductStatus, ProductVariant,
)
from commerce.core.admin_api import ServiceViewSet, documented
from commerce.core.schema import CategorySerializer, CollectionSerializer


# -- read shapes -----------------------------------------------------------------------------------

class PriceOut(serializers.ModelSerializer):
    amount = serializers.SerializerMethodField()

    class Meta:
        model = ProductPrice
        fields = ["currency_code", "amount"]

    def get_amount(self, price) -> str:
        return fmt(price.amount, price.currency_code)


class VariantOut(serializers.ModelSerializer):
    prices = PriceOut(many=True, read_only=True)
    options = serializers.SerializerMethodField()
    stocked_quantity = serializers.SerializerMethodField()
    reserved_quantity = serializers.SerializerMethodField()

    class Meta:
        model = ProductVariant
        fields = ["id", "product_id", "title", "sku", "barcode", "weight", "manage_inventory", "allow_backorder",
                  "inventory_item_id", "is_archived", "rank", "options", "prices", "stocked_quantity",
                  "reserved_quantity", "metadata", "created_at", "updated_at"]

    def get_options(self, variant) -> dict:
        return {value.option.title: value.value for value in variant.option_values.all()}

    def _levels(self, variant):
        item = variant.inventory_item
        return list(item.levels.all()) if item else []

    def get_stocked_quantity(self, variant) -> int:
        return sum(level.stocked_quantity for level in self._levels(variant))

    def get_reserved_quantity(self, variant) -> int:
        return sum(level.reserved_quantity for level in self._levels(variant))


class ImageOut(serializers.Serializer):
    id = serializers.CharField()
    url = serializers.CharField()
    alt = serializers.CharField()


class OptionOut(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    values = serializers.SerializerMethodField()

    def get_values(self, option) -> list[str]:
        return [v.value for v in option.values.all()]


class ProductOut(serializers.ModelSerializer):
    variants = VariantOut(many=True, read_only=True)
    images = ImageOut(many=True, read_only=True)
    options = OptionOut(many=True, read_only=True)
    category_ids = serializers.SerializerMethodField()
    sales_channel_ids = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = ["id", "handle", "title", "subtitle", "description", "status", "kind", "is_giftcard", "discountable",
                  "thumbnail", "weight", "collection_id", "category_ids", "sales_channel_ids", "tags", "metadata",
                  "images", "options", "variants", "created_at", "updated_at"]

    def get_category_ids(self, product) -> list[str]:
        return [c.pk for c in product.categories.all()]

    def get_sales_channel_ids(self, product) -> list[str]:
        return [c.pk for c in product.sales_channels.all()]


# -- write shapes ----------------------------------------------------------------------------------

class PriceIn(serializers.Serializer):
    currency_code = serializers.CharField(min_length=3, max_length=3)
    amount = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0)


class VariantIn(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=255)
    sku = serializers.CharField(max_length=100)
    barcode = serializers.CharField(required=False, allow_blank=True, max_length=100)
    options = serializers.DictField(child=serializers.CharField(max_length=100), required=False)
    prices = PriceIn(many=True, required=False)
    weight = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    manage_inventory = serializers.BooleanField(required=False)
    allow_backorder = serializers.BooleanField(required=False)
    inventory_quantity = serializers.IntegerField(required=False, min_value=0, max_value=10_000_000)
    is_archived = serializers.BooleanField(required=False)
    rank = serializers.IntegerField(required=False, min_value=0)
    metadata = serializers.DictField(required=False)


class OptionIn(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    values = serializers.ListField(child=serializers.CharField(max_length=100), allow_empty=False)


class ImageIn(serializers.Serializer):
    url = serializers.CharField(max_length=500)
    alt = serializers.CharField(required=False, allow_blank=True, max_length=255)


class ProductIn(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    handle = serializers.CharField(required=False, max_length=200)
    subtitle = serializers.CharField(required=False, allow_blank=True, max_length=255)
    description = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=ProductStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=ProductKind.choices, required=False)
    is_giftcard = serializers.BooleanField(required=False)
    discountable = serializers.BooleanField(required=False)
    thumbnail = serializers.CharField(required=False, allow_blank=True, max_length=500)
    weight = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    collection_id = serializers.CharField(required=False, allow_null=True, max_length=40)
    category_ids = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    sales_channel_ids = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    metadata = serializers.DictField(required=False)
    images = ImageIn(many=True, required=False)
    options = OptionIn(many=True, required=False)
    variants = VariantIn(many=True, required=False, help_text="on create only; later use the variants endpoints")


class CollectionIn(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    handle = serializers.CharField(required=False, max_length=200)
    metadata = serializers.DictField(required=False)


class CategoryIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    handle = serializers.CharField(required=False, max_length=200)
    parent_id = serializers.CharField(required=False, allow_null=True, max_length=40)
    description = serializers.CharField(required=False, allow_blank=True)
    rank = serializers.IntegerField(required=False, min_value=0)
    is_active = serializers.BooleanField(required=False)
    metadata = serializers.DictField(required=False)


def _plain(data):
    """Validated data as plain Python (nested serializers give OrderedDicts; amounts stay Decimal)."""
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


# -- views -----------------------------------------------------------------------------------------

VARIANTS = Prefetch("variants", queryset=ProductVariant.objects.select_related("inventory_item").prefetch_related(
    "prices", "option_values__option", "inventory_item__levels").order_by("rank", "created_at"))


@documented(ProductIn, tag="admin: catalog")
class ProductViewSet(ServiceViewSet):
    """Products. List filters: status, kind, q, collection_id, category_id, `metadata[key]=value`.
    DELETE archives (orders keep their copies)."""

    serializer_class = ProductOut
    input_serializer_class = ProductIn

    def get_queryset(self):
        params = self.request.query_params
        queryset = services.list_products(
            status=params.get("status"), kind=params.get("kind"), q=params.get("q"),
            collection_id=params.get("collection_id"), category_id=params.get("category_id"),
            metadata=services.metadata_filters(params))
        return queryset.prefetch_related(VARIANTS, "images", "options__values", "categories", "sales_channels")

    def save(self, data, instance=None):
        data = _plain(data)
        if instance is None:
            return services.create_product(data)
        data.pop("variants", None)
        return services.update_product(instance.pk, data)

    def remove(self, instance):
        services.archive_product(instance.pk)

    @extend_schema(tags=["admin: catalog"], request=VariantIn, responses={201: VariantOut})
    @action(detail=True, methods=["post"], url_path="variants")
    def add_variant(self, request, pk=None):
        serializer = VariantIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        variant = services.create_variant(self.get_object().pk, _plain(serializer.validated_data))
        return Response(VariantOut(_variant_queryset().get(pk=variant.pk)).data, status=status.HTTP_201_CREATED)


def _variant_queryset():
    return ProductVariant.objects.select_related("inventory_item").prefetch_related(
        "prices", "option_values__option", "inventory_item__levels")


@documented(VariantIn, tag="admin: catalog")
class VariantViewSet(ServiceViewSet):
    """Variants (created through `POST /admin/api/products/{id}/variants`). PATCH with `prices`
    upserts those currencies; DELETE archives the variant."""

    serializer_class = VariantOut
    input_serializer_class = VariantIn
    http_method_names = ["get", "patch", "delete", "post", "head", "options"]

    def get_queryset(self):
        queryset = _variant_queryset().order_by("sku")
        for field in ("product_id", "sku"):
            if self.request.query_params.get(field):
                queryset = queryset.filter(**{field: self.request.query_params[field]})
        return queryset

    def create(self, request, *args, **kwargs):
        raise InvalidInput("Create variants with POST /admin/api/products/{id}/variants.",
                           fields={"product_id": ["Use the product's variants endpoint."]})

    def save(self, data, instance=None):
        return services.update_variant(instance.pk, _plain(data))

    def remove(self, instance):
        services.update_variant(instance.pk, {"is_archived": True})

    @extend_schema(tags=["admin: catalog"], request=PriceIn(many=True), responses=VariantOut,
                   parameters=[OpenApiParameter("replace", bool, description="drop currencies not given")])
    @action(detail=True, methods=["post"], url_path="prices")
    def prices(self, request, pk=None):
        serializer = PriceIn(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        variant = self.get_object()
        replace = request.query_params.get("replace", "").lower() in ("1", "true", "yes")
        services.update_variant(variant.pk, {"prices": _plain(serializer.validated_data), "replace_prices": replace})
        return Response(VariantOut(_variant_queryset().get(pk=variant.pk)).data)


@documented(CollectionIn, tag="admin: catalog")
class CollectionViewSet(ServiceViewSet):
    serializer_class = CollectionSerializer
    input_serializer_class = CollectionIn
    queryset = ProductCollection.objects.order_by("title")

    def save(self, data, instance=None):
        if instance is None:
            return services.create_collection(**data)
        return services.update_collection(instance, data)

    def remove(self, instance):
        services.delete_collection(instance)


@documented(CategoryIn, tag="admin: catalog")
class CategoryViewSet(ServiceViewSet):
    serializer_class = CategorySerializer
    input_serializer_class = CategoryIn
    queryset = ProductCategory.objects.order_by("mpath", "rank")

    def save(self, data, instance=None):
        if instance is None:
            return services.create_category(**data)
        return services.update_category(instance, data)

    def remove(self, instance):
        services.delete_category(instance)

