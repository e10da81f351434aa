"""Product reviews by customers, shown once a moderator approves them."""
from django.db import models
from django.db.models import Q

from cityos.ids import PrefixedIdField
from commerce.core.models import Timestamped


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Pending moderation"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Review(Timestamped):
    id = PrefixedIdField(prefix="rev")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="reviews")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    verified_purchase = models.BooleanField(default=False)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["product", "customer"], name="review_once_per_product"),
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5), name="review_rating_range"),
        ]
        indexes = [models.Index(fields=["product", "status", "-created_at"], name="review_product_status")]

    def __str__(self):
        return f"{self.rating}★ on {self.product_id} by {self.customer_id}"
