"""Admin API of reviews: the moderation queue."""
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from cityos.api.base import AdminReadOnlyViewSet
from commerce.reviews import services
from commerce.reviews.models import Review, ReviewStatus


class ReviewAdminOut(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = ["id", "product_id", "customer_id", "rating", "title", "body", "status", "verified_purchase",
                  "moderated_at", "moderation_note", "created_at"]


class ModerateIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


@extend_schema_view(
    list=extend_schema(tags=["admin: reviews"], parameters=[
        OpenApiParameter("status", str, enum=ReviewStatus.values), OpenApiParameter("product_id", str)]),
    retrieve=extend_schema(tags=["admin: reviews"]),
)
class ReviewViewSet(AdminReadOnlyViewSet):
    serializer_class = ReviewAdminOut

    def get_queryset(self):
        queryset = Review.objects.order_by("-created_at")
        for field in ("status", "product_id"):
            if self.request.query_params.get(field):
                queryset = queryset.filter(**{field: self.request.query_params[field]})
        return queryset

    def _moderate(self, request, status):
        serializer = ModerateIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.moderate(self.get_object().pk, status, serializer.validated_data.get("note", ""))
        return Response(ReviewAdminOut(review).data)

    @extend_schema(tags=["admin: reviews"], request=ModerateIn, responses=ReviewAdminOut)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._moderate(request, ReviewStatus.APPROVED)

    @extend_schema(tags=["admin: reviews"], request=ModerateIn, responses=ReviewAdminOut)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._moderate(request, ReviewStatus.REJECTED)
