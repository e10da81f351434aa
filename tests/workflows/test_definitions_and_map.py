"""Definitions are checked when registered; EVENT_WORKFLOW_MAP covers the seeds' whole catalogue;
the outbox backlog shows on /metrics."""
import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from workflows import definition, dispatch
from workflows.definition import DefinitionError, Step, Workflow, register, sleep, wait_for_signal
from workflows.outbox import emit

# Every trigger event of seeds 003 §4.3 and every entry of §9.4.
SEEDS_TRIGGERS = {
    "order.placed": "OrderPlacement", "order.fulfillment_started": "OrderFulfillment",
    "delivery.status_changed": "OrderFulfillment", "order.cancel_requested": "OrderCancellation",
    "return.requested": "ReturnAndRefund", "dispute.opened": "OrderDispute", "cart.completed": "OrderSplitAndRouting",
    "delivery.completed": "OrderReviewReminder", "checkout.completed": "PaymentCapture",
    "payout.requested": "VendorPayout", "order.completed": "LoyaltyPoints", "review.submitted": "LoyaltyPoints",
    "referral.converted": "LoyaltyPoints", "gift_card.purchased": "GiftCard", "gift_card.redeemed": "GiftCard",
    "vendor.registration_submitted": "VendorOnboarding", "vendor_product.submitted": "VendorProductApproval",
    "commission_rule.updated": "CommissionRecalculation", "order.refunded": "CommissionRecalculation",
    "purchase_order.submitted": "PurchaseOrderApproval", "quote.requested": "QuoteNegotiation",
    "company.credit_limit_review_requested": "CreditLimitReview",
    "company.registration_submitted": "CompanyOnboarding", "subscription.created": "SubscriptionLifecycle",
    "subscription.payment_failed": "SubscriptionDunning",
    "subscription.plan_change_requested": "SubscriptionUpgradeDowngrade",
    "subscription.cancel_requested": "SubscriptionCancellation", "purchase_receipt.created": "WarehouseReceiving",
    "stock.level_changed": "InventorySync", "delivery_batch.ready": "RouteOptimization",
    "vehicle.maintenance_due": "FleetMaintenance", "delivery.arrived_at_hub": "LastMileHandoff",
    "customer.high_value_purchase": "CustomerKYC", "customer.kyc_required": "CustomerKYC",
    "credential.issue_requested": "CredentialIssuance", "customer.consent_updated": "ConsentManagement",
    "cart.contains_age_restricted_product": "AgeVerification", "content.publish_requested": "ContentPublishing",
    "tenant.branding_updated": "TenantBrandingSync", "cart.abandoned": "AbandonedCartRecovery",
    "booking.created": "BookingLifecycle", "booking.reschedule_requested": "BookingReschedule",
    "provider.external_calendar_connected": "ProviderAvailabilitySync",
    "service_provider.registered": "ServiceProviderOnboarding", "tenant.created": "TenantProvisioning",
    "auction.created": "AuctionLifecycle", "rental.agreement_created": "RentalAgreement",
    "restaurant.order_placed": "RestaurantOrder", "event.ticket_purchased": "EventTicketing",
    "classified.offer_accepted": "ClassifiedTransaction", "affiliate.conversion_detected": "AffiliateTracking",
    "warranty.claim_submitted": "WarrantyClaim", "gig.proposal_accepted": "GigContract",
    "hotel.reservation_created": "HotelReservation", "property.offer_accepted": "PropertyTransaction",
    "crowdfund.campaign_launched": "CrowdfundingCampaign", "live_sale.session_started": "LiveSaleSession",
    "vehicle.service_booked": "VehicleService", "healthcare.appointment_booked": "HealthcareAppointment",
    "course.enrollment_purchased": "CourseEnrollment", "donation.submitted": "DonationProcessing",
    "loan.application_submitted": "LoanApplication", "ad.campaign_created": "AdCampaign",
    "parking.reservation_created": "ParkingReservation", "utility.bill_due": "UtilityBillPayment",
    "utility.payment_requested": "UtilityBillPayment", "municipal.application_submitted": "MunicipalServiceApplication",
    "membership.purchased": "MembershipLifecycle", "pet.service_booked": "PetService",
    "fitness.class_enrolled": "FitnessClass",
    # §9.4
    "order.cancelled": "OrderCancellation", "payment.initiated": "MultiGatewayPayment",
    "refund.requested": "RefundProcessing", "return.initiated": "ReturnAndRefund",
    "product.created": "ProductCatalogSync", "product.updated": "ProductCMSSync",
    "tenant.provisioned": "TenantProvisioning", "node.created": "NodeProvisioning",
    "vendor.registered": "VendorOnboarding",
    # this platform's own events
    "payment.capture_requested": "PaymentCapture", "content.record.created": "CMSCommercePush",
    "content.record.updated": "CMSCommercePush", "content.record.published": "CMSCommercePush",
    "content.record.unpublished": "CMSCommercePush", "content.record.deleted": "CMSCommercePush",
}


