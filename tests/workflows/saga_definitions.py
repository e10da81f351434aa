"""Workflow definitions used by the engine's tests (registered in the test process, and in the
worker processes the tests start, through WORKFLOW_MODULES).

Their external side effects go to the Stripe sandbox with the step's idempotency key, so tests
count them in SandboxObject / SandboxCall rows; their local side effects are outbox events.
"""
import time

from celery.schedules import crontab

from integrations import errors, registry
from integrations.policies import RetryPolicy
from workflows import dispatch
from workflows.definition import Step, Workflow, register, sleep, wait_for_signal

# Short intervals keep the suite fast; the non-retryable list is the payment policy's.
FAST = RetryPolicy(max_attempts=5, initial_interval=0.3, max_interval=2, backoff=2.0,
                   non_retryable=("PaymentDeclinedError", "FraudDetectedError", "InvalidArgumentError"))
FAST_COMPENSATION = RetryPolicy(max_attempts=3, initial_interval=0.2, max_interval=1, backoff=2.0)


def stripe():
    return registry.get("stripe", sandbox=True)


def _charge(ctx, amount, card="pm_card_visa", capture_method="automatic"):
    return stripe().create_payment_intent(
        amount=amount, currency="sar", payment_method=card, capture_method=capture_method,
        idempotency_key=ctx.idempotency_key, metadata={"workflow_id": ctx.workflow_id, "step": ctx.step})


def _refund(ctx, step):
    intent = ctx.results[step]["id"]
    return stripe().create_refund(payment_intent=intent, idempotency_key=ctx.idempotency_key,
                                  metadata={"workflow_id": ctx.workflow_id, "step": ctx.step})["id"]


def _slow_here(ctx):
    if ctx.input.get("slow_step") == ctx.step and ctx.attempt == 1:
        time.sleep(float(ctx.input.get("slow_seconds", 3)))


def _record(event_type):
    def run(ctx):
        ctx.emit(event_type, aggregate_type="test_saga", aggregate_id=ctx.workflow_id.split(":")[3],
                 payload={"workflow_id": ctx.workflow_id, "step": ctx.step})
        return {"recorded": event_type}
    return run


def charge_order(ctx):
    intent = _charge(ctx, ctx.input.get("amount", 5000))
    return {"id": intent["id"], "status": intent["status"]}


def authorize_deposit(ctx):
    intent = _charge(ctx, 2000, capture_method="manual")
    return {"id": intent["id"], "status": intent["status"]}


def release_deposit(ctx):
    intent = stripe().cancel_payment_intent(ctx.results["authorize_deposit"]["id"],
                                            idempotency_key=ctx.idempotency_key)
    return {"status": intent["status"]}


def charge_fee(ctx):
    _record("test.fee.charged")(ctx)
    intent = _charge(ctx, 100)
    _slow_here(ctx)
    return {"id": intent["id"], "status": intent["status"]}


def charge_extra(ctx):
    _slow_here(ctx)
    intent = _charge(ctx, 300, card=ctx.input.get("extra_card", "pm_card_visa"))
    return {"id": intent["id"], "status": intent["status"]}


@register
class TestSaga(Workflow):
    """Six steps, four with compensations; step 5 fails for good with a declined card."""

    type = "TestSaga"
    domain = "testorder"
    action = "saga"
    entity_field = "order_id"
    steps = [
        Step("charge_order", charge_order, compensate=lambda ctx: _refund(ctx, "charge_order"), system="stripe",
             policy=FAST, compensation_policy=FAST_COMPENSATION, timeout=10),
        Step("authorize_deposit", authorize_deposit, compensate=release_deposit, system="stripe", policy=FAST,
             compensation_policy=FAST_COMPENSATION, timeout=10),
        Step("record_ledger", _record("test.ledger.recorded"), compensate=_record("test.ledger.reversed"),
             policy=FAST, compensation_policy=FAST_COMPENSATION),
        Step("charge_fee", charge_fee, compensate=lambda ctx: _refund(ctx, "charge_fee"), system="stripe",
             policy=FAST, compensation_policy=FAST_COMPENSATION, timeout=6),
        Step("charge_extra", charge_extra, system="stripe", policy=FAST, timeout=6),
        Step("finish", _record("test.saga.completed"), policy=FAST),
    ]


def call_partner(ctx):
    if ctx.attempt <= int(ctx.input.get("fail_times", 0)):
        raise errors.NetworkError(f"partner unreachable (attempt {ctx.attempt})", system="stripe")
    intent = _charge(ctx, 700)
    return {"id": intent["id"], "attempt": ctx.attempt}


@register
class TestFlaky(Workflow):
    type = "TestFlaky"
    domain = "testflaky"
    action = "call"
    steps = [
        Step("call_partner", call_partner, system="stripe", policy=FAST),
        Step("done", lambda ctx: {"ok": True}),
    ]


def _timed_out(ctx):
    return bool(ctx.results.get("await_capture", {}).get("timed_out"))


