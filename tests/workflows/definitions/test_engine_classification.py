"""A commerce service that translates a gateway failure for its API (`raise ServiceError(...) from
NetworkError(...)`) fails a step with the gateway's error class: transient ones are retried."""
from cityos.errors import Conflict
from commerce.payments.gateway import PaymentProviderUnavailable
from integrations import errors
from integrations.policies import RetryPolicy
from tests.workflows.conftest import drive
from workflows import services
from workflows.definition import Step, Workflow, register
from workflows.errors import classify
from workflows.models import StepRun

FAST = RetryPolicy(max_attempts=3, initial_interval=0.01, max_interval=0.05, backoff=2.0)


def flaky_gateway(ctx):
    if ctx.attempt == 1:
        try:
            raise errors.NetworkError("connection reset", system="stripe")
        except errors.NetworkError as exc:
            raise PaymentProviderUnavailable("The payment provider could not be reached.") from exc
    return {"attempt": ctx.attempt}


def refusing_service(ctx):
    raise Conflict("The payment is canceled.", code="payment_not_capturable")


@register
class TestWrappedGatewayError(Workflow):
    type = "TestWrappedGatewayError"
    action = "check"
    steps = [Step("call", flaky_gateway, policy=FAST)]


@register
class TestBusinessRefusal(Workflow):
    type = "TestBusinessRefusal"
    action = "check"
    steps = [Step("call", refusing_service, policy=FAST)]


def test_classify_uses_the_integration_error_a_service_error_was_raised_from():
    try:
        flaky_gateway(type("Ctx", (), {"attempt": 1})())
    except PaymentProviderUnavailable as exc:
        assert isinstance(classify(exc), errors.NetworkError)
    assert isinstance(classify(Conflict("no")), Conflict)


def test_a_wrapped_transient_gateway_failure_is_retried(db, alpha):
    run = drive(services.start_workflow("TestWrappedGatewayError", {}, entity_id="wrapped-1").run.workflow_id)
    assert run.status == "completed"
    assert list(StepRun.objects.filter(run=run).order_by("attempt").values_list("status", "error_class")) == [
        ("failed", "NetworkError"), ("completed", "")]


def test_a_business_refusal_is_not_retried(db, alpha):
    run = drive(services.start_workflow("TestBusinessRefusal", {}, entity_id="refusal-1").run.workflow_id)
    assert run.status == "failed"
    assert StepRun.objects.filter(run=run).count() == 1
