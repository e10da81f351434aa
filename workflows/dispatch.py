"""EVENT_WORKFLOW_MAP: which workflow types an outbox event starts (seeds 003 §4.3 triggers, §9.4),
and SIGNAL_EVENTS: which event types are signals for waiting runs (seeds 003 §4.4).

An event may start several workflows; a route with a condition starts its workflow only when
the event's payload says so. A workflow type named here but not registered (its definition is
not written yet) is skipped with a note on the event — the event is still delivered, not lost.
Workflows started on a schedule (NoShowCheck, Reconciliation, …) have no event: their
definitions carry a `schedule`.
"""
from dataclasses import dataclass
from typing import Callable

from workflows import definition as definitions


@dataclass(frozen=True)
class Route:
    workflow_type: str
    when: Callable[[dict], bool] | None = None
    condition: str = ""  # the condition in words (admin, `workflow_status --map`)

    def applies_to(self, payload: dict) -> bool:
        return self.when is None or bool(self.when(payload or {}))

    def __str__(self):
        return f"{self.workflow_type} (when {self.condition})" if self.condition else self.workflow_type


def when_payload(key: str, value=None) -> tuple[Callable[[dict], bool], str]:
    """(predicate, words): the payload has a truthy `key` (or `key == value`)."""
    if value is None:
        return (lambda payload: bool(payload.get(key))), f"payload.{key}"
    return (lambda payload: payload.get(key) == value), f"payload.{key} == {value!r}"


def route(workflow_type: str, *, when: tuple | None = None) -> Route:
    if when is None:
        return Route(workflow_type)
    predicate, words = when
    return Route(workflow_type, predicate, words)


def _routes(*types_or_routes) -> tuple[Route, ...]:
    return tuple(item if isinstance(item, Route) else Route(item) for item in types_or_routes)


