"""WF-007 NoShowCheck: every 15 minutes, overdue reservations become no-shows, pay their slot's
no-show fee once, hear about it, and give their seats back; a run repeated or following a failed
one does nothing twice."""
import importlib
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from commerce.bookings import services as bookings
from commerce.bookings.models import Booking, Reservation
from integrations.models import SandboxObject
from tests.commerce.bookings.test_bookings import book, seats_left, slot
from workflows import services as workflow_services
from workflows.models import EventOutbox

D = Decimal


def _started_ago(booking: Booking, minutes: int) -> Booking:
    starts = timezone.now() - timedelta(minutes=minutes)
    Booking.objects.filter(pk=booking.pk).update(starts_at=starts, ends_at=starts + timedelta(minutes=20))
    booking.refresh_from_db()
    return booking


def _check(pump, at):
    [started] = [r for r in workflow_services.start_scheduled("NoShowCheck", now=at) if r.run.tenant_id == "alpha"]
    return pump.finished(started.run.workflow_id)


def _no_show_mails(mailoutbox) -> list:
    """The no-show e-mails (the pump also runs the booking orders' placements, which confirm them)."""
    return [mail for mail in mailoutbox if mail.subject.startswith("We missed you")]


def _fee_intents() -> list[dict]:
    return [row.data for row in SandboxObject.objects.using("sandbox").filter(system="stripe", kind="payment_intent")
            if "reservation_id" in (row.data.get("metadata") or {})]


def test_overdue_reservations_become_no_shows_pay_the_fee_and_free_their_seats(shop, pump, mailoutbox):
    with_fee = slot(capacity=2, no_show_fee=D("40"))
    _, [late] = book(shop, with_fee, email="late@example.com")
    _, [came] = book(shop, with_fee, email="came@example.com")
    no_fee = slot(capacity=1, title="Physiotherapy")
    _, [late_free] = book(shop, no_fee, email="free@example.com")
    future = slot(capacity=1, title="Tomorrow's class")
    _, [not_yet] = book(shop, future, email="soon@example.com")
    bookings.check_in(came.pk)
    _started_ago(with_fee, 60), _started_ago(no_fee, 45)
    _started_ago(Booking.objects.get(pk=future.pk), -60 * 24)  # begins tomorrow
    assert seats_left(with_fee) == 0 and seats_left(no_fee) == 0
    run = _check(pump, timezone.now())

    assert run.status == "completed", run.error
    assert run.workflow_id.startswith("tenant:alpha:booking:") and run.workflow_id.endswith(":no_show_check")
    statuses = dict(Reservation.objects.values_list("pk", "status"))
    assert (statuses[late.pk], statuses[late_free.pk]) == ("no_show", "no_show")
    assert (statuses[came.pk], statuses[not_yet.pk]) == ("checked_in", "pending")
    late.refresh_from_db(), late_free.refresh_from_db()
    assert (late.no_show_fee_status, late.no_show_fee) == ("charged", D("40.00"))
    assert late_free.no_show_fee_status == ""
    [intent] = _fee_intents()
    assert (intent["amount"], intent["status"], intent["metadata"]["reservation_id"]) == (4000, "succeeded", late.pk)
    assert seats_left(with_fee) == 1 and seats_left(no_fee) == 1
    assert late.seats_released and late_free.seats_released
    assert EventOutbox.objects.filter(event_type="booking.seats_released").count() == 2
    assert sorted(mail.to[0] for mail in _no_show_mails(mailoutbox)) == ["free@example.com", "late@example.com"]
    [to_late] = [mail for mail in _no_show_mails(mailoutbox) if mail.to == ["late@example.com"]]
    assert "GP consultation" in to_late.subject and "40.00 SAR" in to_late.body
    assert set(run.result["mark_as_no_show"]["marked"]) == {late.pk, late_free.pk}

    told = len(_no_show_mails(mailoutbox))
    again = _check(pump, timezone.now() + timedelta(minutes=15))  # the next quarter hour: nothing left to do
    assert again.status == "completed" and again.workflow_id != run.workflow_id
    assert again.result["find_overdue_bookings"] == {"overdue": [], "stranded": [], "check_window_minutes": 30}
    assert len(_fee_intents()) == 1 and len(_no_show_mails(mailoutbox)) == told


def test_the_next_run_finishes_what_a_failed_one_left(shop, pump, mailoutbox):
    booking = slot(capacity=1, no_show_fee=D("15"))
    _, [reservation] = book(shop, booking, email="left@example.com")
    _started_ago(booking, 90)
    # A run marked it, then failed before charging and freeing the seat.
    bookings.mark_no_show(reservation.pk, release_seats=False)
    assert seats_left(booking) == 0
    run = _check(pump, timezone.now())

    assert run.status == "completed", run.error
    assert run.result["find_overdue_bookings"]["stranded"] == [reservation.pk]
    reservation.refresh_from_db()
    assert (reservation.no_show_fee_status, reservation.seats_released) == ("charged", True)
    assert seats_left(booking) == 1
    assert _no_show_mails(mailoutbox) == []  # told by the run that marked it, not twice


def test_a_custom_window_and_the_beat_schedule(shop, pump):
    booking = slot(capacity=1)
    _, [reservation] = book(shop, booking)
    _started_ago(booking, 20)
    started = workflow_services.start_workflow("NoShowCheck", {"check_window_minutes": 10}, entity_id="manual-1")
    run = pump.finished(started.run.workflow_id)
    assert run.status == "completed", run.error
    assert Reservation.objects.get(pk=reservation.pk).status == "no_show"

    from workflows import schedules

    entry = importlib.reload(schedules).SCHEDULES["workflows-scheduled-NoShowCheck"]
    assert entry["args"] == ("NoShowCheck",) and entry["schedule"].minute == {0, 15, 30, 45}
