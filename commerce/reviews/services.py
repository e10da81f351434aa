"""Reviews: customers submit, moderators approve or reject, shoppers read approved ones."""
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone

from cityos.errors import Conflict, InvalidInput, NotFound
from commerce import events
from commerce.orders.models import OrderLineItem, OrderStatus
from commerce.reviews.models import Review, ReviewStatus


def submit(customer, product, *, rating: int, title: str = "", body: str = "") -> Review:
    """A pending review (one per customer and product: 409 `review_exists`); marked a verified
    purchase when the customer has a non-cancelled order with the product."""
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise InvalidInput("A rating is a whole number from 1 to 5.", fields={"rating": ["From 1 to 5."]})
    verified = OrderLineItem.objects.filter(order__customer=customer, product_id=product.pk).exclude(
        order__status=OrderStatus.CANCELED).exists()
    try:
        with transaction.atomic():
            review = Review.objects.create(product=product, customer=customer, rating=rating, title=title[:200],
                                           body=body, verified_purchase=verified)
            events.emit(events.REVIEW_SUBMITTED, review.id, {
                "review_id": review.id, "product_id": product.pk, "customer_id": customer.pk, "rating": rating,
                "verified_purchase": verified})
    except IntegrityError:
        raise Conflict("You have reviewed this product already.", code="review_exists") from None
    return review


def moderate(review_id: str, status: str, note: str = "") -> Review:
    if status not in (ReviewStatus.APPROVED, ReviewStatus.REJECTED):
        raise InvalidInput("Approve or reject.", fields={"status": ["approved or rejected."]})
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(pk=review_id).first()
        if review is None:
            raise NotFound(f"No review {review_id}.", code="review_not_found")
        review.status, review.moderation_note, review.moderated_at = status, note[:300], timezone.now()
        review.save()
        events.emit(events.REVIEW_MODERATED, review.id, {
            "review_id": review.id, "product_id": review.product_id, "customer_id": review.customer_id,
            "rating": review.rating, "status": status})
    return review


def approved_for(product):
    return Review.objects.filter(product=product, status=ReviewStatus.APPROVED).select_related("customer")


def rating_summary(product) -> dict:
    figures = approved_for(product).aggregate(average=Avg("rating"), count=Count("id"))
    average = figures["average"]
    return {"average": round(float(average), 2) if average is not None else None, "count": figures["count"]}