@pytest.mark.parametrize("event_type, workflow_type", sorted(SEEDS_TRIGGERS.items()))
def test_every_catalogue_trigger_is_mapped(event_type, workflow_type):
    assert workflow_type in [route.workflow_type for route in dispatch.routes_for(event_type)]


def test_order_placed_starts_escrow_and_instalments_only_when_the_payload_says_so():
    def started(payload):
        return [r.workflow_type for r in dispatch.routes_for("order.placed") if r.applies_to(payload)]

    assert started({}) == ["OrderPlacement"]
    assert started({"escrow": {"period_days": 7}, "installment_plan": {"num_installments": 4}}) == [
        "OrderPlacement", "EscrowManagement", "InstallmentPayment"]


def test_the_signal_catalogue_has_the_43_signals_of_the_seeds():
    assert len(dispatch.CATALOGUE_SIGNALS) == 43
    assert dispatch.is_signal("payment.intent.captured") and dispatch.is_signal("kyc.verification.approved")
    assert not dispatch.is_signal("order.placed")


def _noop(ctx):
    return None


def test_definitions_are_checked_when_registered():
    class NoAction(Workflow):
        type = "NoActionFlow"
        steps = [Step("a", _noop)]

    class Duplicate(Workflow):
        type = "DuplicateSteps"
        action = "x"
        steps = [Step("a", _noop), Step("a", _noop)]

    class Colon(Workflow):
        type = "Bad:Type"
        action = "x"

    class Clash(Workflow):
        type = "TestCheap"  # registered by tests/workflows/saga_definitions.py
        action = "x"

    for bad in (NoAction, Duplicate, Colon, Clash):
        with pytest.raises(DefinitionError):
            register(bad)
    with pytest.raises(DefinitionError):
        sleep("s")
    with pytest.raises(DefinitionError):
        wait_for_signal("w", "a.b", on_timeout="explode")
    assert definition.get("DuplicateSteps") is None


def test_a_step_uses_its_systems_retry_policy_unless_given_one():
    from integrations import policies

    assert Step("pay", _noop, system="stripe").retry_policy() is policies.PAYMENT_CAPTURE
    assert Step("erp", _noop, system="erpnext").retry_policy() is policies.BY_SYSTEM["erpnext"]
    assert Step("local", _noop).retry_policy() is policies.DEFAULT
    mine = policies.RetryPolicy(2)
    assert Step("custom", _noop, policy=mine).retry_policy() is mine


@pytest.mark.django_db
def test_the_outbox_backlog_and_active_runs_show_on_metrics(tenant_a, platform_client):
    with schema_context(tenant_a.schema_name), transaction.atomic():
        emit("test.cheap.happened", aggregate_type="thing", aggregate_id="metrics-backlog", payload={})
    text = platform_client.get("/metrics").content.decode()
    pending = [line for line in text.splitlines() if line.startswith('cityos_event_outbox_pending_count{tenant_id="alpha"}')]
    age = [line for line in text.splitlines() if line.startswith('cityos_event_outbox_age_seconds{tenant_id="alpha"}')]
    assert pending and float(pending[0].rsplit(" ", 1)[1]) >= 1
    assert age and float(age[0].rsplit(" ", 1)[1]) >= 0


@pytest.mark.django_db
def test_a_scheduled_workflow_starts_once_per_tenant_and_period(tenant_a, tenant_b):
    import importlib
    from datetime import datetime, timezone

    from workflows import schedules, services
    from workflows.models import WorkflowRun

    at = datetime(2026, 2, 8, 2, 0, 7, tzinfo=timezone.utc)
    first = services.start_scheduled("TestNightly", now=at)
    again = services.start_scheduled("TestNightly", now=at.replace(hour=3))
    ids = {result.run.workflow_id for result in first}
    assert {"tenant:alpha:test_nightly:20260208T0000Z:reconcile",
            "tenant:beta:test_nightly:20260208T0000Z:reconcile"} <= ids
    assert all(result.created for result in first) and not any(result.created for result in again)
    assert WorkflowRun.objects.get(workflow_id="tenant:alpha:test_nightly:20260208T0000Z:reconcile").input == {
        "scheduled_for": "20260208T0000Z"}

    entry = importlib.reload(schedules).SCHEDULES["workflows-scheduled-TestNightly"]
    assert entry["task"] == "workflows.start_scheduled" and entry["args"] == ("TestNightly",)
    assert {"workflows-relay-outbox", "workflows-resume-due-runs"} <= set(schedules.SCHEDULES)
