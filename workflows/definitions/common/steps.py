"""Step factories the workflows share: the audit entry (seeds' recordAuditLog) and errors."""
from integrations import errors
from integrations.policies import RetryPolicy
from workflows.audit import services as audit
from workflows.definition import Step


class DeliveryFailedError(errors.IntegrationError):
    """The carrier could not deliver (the driver reported a failure): the customer is told and
    staff re-dispatch or cancel; not retried by the step."""

    http_status = 422
    retryable = False
    policy = RetryPolicy(1)
    alert_level = "warn"
    compensation = "Notify the customer; staff re-dispatch or cancel"


def record_audit(ctx, action: str, *, entity_type: str, entity_id: str, summary: str = "", details=None,
                 outcome: str = "succeeded", actor: str = "") -> dict:
    entry = audit.record(tenant_id=ctx.tenant_id, tenant_schema=ctx.tenant_schema, workflow_id=ctx.workflow_id,
                         workflow_type=ctx.workflow_type, action=action, entity_type=entity_type,
                         entity_id=entity_id, outcome=outcome, summary=summary, details=details or {},
                         correlation_id=ctx.correlation_id, actor=actor)
    return {"audit_entry": entry.pk, "action": action}


def audit_step(action: str, *, entity_type: str, entity_id, summary=None, details=None, name="record_audit_log",
               **options) -> Step:
    """The recordAuditLog step: `entity_id`, `summary` and `details` are `ctx -> value`."""

    def run(ctx):
        return record_audit(ctx, action, entity_type=entity_type, entity_id=entity_id(ctx),
                            summary=summary(ctx) if summary else "", details=details(ctx) if details else None)

    options.setdefault("description", f"audit log: {action}")
    return Step(name, run, **options)


class undo_if_final:
    """Around a step that makes several external changes: when it fails for good (no retry left
    under `policy`), undo what this attempt made — the saga only compensates completed steps."""

    def __init__(self, ctx, policy, undo):
        self.ctx, self.policy, self.undo = ctx, policy, undo

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, traceback):
        if exc is None or not isinstance(exc, Exception):
            return False
        from workflows.errors import classify

        if not self.policy.allows_retry(classify(exc), self.ctx.attempt):
            try:
                self.undo()
            except Exception:  # the original failure is what the run reports
                self.ctx.log.exception("could not undo the partial work of %s", self.ctx.step)
        return False
