from django.contrib import admin

from commerce.reviews import services
from commerce.reviews.models import Review, ReviewStatus


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["product", "customer", "rating", "title", "status", "verified_purchase", "created_at"]
    list_filter = ["status", "rating", "verified_purchase"]
    search_fields = ["title", "body", "product__title", "customer__email"]
    raw_id_fields = ["product", "customer"]
    actions = ["approve", "reject"]

    @admin.action(description="Approve the selected reviews")
    def approve(self, request, queryset):
        for review in queryset:
            services.moderate(review.pk, ReviewStatus.APPROVED)

    @admin.action(description="Reject the selected reviews")
    def reject(self, request, queryset):
        for review in queryset:
            services.moderate(review.pk, ReviewStatus.REJECTED)
