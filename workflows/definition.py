"""Workflow definitions: an ordered list of steps, each an activity with an optional compensation,
a retry policy and a timeout, plus steps that wait for a signal or sleep until a time.

    from integrations import policies, registry
    from workflows.definition import Step, Workflow, register, sleep, wait_for_signal

    def capture(ctx):
        stripe = registry.get("stripe")
        intent = stripe.capture_payment_intent(ctx.input["payment_intent_id"],
                                               idempotency_key=ctx.idempotency_key)
        return {"status": intent["status"]}

    def refund(ctx):
        registry.get("stripe").create_refund(payment_intent=ctx.input["payment_intent_id"],
                                             idempotency_key=ctx.idempotency_key)

    @register
    class PaymentCapture(Workflow):
        type = "PaymentCapture"
        action = "capture"
        steps = [
            Step("capture_payment", capture, compensate=refund, system="stripe",
                 policy=policies.PAYMENT_CAPTURE, timeout=120),
            wait_for_signal("await_settlement", "payment.intent.captured",
                            key=lambda ctx: ctx.input["payment_intent_id"], timeout=3600),
            sleep("cool_off", seconds=60),
            Step("record", record_transaction, when=lambda ctx: ctx.results["capture_payment"]),
        ]

See docs/workflows.md for the whole model (ids, retries, compensation, signals, timers).
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, ClassVar, Sequence

from integrations import policies
from integrations.policies import RetryPolicy

Activity = Callable[["StepContext"], Any]  # noqa: F821 (workflows.context.StepContext)

# Compensations retry a little on their own (seeds 003 §4.5.4: max_compensation_attempts 3).
COMPENSATION_POLICY = RetryPolicy(max_attempts=3, initial_interval=1, max_interval=30, backoff=2.0)
ON_TIMEOUT_CHOICES = ("fail", "continue")


class DefinitionError(Exception):
    """A workflow definition is malformed (found at registration, not at run time)."""


@dataclass(frozen=True)
class Step:
    """One step of a workflow.

    `run(ctx)` performs the step and returns a JSON-serialisable result (kept in
    `ctx.results[name]`); `compensate(ctx)` undoes it when a later step fails for good. `system`
    names the external system the step talks to (metrics, default retry policy); `policy`
    overrides that policy; `timeout` (seconds) bounds one attempt; `when(ctx)` skips the step
    when false. With `atomic` (the default) the step's own database writes commit together with
    its completion, so a crash never leaves them half done.
    """

    name: str
    run: Activity
    compensate: Activity | None = None
    system: str = "cityos"
    policy: RetryPolicy | None = None
    compensation_policy: RetryPolicy | None = None
    timeout: float | None = None
    when: Callable[[Any], bool] | None = None
    atomic: bool = True
    description: str = ""

    def retry_policy(self) -> RetryPolicy:
        return self.policy or policies.BY_SYSTEM.get(self.system, policies.DEFAULT)

    def compensation_retry_policy(self) -> RetryPolicy:
        return self.compensation_policy or COMPENSATION_POLICY


def _seconds(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


def _resolve(value, ctx):
    return value(ctx) if callable(value) else value


def wait_for_signal(name: str, signal: str | Sequence[str], *, key=None, timeout=None, on_timeout="fail",
                    **step_options) -> Step:
    """A step that waits for a signal (or any of several names) and returns it as
    `{"name", "payload", "signal_id"}`.

    `key` (a string or `ctx -> str`) correlates signals that arrive as outbox events with the
    external object's id (a PaymentIntent id, a delivery order id); without a key only signals
    sent to this workflow id count. `timeout` (seconds, timedelta or `ctx -> …`) sets the
    deadline; when it passes, `on_timeout="fail"` fails the step (non-retryable: the saga
    compensates), `"continue"` makes the step return `{"timed_out": True}` for later steps to
    branch on (`when=`), and a callable `on_timeout(ctx)` runs as the step's timeout path.
    """
    if not callable(on_timeout) and on_timeout not in ON_TIMEOUT_CHOICES:
        raise DefinitionError(f"on_timeout must be one of {ON_TIMEOUT_CHOICES} or a callable")

    def run(ctx):
        from workflows.errors import SignalTimeoutError

        received = ctx.wait_for_signal(signal, key=_resolve(key, ctx), timeout=_resolve(timeout, ctx))
        if received is not None:
            return received.as_dict()
        if callable(on_timeout):
            return on_timeout(ctx)
        if on_timeout == "continue":
            return {"timed_out": True}
        raise SignalTimeoutError(f"no {signal!r} signal arrived before the deadline", system="cityos")

    step_options.setdefault("description", f"wait for {signal}")
    return Step(name, run, **step_options)


def sleep(name: str, *, seconds=None, until=None, **step_options) -> Step:
    """A durable timer: the run parks (holding no worker) until `seconds` after the step is
    reached, or until the datetime `until` (a value or `ctx -> datetime`)."""
    if (seconds is None) == (until is None):
        raise DefinitionError("sleep() takes exactly one of seconds= or until=")

    def run(ctx):
        ctx.sleep(_resolve(seconds, ctx), until=_resolve(until, ctx))
        return {"slept": True}

    step_options.setdefault("description", "timer")
    return Step(name, run, **step_options)


class Workflow:
    """Base of every workflow definition. Subclass, set `type`, `action` and `steps` (or override
    `plan`), and decorate with `@register`.

    Workflow ids are `tenant:{tenant}:{domain}:{entity_id}:{action}`. A run started by an outbox
    event takes `domain` from the event's aggregate type (unless the class sets one) and the
    entity from its aggregate id; with `one_run_per_event` the event id is appended, for
    definitions that must run again for every event about the same aggregate (CMS pushes).
    A run started by type (API, command, another workflow) names its entity explicitly or
    through `entity_field`, a key of its input.
    """

    type: ClassVar[str] = ""
    domain: ClassVar[str] = ""
    action: ClassVar[str] = ""
    description: ClassVar[str] = ""
    steps: ClassVar[Sequence[Step]] = ()
    signals: ClassVar[Sequence[str]] = ()
    entity_field: ClassVar[str] = ""
    one_run_per_event: ClassVar[bool] = False
    # A Celery beat schedule (seconds or crontab): the run is started once per active tenant and
    # period; `schedule_period` (seconds) names the period in the workflow id.
    schedule: ClassVar[Any] = None
    schedule_period: ClassVar[int] = 86400

    @classmethod
    def plan(cls, input: dict) -> Sequence[Step]:
        """The steps for this input; override for plans that depend on the input (instalments).
        Must be deterministic: it is evaluated again whenever the run resumes."""
        return cls.steps

    @classmethod
    def validate_input(cls, input: dict) -> dict:
        """Check (and normalise) the input of a run started by type; raise
        `cityos.errors.InvalidInput` with `fields` for bad input."""
        return input

    @classmethod
    def input_from_event(cls, event) -> dict:
        """The input of a run started by an outbox event (default: the event's payload)."""
        return dict(event.payload)

    @classmethod
    def key_from_event(cls, event) -> tuple[str, str]:
        """(domain, entity_id) of a run started by `event`."""
        entity = event.aggregate_id
        if cls.one_run_per_event:
            entity = f"{entity}.{event.id.hex}"
        return cls.domain or event.aggregate_type, entity

    @classmethod
    def result(cls, ctx) -> Any:
        """The run's result when its last step completes (default: every step's result)."""
        return dict(ctx.results)


@dataclass
class _Registry:
    definitions: dict[str, type[Workflow]] = field(default_factory=dict)
    signal_names: set[str] = field(default_factory=set)


_registry = _Registry()


def _check(definition: type[Workflow]) -> None:
    if not definition.type:
        raise DefinitionError(f"{definition.__name__} has no `type`")
    if not definition.action:
        raise DefinitionError(f"{definition.type} has no `action` (the last part of its workflow ids)")
    for part in (definition.type, definition.action, definition.domain):
        if any(ch in part for ch in ": /"):
            raise DefinitionError(f"{definition.type}: type, domain and action may not contain ':', '/' or spaces")
    if definition.plan.__func__ is Workflow.plan.__func__:  # a static list: check it now
        check_steps(definition.type, definition.steps)


def check_steps(workflow_type: str, steps: Sequence[Step]) -> None:
    names = [step.name for step in steps]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise DefinitionError(f"{workflow_type}: step names must be unique ({', '.join(sorted(duplicates))})")
    for step in steps:
        if not isinstance(step, Step):
            raise DefinitionError(f"{workflow_type}: {step!r} is not a Step")


def register(definition: type[Workflow]) -> type[Workflow]:
    """Class decorator: make the workflow type startable (by events, the API, commands)."""
    _check(definition)
    existing = _registry.definitions.get(definition.type)
    if existing is not None and existing.__qualname__ != definition.__qualname__:
        raise DefinitionError(f"workflow type {definition.type!r} is already registered by {existing.__qualname__}")
    _registry.definitions[definition.type] = definition
    _registry.signal_names.update(definition.signals)
    return definition


def get(workflow_type: str) -> type[Workflow] | None:
    return _registry.definitions.get(workflow_type)


def registered() -> dict[str, type[Workflow]]:
    return dict(sorted(_registry.definitions.items()))


def declared_signals() -> set[str]:
    return set(_registry.signal_names)


def build_workflow_id(tenant_id: str, domain: str, entity_id: str, action: str) -> str:
    """`tenant:{tenant_id}:{domain}:{entity_id}:{action}` (seeds 003 §8.2)."""
    from cityos.errors import InvalidInput

    entity = str(entity_id).strip()
    if not entity or any(ch in entity for ch in "/ \t\n"):
        raise InvalidInput("The entity id must be non-empty, without '/' or spaces.", code="invalid_entity_id",
                           fields={"entity_id": ["Must be non-empty, without '/' or spaces."]})
    if not domain:
        raise InvalidInput("The workflow's domain is missing.", code="invalid_domain",
                           fields={"domain": ["This field is required."]})
    workflow_id = f"tenant:{tenant_id}:{domain}:{entity}:{action}"
    if len(workflow_id) > 255:
        raise InvalidInput("The workflow id would be longer than 255 characters.", code="invalid_entity_id",
                           fields={"entity_id": ["Too long."]})
    return workflow_id


def to_seconds(value) -> float | None:
    return _seconds(value)


def as_deadline(now: datetime, timeout=None, until: datetime | None = None) -> datetime | None:
    if until is not None:
        return until
    seconds = _seconds(timeout)
    return None if seconds is None else now + timedelta(seconds=seconds)
