"""WF-007 NoShowCheck (seeds 003 §4.3.1): every 15 minutes, the reservations nobody came for
become no-shows, pay their slot's no-show fee and give their seats back.

Scheduled every 15 minutes for every active tenant (beat `workflows-scheduled-NoShowCheck`; id
`tenant:{t}:booking:{YYYYMMDDTHHMMZ}:no_show_check`); by hand: `manage.py trigger_workflow
NoShowCheck --tenant T --entity-id now --input '{"check_window_minutes": 30}'`. A reservation is
overdue when its slot began more than `check_window_minutes` (default 30) ago and nobody checked
it in (pending or confirmed).

| # | Step | System |
| - | ---- | ------ |
| 1 | find_overdue_bookings — up to `BATCH` overdue reservations, oldest slot first (the next run takes the rest), and no-shows an earlier run left with their seats held | commerce |
| 2 | mark_as_no_show — each becomes a no-show (`booking.no_show`); one checked in meanwhile is left alone | commerce |
| 3 | apply_no_show_fee — the slot's `no_show_fee`, when set, charged once to the card the booking was paid with; a declined card is recorded | Stripe |
| 4 | notify_customer — `booking-no-show` to each customer marked by this run | content |
| 5 | free_provider_slot — the seats go back to the slot (`booking.seats_released` for its waitlist) | commerce |

Every step works reservation by reservation and is safe to repeat (a marked no-show is not marked
again, a charged fee not charged again, released seats not released again), so a retried step —
or the next run, for what a failed run left — finishes the work without doing any of it twice.
"""
from datetime import datetime

from celery.schedules import crontab
from django.utils import timezone

from cityos.errors import Conflict
from cityos.money import fmt
from commerce.bookings import services as bookings
from commerce.bookings.models import Reservation
from integrations import policies
from workflows.definition import Step, Workflow, register
from workflows.definitions.common import notify, orders, timing
from workflows.errors import classify

BATCH = 200


def _window(ctx) -> int:
    return int(ctx.input.get("check_window_minutes") or bookings.NO_SHOW_GRACE_MINUTES)


def _checked_at(ctx):
    """The moment this run judges lateness by: its scheduled time, else its start."""
    return datetime.fromisoformat(ctx.state.setdefault("checked_at", timezone.now().isoformat()))


def find_overdue_bookings(ctx):
    overdue = list(bookings.overdue_reservations(now=_checked_at(ctx), grace_minutes=_window(ctx))
                   .values_list("pk", flat=True)[:BATCH])
    stranded = list(bookings.unreleased_no_shows().values_list("pk", flat=True)[:BATCH])
    return {"overdue": overdue, "stranded": stranded, "check_window_minutes": _window(ctx)}


def mark_as_no_show(ctx):
    marked, skipped = [], {}
    for reservation_id in ctx.results["find_overdue_bookings"]["overdue"]:
        try:
            bookings.mark_no_show(reservation_id, now=_checked_at(ctx), grace_minutes=_window(ctx),
                                  release_seats=False)
        except Conflict as exc:  # checked in or cancelled since step 1
            skipped[reservation_id] = exc.code
        else:
            marked.append(reservation_id)
    return {"marked": marked, "skipped": skipped}


def _no_shows(ctx) -> list[str]:
    """This run's no-shows and those an earlier run left unfinished."""
    return ctx.results["mark_as_no_show"]["marked"] + ctx.results["find_overdue_bookings"]["stranded"]


def apply_no_show_fee(ctx):
    """One charge per reservation, keyed by the step's key and the reservation: a retried step or
    a later run sends the same key, and a charged or declined fee is never tried again. A refusal
    that retrying cannot change (an unknown card) is recorded for staff and the others go on."""
    outcome = {}
    for reservation_id in _no_shows(ctx):
        try:
            reservation = bookings.charge_no_show_fee(reservation_id, idempotency_key=f"no-show-fee:{reservation_id}")
        except Exception as exc:
            failure = classify(exc)
            if getattr(failure, "retryable", False):
                raise
            outcome[reservation_id] = {"status": "failed", "error": getattr(exc, "message", str(exc))}
            continue
        if reservation.no_show_fee_status:
            outcome[reservation_id] = {"status": reservation.no_show_fee_status,
                                       "fee": fmt(reservation.booking.no_show_fee, reservation.currency_code)}
    return {"fees": outcome}


def notify_customer(ctx):
    fees = ctx.results["apply_no_show_fee"]["fees"]
    sent = []
    for reservation in (Reservation.objects.select_related("booking")
                        .filter(pk__in=ctx.results["mark_as_no_show"]["marked"]).order_by("pk")):
        fee = fees.get(reservation.pk, {})
        result = notify.send("booking-no-show", to=reservation.email, context={
            "store": {"name": orders.store_name()},
            "booking": {"title": reservation.booking.title, "provider": reservation.booking.provider_name,
                        "starts_at": timezone.localtime(reservation.booking.starts_at).strftime("%Y-%m-%d %H:%M"),
                        "fee": f"{fee['fee']} {reservation.currency_code}" if fee.get("status") == "charged"
                        else "—"}})
        if result["sent"]:
            sent.append(reservation.pk)
    return {"notified": sent}


def free_provider_slot(ctx):
    freed = {reservation_id: bookings.release_seats(reservation_id) for reservation_id in _no_shows(ctx)}
    return {"seats_released": {k: v for k, v in freed.items() if v}}


@register
class NoShowCheck(Workflow):
    type = "NoShowCheck"
    domain = "booking"
    action = "no_show_check"
    schedule = crontab(minute="*/15")
    schedule_period = 900
    description = "WF-007: overdue reservations become no-shows, pay the no-show fee and free their seats"
    steps = [
        Step("find_overdue_bookings", find_overdue_bookings),
        Step("mark_as_no_show", mark_as_no_show),
        Step("apply_no_show_fee", apply_no_show_fee, system="stripe", policy=timing.policy(policies.PAYMENT_CAPTURE),
             timeout=timing.timeout(300), when=lambda ctx: bool(_no_shows(ctx))),
        Step("notify_customer", notify_customer, system="content", policy=timing.policy(policies.CONTENT_NOTIFY),
             timeout=timing.timeout(60), when=lambda ctx: bool(ctx.results["mark_as_no_show"]["marked"])),
        Step("free_provider_slot", free_provider_slot, when=lambda ctx: bool(_no_shows(ctx))),
    ]
