"""CMSCommercePush (Pattern A of seeds 000): a domain record changed in the CMS → its commerce
entity is upserted, or archived / cancelled.

Started by `content.record.created|updated|published|unpublished|deleted` (one run per event).
The step reads the record as it is when the run executes (`content.push.push_record`), so runs
of several events about one record converge on its latest state in any order, a repeated run
changes nothing, and the engine's retries and crash recovery need nothing more.
"""
from cityos.errors import InvalidInput
from integrations import policies
from workflows.definition import Step, Workflow, register


def push(ctx):
    from content.push import push_record

    return push_record(ctx.input["collection"], ctx.input["cms_id"])


@register
class CMSCommercePush(Workflow):
    type = "CMSCommercePush"
    action = "push"
    entity_field = "cms_id"
    one_run_per_event = True
    description = "Upsert the commerce entity of a CMS record (product, booking, subscription product)."
    steps = [Step("push", push, system="content", policy=policies.CONTENT_SYNC, timeout=60,
                  description="upsert, archive or cancel the record's commerce entity")]

    @classmethod
    def input_from_event(cls, event) -> dict:
        return {"collection": event.payload.get("collection") or event.aggregate_type,
                "cms_id": event.payload.get("cms_id") or event.aggregate_id, "event_type": event.event_type}

    @classmethod
    def validate_input(cls, input: dict) -> dict:
        from content.models import COLLECTIONS

        errors = {}
        if input.get("collection") not in COLLECTIONS:
            errors["collection"] = [f"One of {', '.join(sorted(COLLECTIONS))}."]
        if not input.get("cms_id"):
            errors["cms_id"] = ["The record's CMS id is required."]
        if errors:
            raise InvalidInput("A CMS push needs the record's collection and CMS id.", fields=errors)
        return input
