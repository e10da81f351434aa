"""Escrow holds (WF-011): a vendor's share of an order stays on the platform until the order is
delivered and its dispute window has passed; then it is released (payable to the vendor), kept
for a dispute, or returned with a cancellation."""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cityos.money import fmt
from commerce import events
from commerce.marketplace import services as marketplace
from commerce.payments.models import EscrowHold, EscrowStatus


def holds_of(order_id: str):
    return EscrowHold.objects.filter(order_id=order_id).select_related("vendor_order").order_by("pk")


def hold_for_order(order_id: str) -> list[EscrowHold]:
    """Hold the share of every escrow vendor of the order (idempotent)."""
    with transaction.atomic():
        holds = []
        escrowed = [vo for vo in marketplace.vendor_orders_of(order_id) if vo.vendor.uses_escrow]
        for vendor_order in escrowed:
            hold, created = EscrowHold.objects.get_or_create(
                vendor_order=vendor_order, defaults={"order_id": order_id, "currency_code": vendor_order.currency_code,
                                                     "amount": vendor_order.net_amount})
            if created:
                events.emit(events.ESCROW_HELD, hold.id, {
                    "escrow_id": hold.id, "order_id": order_id, "vendor_order_id": vendor_order.id,
                    "vendor_id": vendor_order.vendor_id, "amount": fmt(hold.amount, hold.currency_code),
                    "currency_code": hold.currency_code})
            holds.append(hold)
        if escrowed:
            marketplace.hold_commissions(order_id, reason="escrow", vendor_order_ids=[vo.id for vo in escrowed])
    return holds


def schedule_release(order_id: str, days_by_vendor_order: dict[str, int]) -> None:
    now = timezone.now()
    with transaction.atomic():
        for hold in holds_of(order_id).select_for_update().filter(status=EscrowStatus.HELD):
            hold.release_after = now + timedelta(days=days_by_vendor_order.get(hold.vendor_order_id, 7))
            hold.save(update_fields=["release_after", "updated_at"])


def _move(order_id: str, status: str, *, note: str = "", only_from=(EscrowStatus.HELD,)) -> list[EscrowHold]:
    moved = []
    for hold in holds_of(order_id).select_for_update().filter(status__in=only_from):
        hold.status = status
        hold.note = note[:300]
        if status == EscrowStatus.RELEASED:
            hold.released_at = timezone.now()
        hold.save()
        moved.append(hold)
    return moved


def release(order_id: str, *, reason: str = "completed") -> list[EscrowHold]:
    """The dispute window passed (or a dispute was won): the shares become payable."""
    with transaction.atomic():
        released = _move(order_id, EscrowStatus.RELEASED, note=reason,
                         only_from=(EscrowStatus.HELD, EscrowStatus.DISPUTED))
        if released:
            marketplace.release_commissions(order_id, reason=f"escrow released ({reason})",
                                            vendor_order_ids=[hold.vendor_order_id for hold in released])
        for hold in released:
            events.emit(events.ESCROW_RELEASED, hold.id, {
                "escrow_id": hold.id, "order_id": order_id, "vendor_order_id": hold.vendor_order_id,
                "amount": fmt(hold.amount, hold.currency_code), "currency_code": hold.currency_code,
                "released_to": hold.vendor_order.vendor_id, "released_at": hold.released_at.isoformat(),
                "release_reason": reason})
    return released


def keep_for_dispute(order_id: str, *, dispute_id: str) -> list[EscrowHold]:
    with transaction.atomic():
        return _move(order_id, EscrowStatus.DISPUTED, note=f"dispute {dispute_id}")


def after_dispute(order_id: str, *, delivered: bool, outcome: str) -> list[EscrowHold]:
    """A dispute closed: holds kept for it are released when the order was delivered (its
    escrow run had finished), otherwise held again for the escrow run to release."""
    if delivered:
        return release(order_id, reason=f"dispute {outcome}")
    with transaction.atomic():
        return _move(order_id, EscrowStatus.HELD, note=f"dispute {outcome}", only_from=(EscrowStatus.DISPUTED,))


def refund(order_id: str, *, reason: str) -> list[EscrowHold]:
    """The order was cancelled (or the dispute lost): the held shares go back with the money."""
    with transaction.atomic():
        return _move(order_id, EscrowStatus.REFUNDED, note=reason, only_from=(EscrowStatus.HELD, EscrowStatus.DISPUTED))