@register
class TestAwaitPayment(Workflow):
    """Waits for `payment.intent.captured` keyed by the PaymentIntent id, with a deadline."""

    type = "TestAwaitPayment"
    domain = "testpayment"
    action = "await"
    entity_field = "payment_intent_id"
    steps = [
        sleep("hold", seconds=lambda ctx: ctx.input.get("hold_seconds", 0)),
        wait_for_signal("await_capture", "payment.intent.captured",
                        key=lambda ctx: ctx.input["payment_intent_id"],
                        timeout=lambda ctx: ctx.input.get("timeout", 30), on_timeout="continue"),
        Step("settle", lambda ctx: {"captured": ctx.results["await_capture"]["payload"].get("amount")},
             when=lambda ctx: not _timed_out(ctx)),
        Step("expire", lambda ctx: {"expired": True}, when=_timed_out),
    ]


@register
class TestApproval(Workflow):
    """A deposit is authorised, then an approval must arrive in time or the saga compensates."""

    type = "TestApproval"
    domain = "testapproval"
    action = "approve"
    steps = [
        Step("authorize_deposit", authorize_deposit, compensate=release_deposit, system="stripe", policy=FAST,
             compensation_policy=FAST_COMPENSATION),
        wait_for_signal("await_approval", ("approval.request.approved", "approval.request.rejected"),
                        timeout=lambda ctx: ctx.input.get("timeout", 30)),
        Step("check", lambda ctx: ctx.complete({"approved": False})
             if ctx.results["await_approval"]["name"].endswith("rejected") else {"approved": True}),
        Step("capture", lambda ctx: stripe().capture_payment_intent(
            ctx.results["authorize_deposit"]["id"], idempotency_key=ctx.idempotency_key)["status"],
            system="stripe", policy=FAST),
    ]


def bill_cycle(ctx):
    cycle = ctx.state.get("cycle", 0) + 1
    ctx.state["cycle"] = cycle
    ctx.state.setdefault("billed", []).append(cycle)
    return {"cycle": cycle}


def next_cycle(ctx):
    if ctx.state["cycle"] < int(ctx.input.get("cycles", 3)):
        ctx.continue_as_new(ctx.state)
    return {"finished_after": ctx.state["cycle"]}


@register
class TestSubscription(Workflow):
    type = "TestSubscription"
    domain = "testsub"
    action = "lifecycle"
    steps = [
        Step("bill", bill_cycle),
        sleep("period", seconds=lambda ctx: ctx.input.get("period_seconds", 0)),
        Step("next", next_cycle),
    ]

    @classmethod
    def result(cls, ctx):
        return {"billed": ctx.state.get("billed", []), **ctx.results["next"]}


@register
class TestStrict(Workflow):
    """Needs `amount` in its event payload; relaying an event without it fails."""

    type = "TestStrict"
    domain = "teststrict"
    action = "check"
    steps = [Step("noop", lambda ctx: {"amount": ctx.input["amount"]})]

    @classmethod
    def input_from_event(cls, event):
        if "amount" not in event.payload:
            raise KeyError("amount")
        return dict(event.payload)


@register
class TestCheap(Workflow):
    """One trivial step (relay tests and benchmarks)."""

    type = "TestCheap"
    action = "note"
    steps = [Step("note", lambda ctx: {"ok": True})]


@register
class TestPerEvent(Workflow):
    type = "TestPerEvent"
    action = "push"
    one_run_per_event = True
    steps = [Step("push", lambda ctx: {"pushed": True})]


dispatch.add_route("test.saga.requested", "TestSaga")
dispatch.add_route("test.payment.pending", "TestAwaitPayment")
dispatch.add_route("test.strict.requested", "TestStrict")
dispatch.add_route("test.cheap.happened", "TestCheap")
dispatch.add_route("test.cheap.happened", "TestCheapTwin")       # mapped, never registered
dispatch.add_route("test.record.changed", "TestPerEvent")
dispatch.add_route("test.unbuilt.requested", "NotBuiltYet")      # mapped, never registered
dispatch.add_route("test.conditional", "TestCheap", when=dispatch.when_payload("wanted"))


@register
class TestNightly(Workflow):
    """Started by beat once a day for every active tenant."""

    type = "TestNightly"
    action = "reconcile"
    schedule = crontab(hour=2, minute=0)
    schedule_period = 86400
    steps = [Step("reconcile", lambda ctx: {"for": ctx.input["scheduled_for"]})]


@register
class TestBrokenWhen(Workflow):
    """A definition bug outside any step: step 2's condition reads a missing input key."""

    type = "TestBrokenWhen"
    domain = "testbroken"
    action = "when"
    steps = [
        Step("authorize_deposit", authorize_deposit, compensate=release_deposit, system="stripe", policy=FAST,
             compensation_policy=FAST_COMPENSATION),
        Step("never", lambda ctx: None, when=lambda ctx: ctx.input["missing"]),
    ]


@register
class TestBrokenPlan(Workflow):
    type = "TestBrokenPlan"
    domain = "testbroken"
    action = "plan"

    @classmethod
    def plan(cls, input):
        return [Step(f"charge_{n}", lambda ctx: None) for n in range(input["instalments"])]


def _slow_first_time(ctx):
    if ctx.attempt == 1:
        time.sleep(3)
    return {"attempt": ctx.attempt}


@register
class TestSlow(Workflow):
    type = "TestSlow"
    domain = "testslow"
    action = "run"
    steps = [Step("slow", _slow_first_time, timeout=0.3, policy=FAST)]
