"""Store API of reviews: approved reviews of a product; customers submit theirs."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from cityos.api.pagination import CountedLimitOffsetPagination
from cityos.errors import NotFound
from commerce.catalog import store_read
from commerce.catalog.services import get_product
from commerce.core.schema import page_of
from commerce.core.store import IsCustomer, StoreAPIView
from commerce.reviews import services


class ReviewOut(serializers.Serializer):
    id = serializers.CharField()
    product_id = serializers.CharField()
    rating = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    author = serializers.CharField()
    verified_purchase = serializers.BooleanField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReviewPageOut(page_of(ReviewOut)):
    rating = serializers.DictField(help_text="{average, count} of approved reviews")


class ReviewInput(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, max_length=5000)


def present_review(review) -> dict:
    customer = review.customer
    return {"id": review.id, "product_id": review.product_id, "rating": review.rating, "title": review.title,
            "body": review.body, "author": customer.first_name or customer.email.split("@")[0],
            "verified_purchase": review.verified_purchase, "status": review.status,
            "created_at": review.created_at.isoformat()}


class ProductReviewsView(StoreAPIView):
    def get_permissions(self):
        return [IsCustomer()] if self.request.method == "POST" else []

    def product(self, request, id_or_handle):
        row = store_read.find(store_read.storefront_products(request.sales_channel_id), id_or_handle)
        if row is None:
            raise NotFound(f"No product {id_or_handle}.", code="product_not_found")
        return get_product(row["id"])

    @extend_schema(responses=ReviewPageOut, description="Approved reviews, newest first (paginated).")
    def get(self, request, id_or_handle: str):
        product = self.product(request, id_or_handle)
        paginator = CountedLimitOffsetPagination()
        page = paginator.paginate_queryset(services.approved_for(product), request, view=self)
        response = paginator.get_paginated_response([present_review(r) for r in page])
        response.data["rating"] = services.rating_summary(product)
        return response

    @extend_schema(request=ReviewInput, responses={201: ReviewOut},
                   description="Submit a review (held for moderation). 409 `review_exists` on a second one.")
    def post(self, request, id_or_handle: str):
        serializer = ReviewInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.submit(self.customer, self.product(request, id_or_handle), **serializer.validated_data)
        return Response(present_review(review), status=status.HTTP_201_CREATED)
