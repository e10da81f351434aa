"""Store API of the catalog: products, collections, categories, regions."""
import hashlib

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from cityos.api.pagination import CountedLimitOffsetPagination
from cityos.errors import NotFound
from commerce.catalog import cache, store_read
from commerce.catalog.models import ProductCategory, ProductCollection, ProductKind
from commerce.catalog.services import metadata_filters, products_in_category, search
from commerce.core.schema import (
    CategorySerializer, CollectionSerializer, RegionSerializer, StoreProductPageSerializer, StoreProductSerializer,
    page_of,
)
from commerce.core.store import StoreAPIView
from commerce.customers.services import group_ids
from commerce.regions import services as regions
from commerce.regions.models import Region


class ProductQuery(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=200, help_text="words matched as prefixes")
    collection_id = serializers.CharField(required=False, max_length=40)
    collection = serializers.CharField(required=False, max_length=200, help_text="collection handle")
    category_id = serializers.CharField(required=False, max_length=40, help_text="includes subcategories")
    category = serializers.CharField(required=False, max_length=200, help_text="category handle")
    kind = serializers.ChoiceField(choices=ProductKind.choices, required=False)
    price_min = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0, required=False)
    price_max = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0, required=False)
    order = serializers.ChoiceField(choices=list(store_read.SORTS), default="-created_at")
    region_id = serializers.CharField(required=False, max_length=40, help_text="prices in this region's currency")
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(min_value=0, default=0)

    def validate(self, attrs):
        low, high = attrs.get("price_min"), attrs.get("price_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"price_max": ["Must not be below price_min."]})
        return attrs


def _region(region_id) -> Region:
    return regions.get_region(region_id)


class ProductListView(StoreAPIView):
    """Published products of the storefront's sales channel."""

    @extend_schema(parameters=[ProductQuery], responses=StoreProductPageSerializer, operation_id="store_products_list",
                   description="Filters: q, collection(_id), category(_id) (with subcategories), kind, price range "
                               "(region currency), `metadata[key]=value` (any key). Sort with `order`.")
    def get(self, request):
        groups = sorted(group_ids(self.customer)) if self.customer else []
        version = cache.version()
        key = self._cache_key(request, version, groups, request.query_params.items())
        body = cache.get(key)
        if body is None:  # only valid queries are ever cached, so a hit needs no validation
            query = ProductQuery(data=request.query_params)
            query.is_valid(raise_exception=True)
            body = JSONRenderer().render(self._page(request, query.validated_data, groups, version))
            cache.put(key, body)
        return HttpResponse(body, content_type="application/json")

    def _cache_key(self, request, version, groups, params, kind="page") -> str:
        query = "&".join(sorted(f"{k}={v}" for k, v in params))
        digest = hashlib.sha1(query.encode()).hexdigest()
        return f"store:products:{kind}:{request.sales_channel_id}:{version}:{','.join(groups)}:{digest}"

    def _page(self, request, params, groups, version) -> dict:
        region = _region(params.get("region_id"))
        queryset = store_read.storefront_products(request.sales_channel_id)
        if params.get("kind"):
            queryset = queryset.filter(kind=params["kind"])
        collection_id = params.get("collection_id")
        if params.get("collection"):
            collection_id = ProductCollection.objects.filter(handle=params["collection"]).values_list("pk", flat=True).first() or "-"
        if collection_id:
            queryset = queryset.filter(collection_id=collection_id)
        category_id = params.get("category_id")
        if params.get("category"):
            category_id = ProductCategory.objects.filter(handle=params["category"]).values_list("pk", flat=True).first() or "-"
        if category_id:
            queryset = queryset.filter(pk__in=products_in_category(category_id))
        metadata = metadata_filters(request.query_params)
        if metadata:
            queryset = queryset.filter(metadata__contains=metadata)
        if params.get("q"):
            queryset = search(queryset, params["q"])
        queryset = store_read.price_filtered(queryset, region.currency_code, price_min=params.get("price_min"),
                                             price_max=params.get("price_max"))
        # Every page of one filter shares its count: cached apart from the pages.
        filters = [(k, v) for k, v in request.query_params.items() if k not in ("limit", "offset", "order")]
        count_key = self._cache_key(request, version, groups, filters, kind="count")
        count = cache.get(count_key)
        if count is None:
            count = queryset.count()
            cache.put(count_key, count)
        paginator = CountedLimitOffsetPagination()
        paginator.request, paginator.count = request, count
        paginator.limit, paginator.offset = params["limit"], params["offset"]
        ordered = store_read.sorted_by(queryset, region.currency_code, params["order"])
        rows = store_read.product_rows(ordered[paginator.offset:paginator.offset + paginator.limit])
        results = store_read.present(rows, currency=region.currency_code, group_ids=groups, catalog_version=version)
        return paginator.get_paginated_response(results).data


class RegionQuery(serializers.Serializer):
    region_id = serializers.CharField(required=False, max_length=40, help_text="prices in this region's currency")


class ProductDetailView(StoreAPIView):
    """One published product by id (`prod_…`) or handle, with stock figures and its rating."""

    @extend_schema(responses=StoreProductSerializer, parameters=[RegionQuery])
    def get(self, request, id_or_handle: str):
        query = RegionQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        region = _region(query.validated_data.get("region_id"))
        row = store_read.find(store_read.storefront_products(request.sales_channel_id), id_or_handle)
        if row is None:
            raise NotFound(f"No product {id_or_handle}.", code="product_not_found")
        groups = sorted(group_ids(self.customer)) if self.customer else []
        product = store_read.present([row], currency=region.currency_code, group_ids=groups, detail=True,
                                     catalog_version=cache.version())[0]
        from commerce.reviews.services import rating_summary

        product["rating"] = rating_summary(row["id"])
        return Response(product)


class CollectionListView(StoreAPIView):
    @extend_schema(responses=page_of(CollectionSerializer))
    def get(self, request):
        paginator = CountedLimitOffsetPagination()
        page = paginator.paginate_queryset(ProductCollection.objects.order_by("title"), request, view=self)
        return paginator.get_paginated_response(CollectionSerializer(page, many=True).data)


class CategoryListView(StoreAPIView):
    """Active categories (flat, with parent ids; `?parent_id=` lists one level)."""

    @extend_schema(responses=page_of(CategorySerializer))
    def get(self, request):
        queryset = ProductCategory.objects.filter(is_active=True).order_by("mpath", "rank")
        if "parent_id" in request.query_params:
            parent = request.query_params["parent_id"]
            queryset = queryset.filter(parent_id=parent or None)
        paginator = CountedLimitOffsetPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(CategorySerializer(page, many=True).data)


class RegionListView(StoreAPIView):
    @extend_schema(responses=page_of(RegionSerializer))
    def get(self, request):
        paginator = CountedLimitOffsetPagination()
        page = paginator.paginate_queryset(Region.objects.order_by("name"), request, view=self)
        return paginator.get_paginated_response(RegionSerializer(page, many=True).data)