EVENT_WORKFLOW_MAP: dict[str, tuple[Route, ...]] = {
    # -- order lifecycle (WF-001 … WF-008) --------------------------------------------------
    "order.placed": _routes(
        "OrderPlacement",
        route("EscrowManagement", when=when_payload("escrow")),
        route("InstallmentPayment", when=when_payload("installment_plan")),
        route("SameDayDelivery", when=when_payload("shipping_method", "same_day")),
        route("GroceryFreshDelivery", when=when_payload("has_perishable_items")),
    ),
    "order.fulfillment_started": _routes(route("OrderFulfillment", when=when_payload("provider", "fleetbase"))),
    "delivery.status_changed": _routes("OrderFulfillment"),
    "order.cancel_requested": _routes("OrderCancellation"),
    "order.cancelled": _routes("OrderCancellation"),
    "return.requested": _routes("ReturnAndRefund"),
    "return.initiated": _routes("ReturnAndRefund"),
    "refund.requested": _routes("RefundProcessing"),
    "dispute.opened": _routes("OrderDispute"),
    "cart.completed": _routes(route("OrderSplitAndRouting", when=when_payload("is_multi_vendor"))),
    # written by OrderFulfillment (aggregate order) when a delivery arrived; Fleetbase's own
    # `delivery.order.delivered` (keyed by its order id) is a signal for OrderFulfillment
    "delivery.completed": _routes("OrderReviewReminder"),
    # -- payment and financial (WF-009 … WF-015) --------------------------------------------
    "checkout.completed": _routes("PaymentCapture"),
    "payment.capture_requested": _routes("PaymentCapture"),
    "payment.initiated": _routes("MultiGatewayPayment"),
    "payout.requested": _routes("VendorPayout"),
    "order.completed": _routes("LoyaltyPoints", route("B2BInvoicing", when=when_payload("payment_terms"))),
    "review.submitted": _routes("LoyaltyPoints"),
    "referral.converted": _routes("LoyaltyPoints"),
    "gift_card.purchased": _routes("GiftCard"),
    "gift_card.redeemed": _routes("GiftCard"),
    # -- marketplace and vendors (WF-016 … WF-021) ------------------------------------------
    "vendor.registration_submitted": _routes("VendorOnboarding"),
    "vendor.registered": _routes("VendorOnboarding"),
    "vendor_product.submitted": _routes("VendorProductApproval"),
    "commission_rule.updated": _routes("CommissionRecalculation"),
    "order.refunded": _routes(route("CommissionRecalculation", when=when_payload("partial"))),
    # -- B2B (WF-022 … WF-026) ----------------------------------------------------------------
    "purchase_order.submitted": _routes("PurchaseOrderApproval"),
    "quote.requested": _routes("QuoteNegotiation"),
    "company.credit_limit_review_requested": _routes("CreditLimitReview"),
    "company.registration_submitted": _routes("CompanyOnboarding"),
    # -- subscriptions (WF-027 … WF-031) ------------------------------------------------------
    "subscription.created": _routes("SubscriptionLifecycle"),
    "subscription.payment_failed": _routes("SubscriptionDunning"),
    "subscription.plan_change_requested": _routes("SubscriptionUpgradeDowngrade"),
    "subscription.cancel_requested": _routes("SubscriptionCancellation"),
    # -- logistics (WF-032 … WF-037) ----------------------------------------------------------
    "purchase_receipt.created": _routes("WarehouseReceiving"),
    "stock.level_changed": _routes("InventorySync"),
    "delivery_batch.ready": _routes("RouteOptimization"),
    "vehicle.maintenance_due": _routes("FleetMaintenance"),
    "delivery.arrived_at_hub": _routes("LastMileHandoff"),
    # -- identity and compliance (WF-038 … WF-042) --------------------------------------------
    "customer.high_value_purchase": _routes("CustomerKYC"),
    "customer.kyc_required": _routes("CustomerKYC"),
    "credential.issue_requested": _routes("CredentialIssuance"),
    "customer.consent_updated": _routes("ConsentManagement"),
    "cart.contains_age_restricted_product": _routes("AgeVerification"),
    # -- content and notifications (WF-043 … WF-046) ------------------------------------------
    "content.publish_requested": _routes("ContentPublishing"),
    "tenant.branding_updated": _routes("TenantBrandingSync"),
    "cart.abandoned": _routes("AbandonedCartRecovery"),
    "content.record.created": _routes("CMSCommercePush"),
    "content.record.updated": _routes("CMSCommercePush"),
    "content.record.published": _routes("CMSCommercePush"),
    "content.record.unpublished": _routes("CMSCommercePush"),
    "content.record.deleted": _routes("CMSCommercePush"),
    "product.created": _routes("ProductCatalogSync"),
    "product.updated": _routes("ProductCMSSync"),
    # -- bookings (WF-047 … WF-050) -----------------------------------------------------------
    "booking.created": _routes("BookingLifecycle"),
    "booking.reschedule_requested": _routes("BookingReschedule"),
    "provider.external_calendar_connected": _routes("ProviderAvailabilitySync"),
    "service_provider.registered": _routes("ServiceProviderOnboarding"),
    # -- platform operations (WF-051 …) -------------------------------------------------------
    "tenant.created": _routes("TenantProvisioning"),
    "tenant.provisioned": _routes("TenantProvisioning"),
    "node.created": _routes("NodeProvisioning"),
    # -- verticals (WF-056 … WF-080) ----------------------------------------------------------
    "auction.created": _routes("AuctionLifecycle"),
    "rental.agreement_created": _routes("RentalAgreement"),
    "restaurant.order_placed": _routes("RestaurantOrder"),
    "event.ticket_purchased": _routes("EventTicketing"),
    "classified.offer_accepted": _routes("ClassifiedTransaction"),
    "affiliate.conversion_detected": _routes("AffiliateTracking"),
    "warranty.claim_submitted": _routes("WarrantyClaim"),
    "gig.proposal_accepted": _routes("GigContract"),
    "hotel.reservation_created": _routes("HotelReservation"),
    "property.offer_accepted": _routes("PropertyTransaction"),
    "crowdfund.campaign_launched": _routes("CrowdfundingCampaign"),
    "live_sale.session_started": _routes("LiveSaleSession"),
    "vehicle.service_booked": _routes("VehicleService"),
    "healthcare.appointment_booked": _routes("HealthcareAppointment"),
    "course.enrollment_purchased": _routes("CourseEnrollment"),
    "donation.submitted": _routes("DonationProcessing"),
    "loan.application_submitted": _routes("LoanApplication"),
    "ad.campaign_created": _routes("AdCampaign"),
    "parking.reservation_created": _routes("ParkingReservation"),
    "utility.bill_due": _routes("UtilityBillPayment"),
    "utility.payment_requested": _routes("UtilityBillPayment"),
    "municipal.application_submitted": _routes("MunicipalServiceApplication"),
    "membership.purchased": _routes("MembershipLifecycle"),
    "pet.service_booked": _routes("PetService"),
    "fitness.class_enrolled": _routes("FitnessClass"),
}

