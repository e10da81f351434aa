"""Changing domain-collection records from code (API, commands, seeding, the commerce push).

These go through Wagtail's own actions — the ones the CMS uses — so revisions, the audit log and
the outbox events (written by the record's save path, see `content.events`) are the same
whether an editor or a program made the change.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.actions.create import CreateAction
from wagtail.actions.delete import DeleteAction
from wagtail.actions.edit import EditAction
from wagtail.actions.unpublish import UnpublishAction

from cityos.errors import InvalidInput, NotFound
from content.models import COLLECTIONS, DomainRecord


def collection_model(collection: str) -> type[DomainRecord]:
    model = COLLECTIONS.get(collection)
    if model is None:
        raise NotFound(f"Unknown collection '{collection}'.", code="unknown_collection",
                       fields={"collection": [f"One of {', '.join(sorted(COLLECTIONS))}."]})
    return model


def _validated(record: DomainRecord) -> DomainRecord:
    try:
        record.full_clean()
    except ValidationError as exc:
        raise InvalidInput(f"The {record._meta.verbose_name} is not valid.",
                           fields=getattr(exc, "message_dict", None) or {"non_field_errors": exc.messages}) from None
    return record


def _assign(record: DomainRecord, fields: dict) -> None:
    editable = {f.name for f in record._meta.concrete_fields if f.editable} | {
        f.attname for f in record._meta.concrete_fields if f.editable}
    unknown = sorted(set(fields) - editable)
    if unknown:
        raise InvalidInput("Unknown fields.", fields={name: ["Not a field of this collection."] for name in unknown})
    for name, value in fields.items():
        setattr(record, name, value)


@transaction.atomic
def create_record(collection: str, *, user=None, publish: bool = False, **fields) -> DomainRecord:
    """Create a record (a draft, or published at once): `created`, then `published` if asked."""
    record = collection_model(collection)()
    _assign(record, fields)
    _validated(record)
    CreateAction(record, user=user, publish=publish, clean=False).execute(skip_permission_checks=user is None)
    return record


@transaction.atomic
def update_record(record: DomainRecord, *, user=None, publish: bool | None = None, **fields) -> DomainRecord:
    """Change a record's content.

    A draft record is saved (`updated`). A live record's change becomes live only by publishing:
    by default (`publish=None`) a live record's change is published (`published`); with
    `publish=False` it stays a draft revision, and nothing live — so no event — changes.
    """
    record = type(record).objects.get(pk=record.pk).get_latest_revision_as_object()
    _assign(record, fields)
    _validated(record)
    if publish is None:
        publish = record.live
    EditAction(record, user=user, publish=publish, clean=False).execute(skip_permission_checks=user is None)
    return type(record).objects.get(pk=record.pk)


@transaction.atomic
def publish_record(record: DomainRecord, *, user=None) -> DomainRecord:
    """Publish the latest content as a new revision, as the CMS's Publish button does.

    Publishing an unchanged live record publishes it again (`published`): a way to push it anew.
    """
    latest = type(record).objects.get(pk=record.pk).get_latest_revision_as_object()
    _validated(latest)
    latest.save_revision(user=user).publish(user=user, skip_permission_checks=user is None)
    return type(record).objects.get(pk=record.pk)


@transaction.atomic
def unpublish_record(record: DomainRecord, *, user=None) -> DomainRecord:
    record = type(record).objects.get(pk=record.pk)
    UnpublishAction(record, user=user).execute(skip_permission_checks=user is None)
    return record


@transaction.atomic
def delete_record(record: DomainRecord, *, user=None) -> None:
    DeleteAction(record, user=user).execute(skip_permission_checks=user is None)


def link_commerce_entity(record: DomainRecord, commerce_id: str) -> None:
    """Remember the commerce entity a record was pushed to (no event: the content did not change)."""
    type(record).objects.filter(pk=record.pk).update(commerce_id=commerce_id, commerce_synced_at=timezone.now())
