"""Pattern A trigger: every change of a domain-collection record writes exactly one outbox event,
in the change's transaction, with the contract's type and payload — from services and the CMS alike."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from cityos.errors import InvalidInput, NotFound
from content import events, services
from content.models import COLLECTIONS, MarketListing, Rental
from tests.content.conftest import event_types, events_of, record_fields

pytestmark = pytest.mark.django_db

ALL = sorted(COLLECTIONS)


@pytest.mark.parametrize("collection", ALL)
def test_lifecycle_of_each_collection_writes_one_event_per_change(collection, make_record):
    record = make_record(collection)
    assert event_types(record) == ["content.record.created"]

    services.publish_record(record)
    assert event_types(record)[1:] == ["content.record.published"]

    services.update_record(record, title="Renamed and republished")
    assert event_types(record)[2:] == ["content.record.published"]

    services.unpublish_record(record)
    assert event_types(record)[3:] == ["content.record.unpublished"]

    services.update_record(record, description="Edited while offline")
    assert event_types(record)[4:] == ["content.record.updated"]

    cms_id = record.cms_id
    services.delete_record(record)
    assert event_types(aggregate_id=cms_id)[5:] == ["content.record.deleted"]
    assert len(events_of(aggregate_id=cms_id)) == 6


@pytest.mark.parametrize("collection", ALL)
def test_payload_carries_the_contract_and_canonical_metadata(collection, make_record, poi, tenant_a):
    record = make_record(collection, publish=True)
    published = events_of(record)[-1]
    model = COLLECTIONS[collection]

    assert (published.event_type, published.aggregate_type, published.aggregate_id) == (
        "content.record.published", collection, record.cms_id)
    assert published.tenant_id == "alpha" and published.tenant_schema == tenant_a.schema_name
    payload = published.payload
    assert set(payload) == {"collection", "domain", "cms_id", "poi_id", "published", "metadata", "fields"}
    assert payload["collection"] == collection
    assert payload["domain"] == model.domain
    assert payload["cms_id"] == record.cms_id and record.cms_id.startswith(model._meta.get_field("cms_id").prefix + "_")
    assert payload["poi_id"] == poi.pk and poi.pk.startswith("poi_")
    assert payload["published"] is True
    meta = payload["metadata"]
    assert {k: v for k, v in meta.items() if k != "cms_synced_at"} == {
        "cms_poi_id": poi.pk, "cms_domain": str(model.domain), "cms_tenant_id": "alpha",
        "cms_collection": collection, "cms_id": record.cms_id, "cms_title": record.title}
    assert meta["cms_synced_at"].endswith("Z")
    fields = payload["fields"]
    assert fields["title"] == record.title
    assert fields["price"] == "120.50" and fields["currency"] == "SAR"
    assert fields["commerce_entity"] == model.commerce_entity
    assert fields["commerce_id"] is None
    assert set(model.specific_fields) <= set(fields)
    assert "quantity" in fields and set(fields["period"]) == {"start", "end"}


def test_fields_serialise_dates_money_and_quantities(make_record):
    record = make_record("events", price=Decimal("75"), capacity=40)
    fields = events_of(record)[0].payload["fields"]
    assert fields["price"] == "75.00"
    assert fields["quantity"] == 40
    assert fields["period"]["start"] == record.starts_at.isoformat()
    assert fields["period"]["end"] == record.ends_at.isoformat()
    assert events_of(record)[0].payload["published"] is False

    listing = make_record("market-listings", slug="dates", quantity_available=Decimal("12.250"))
    assert events_of(listing)[0].payload["fields"]["quantity"] == "12.250"

    job = make_record("job-listings", salary_min=Decimal("5000"), salary_max=Decimal("7500.5"))
    job_fields = events_of(job)[0].payload["fields"]
    assert (job_fields["salary_min"], job_fields["salary_max"]) == ("5000.00", "7500.50")


def test_saving_a_draft_of_a_live_record_changes_nothing_live_and_writes_no_event(make_record):
    record = make_record("market-listings", publish=True)
    services.update_record(record, title="Only a draft so far", publish=False)
    stored = MarketListing.objects.get(pk=record.pk)
    assert stored.title == "A market-listings record"  # the live content
    assert stored.has_unpublished_changes
    assert event_types(record) == ["content.record.created", "content.record.published"]

    services.publish_record(stored)
    assert event_types(record)[-1] == "content.record.published"
    assert events_of(record)[-1].payload["fields"]["title"] == "Only a draft so far"


def test_republishing_unchanged_publishes_again_for_a_resync(make_record):
    record = make_record("transit-passes", publish=True)
    services.publish_record(record)
    assert event_types(record) == ["content.record.created", "content.record.published", "content.record.published"]


def test_a_rolled_back_change_leaves_no_event(make_record, poi):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            services.create_record("events", poi=poi, **{**record_fields("events"), "slug": "doomed"})
            raise RuntimeError("the caller's transaction fails")
    from content.models import Event
    assert not Event.objects.filter(slug="doomed").exists()

    record = make_record("events")
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            services.publish_record(record)
            raise RuntimeError("rolled back")
    assert event_types(record) == ["content.record.created"]
    assert not Event.objects.get(pk=record.pk).live


def test_commerce_link_is_not_a_content_change_and_survives_revisions(make_record):
    record = make_record("properties", publish=True)
    services.link_commerce_entity(record, "prod_01JCOMMERCE")
    assert event_types(record) == ["content.record.created", "content.record.published"]
    named = type(record).objects.get(pk=record.pk)
    named.commerce_id = "prod_01JRELINKED"
    named.save(update_fields=["commerce_id"])  # a save naming the link writes it, still no event
    assert type(record).objects.get(pk=record.pk).commerce_id == "prod_01JRELINKED"
    services.link_commerce_entity(record, "prod_01JCOMMERCE")
    assert event_types(record) == ["content.record.created", "content.record.published"]

    # An editor's copy loaded before the push knows no commerce id; saving it must not erase it.
    stale = type(record).objects.get(pk=record.pk)
    stale.commerce_id = ""
    stale.title = "Edited directly"
    stale.save()
    stored = type(record).objects.get(pk=record.pk)
    assert stored.commerce_id == "prod_01JCOMMERCE" and stored.title == "Edited directly"
    assert event_types(record)[-1] == "content.record.updated"
    assert events_of(record)[-1].payload["fields"]["commerce_id"] == "prod_01JCOMMERCE"

    # Re-publishing an old revision restores its content, not an old (empty) commerce link.
    first_revision = stored.revisions.order_by("created_at").first()
    first_revision.publish()
    stored = type(record).objects.get(pk=record.pk)
    assert stored.title == "A properties record" and stored.commerce_id == "prod_01JCOMMERCE"
    assert events_of(record)[-1].payload["fields"]["commerce_id"] == "prod_01JCOMMERCE"


def test_bulk_delete_writes_one_event_per_record(make_record):
    first = make_record("rentals", slug="r-1")
    second = make_record("rentals", slug="r-2")
    Rental.objects.filter(pk__in=[first.pk, second.pk]).delete()
    assert event_types(aggregate_id=first.cms_id)[-1] == "content.record.deleted"
    assert event_types(aggregate_id=second.cms_id)[-1] == "content.record.deleted"


def test_scheduled_expiry_unpublishes_with_one_event(make_record):
    from django.core.management import call_command

    record = make_record("citizen-services", publish=True)
    type(record).objects.filter(pk=record.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    call_command("publish_scheduled")
    assert event_types(record)[-1] == "content.record.unpublished"
    assert event_types(record).count("content.record.unpublished") == 1


def test_invalid_records_are_refused_with_field_errors_and_no_event(poi):
    from workflows.models import EventOutbox

    before = EventOutbox.objects.count()
    with pytest.raises(InvalidInput) as refused:
        services.create_record("events", poi=poi, **{**record_fields("events"),
                                                      "ends_at": timezone.now() - timedelta(days=30)})
    assert "ends_at" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        services.create_record("job-listings", poi=poi, **{**record_fields("job-listings"), "price": Decimal("-1"),
                                                            "currency": "sar"})
    assert {"price", "currency"} <= set(refused.value.fields)
    with pytest.raises(InvalidInput) as refused:
        services.create_record("rentals", poi=poi, colour="red", **record_fields("rentals"))
    assert "colour" in refused.value.fields
    with pytest.raises(NotFound):
        services.create_record("spaceships", poi=poi, title="x")
    assert EventOutbox.objects.count() == before


def test_a_poi_with_records_cannot_be_deleted(make_record, poi):
    from django.db.models import ProtectedError

    make_record("events")
    with pytest.raises(ProtectedError):
        poi.delete()


def test_event_types_are_the_fixed_contract():
    assert events.EVENT_TYPES == ("content.record.created", "content.record.updated", "content.record.published",
                                  "content.record.unpublished", "content.record.deleted")


# ----- the same events from the CMS -----------------------------------------------------------
def _listing_form(poi, **overrides) -> dict:
    data = {
        "title": "Honey from Taif", "slug": "taif-honey", "poi": poi.pk, "description": "Sidr honey.", "image": "",
        "category": "honey", "unit": "piece", "quantity_available": "30", "min_order_quantity": "1",
        "origin": "Taif", "harvested_on": "", "available_from": "", "available_until": "",
        "price": "95.00", "currency": "SAR", "go_live_at": "", "expire_at": "",
    }
    data.update(overrides)
    return data


def test_cms_create_and_publish_writes_created_then_published(alpha, poi, cms_client):
    response = cms_client.post("/cms/snippets/content/marketlisting/add/",
                               _listing_form(poi, **{"action-publish": "action-publish"}))
    assert response.status_code == 302, response.content[:2000]
    listing = MarketListing.objects.get(slug="taif-honey")
    assert listing.live
    assert event_types(listing) == ["content.record.created", "content.record.published"]
    assert events_of(listing)[-1].payload["fields"]["price"] == "95.00"


def test_cms_edits_of_a_live_record_emit_only_on_publish(alpha, poi, cms_client):
    cms_client.post("/cms/snippets/content/marketlisting/add/", _listing_form(poi, **{"action-publish": "action-publish"}))
    listing = MarketListing.objects.get(slug="taif-honey")
    edit_url = f"/cms/snippets/content/marketlisting/edit/{listing.pk}/"

    response = cms_client.post(edit_url, _listing_form(poi, price="99.00"))  # "Save draft"
    assert response.status_code == 302
    assert event_types(listing) == ["content.record.created", "content.record.published"]

    response = cms_client.post(edit_url, _listing_form(poi, price="99.00", **{"action-publish": "action-publish"}))
    assert response.status_code == 302
    assert event_types(listing)[2:] == ["content.record.published"]
    assert events_of(listing)[-1].payload["fields"]["price"] == "99.00"

    response = cms_client.post(f"/cms/snippets/content/marketlisting/unpublish/{listing.pk}/")
    assert response.status_code == 302
    assert event_types(listing)[3:] == ["content.record.unpublished"]

    response = cms_client.post(f"/cms/snippets/content/marketlisting/delete/{listing.pk}/")
    assert response.status_code == 302
    assert event_types(aggregate_id=listing.cms_id)[4:] == ["content.record.deleted"]


def test_cms_refuses_an_invalid_record_without_an_event(alpha, poi, cms_client):
    from workflows.models import EventOutbox

    before = EventOutbox.objects.count()
    response = cms_client.post("/cms/snippets/content/marketlisting/add/",
                               _listing_form(poi, available_from="2026-05-01", available_until="2026-04-01",
                                             **{"action-publish": "action-publish"}))
    assert response.status_code == 200  # the form again, with its errors
    assert b"Availability ends before it starts." in response.content
    assert not MarketListing.objects.filter(slug="taif-honey").exists()
    assert EventOutbox.objects.count() == before