# Signal names of seeds 003 §4.4 ({domain}.{entity}.{event}), and the per-workflow signals named
# in the catalogue (§4.3). An outbox event of one of these types is also delivered as a signal,
# keyed by its aggregate id, to the runs that wait for it.
CATALOGUE_SIGNALS = frozenset({
    # payment
    "payment.intent.captured", "payment.intent.failed", "payment.intent.requires_action",
    "payment.refund.completed", "payment.refund.failed", "payment.transfer.completed", "payment.escrow.released",
    # delivery
    "delivery.order.picked_up", "delivery.order.in_transit", "delivery.order.delivered", "delivery.order.failed",
    "delivery.driver.assigned", "delivery.proof.submitted",
    # identity
    "kyc.verification.approved", "kyc.verification.rejected", "kyc.document.uploaded", "credential.issued",
    "credential.revoked",
    # booking
    "booking.customer.checked_in", "booking.completed", "booking.no_show", "booking.cancelled",
    # approval
    "approval.request.approved", "approval.request.rejected", "approval.request.escalated",
    # auction
    "bid.placed", "bid.retracted", "auction.cancelled", "buy_now.triggered",
    # rental
    "rental.returned", "rental.extended", "rental.damaged", "rental.early_termination",
    # gig
    "milestone.delivered", "milestone.approved", "milestone.revision_requested", "contract.disputed",
    "contract.cancelled",
    # subscription
    "subscription.payment.received", "subscription.payment.failed", "subscription.cancelled",
    "subscription.paused", "subscription.resumed",
})
WORKFLOW_SIGNALS = frozenset({
    "payment.captured", "inventory.reserved", "delivery.created",                      # WF-001
    "driver.assigned", "pickup.completed", "delivery.in_transit", "delivery.completed",
    "delivery.failed", "delivery.returned",                                             # WF-002
    "installment.paid", "installment.failed", "plan.cancelled",                         # WF-012
})

_extra_routes: dict[str, list[Route]] = {}


def add_route(event_type: str, workflow_type: str, *, when: tuple | None = None) -> None:
    """Map one more event to a workflow type (for events this map does not know yet)."""
    _extra_routes.setdefault(event_type, []).append(route(workflow_type, when=when))


def routes_for(event_type: str) -> tuple[Route, ...]:
    return EVENT_WORKFLOW_MAP.get(event_type, ()) + tuple(_extra_routes.get(event_type, ()))


def is_signal(event_type: str) -> bool:
    return event_type in CATALOGUE_SIGNALS or event_type in WORKFLOW_SIGNALS or \
        event_type in definitions.declared_signals()


def mapped_event_types() -> list[str]:
    return sorted(set(EVENT_WORKFLOW_MAP) | set(_extra_routes))


def describe_map() -> list[dict]:
    """One row per (event type, route) with whether the workflow type is registered."""
    rows = []
    for event_type in mapped_event_types():
        for item in routes_for(event_type):
            rows.append({"event_type": event_type, "workflow_type": item.workflow_type,
                         "condition": item.condition, "registered": definitions.get(item.workflow_type) is not None,
                         "signal": is_signal(event_type)})
    return rows
