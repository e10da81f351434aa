"""Pattern A trigger: every change of a domain-collection record writes one outbox event.

The events are written from the record's own save and delete paths, inside their transaction, so
an edit in the Wagtail admin, a service call, a command or a scheduled publish each emit exactly
once per change, and a rolled-back change leaves no event.

| event type                        | when                                                              |
| --------------------------------- | ----------------------------------------------------------------- |
| `content.record.created`          | the record is first saved (as a draft, through Wagtail)           |
| `content.record.updated`          | its content changes without a publish (a draft record is edited)  |
| `content.record.published`        | a revision goes live: first publish, or re-publish of an edit     |
| `content.record.unpublished`      | it is taken offline (unpublish, or its expiry passes)             |
| `content.record.deleted`          | it is deleted                                                     |

`aggregate_type` is the collection slug, `aggregate_id` the record's CMS id, and the payload
`{collection, domain, cms_id, poi_id, published, metadata, fields}` (see `record_payload`).
Saving a draft revision of a live record changes nothing live and writes no event; changes to
the commerce link (`commerce_id`) alone write none either.
"""
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from content.tenancy import tenant_slug
from workflows.outbox import emit

CREATED = "content.record.created"
UPDATED = "content.record.updated"
PUBLISHED = "content.record.published"
UNPUBLISHED = "content.record.unpublished"
DELETED = "content.record.deleted"
EVENT_TYPES = (CREATED, UPDATED, PUBLISHED, UNPUBLISHED, DELETED)


def record_payload(record, synced_at=None) -> dict:
    synced_at = synced_at or timezone.now()
    return {
        "collection": record.collection,
        "domain": str(record.domain),
        "cms_id": record.cms_id,
        "poi_id": record.poi_id,
        "published": bool(record.live),
        "metadata": record.canonical_metadata(tenant_slug(), synced_at),
        "fields": record.commerce_fields(),
    }


def classify(before: dict | None, after: dict, content_attnames: list[str]) -> str | None:
    """Which event a save is, from the stored row before and after it (None: not a change)."""
    if before is None:
        return CREATED
    if after["live"] and after["live_revision_id"] and after["live_revision_id"] != before["live_revision_id"]:
        return PUBLISHED
    if before["live"] and not after["live"]:
        return UNPUBLISHED
    if any(before[name] != after[name] for name in content_attnames):
        return UPDATED
    return None


def emit_record_event(event_type: str, record) -> None:
    emit(event_type, aggregate_type=record.collection, aggregate_id=record.cms_id, payload=record_payload(record))


def record_saved(record, before: dict | None, after: dict) -> str | None:
    event_type = classify(before, after, record.content_attnames())
    if event_type is not None:
        emit_record_event(event_type, record)
    return event_type


@receiver(post_delete, dispatch_uid="content.record_deleted")
def record_deleted(sender, instance, **kwargs):
    """Runs inside the deletion's transaction, for one delete and for bulk deletes alike."""
    from content.models.records import DomainRecord

    if isinstance(instance, DomainRecord):
        emit_record_event(DELETED, instance)
