"""The canonical metadata builders (seeds 000 §3): pure functions, one per domain."""
from datetime import datetime, timedelta, timezone

import pytest

from content import metadata
from content.metadata import (
    BUILDERS, CANONICAL_KEYS, DOMAIN_COLLECTIONS, MetadataError, build_metadata, iso_timestamp, real_estate_metadata,
)

SYNCED = datetime(2026, 2, 20, 10, 15, 30, 123456, tzinfo=timezone.utc)
DOC = {"id": "appt_01J0000000000000000000000", "title": "GP consultation", "poi_id": "poi_01J0000000000000000000000"}


def test_every_domain_has_a_builder_and_every_collection_a_domain():
    assert set(BUILDERS) == set(DOMAIN_COLLECTIONS) == {
        "healthcare", "education", "transportation", "agriculture", "real-estate", "commerce", "citizen-services",
        "events-culture", "jobs-economy"}
    collections = [c for cs in DOMAIN_COLLECTIONS.values() for c in cs]
    assert sorted(collections) == sorted([
        "healthcare-appointments", "course-enrollments", "transit-passes", "market-listings", "properties",
        "rentals", "service-plans", "citizen-services", "events", "job-listings"])


def test_healthcare_builder_gives_exactly_the_canonical_schema():
    meta = metadata.healthcare_metadata(DOC, tenant_id="clinic", synced_at=SYNCED)
    assert meta == {
        "cms_poi_id": "poi_01J0000000000000000000000",
        "cms_domain": "healthcare",
        "cms_tenant_id": "clinic",
        "cms_collection": "healthcare-appointments",
        "cms_id": "appt_01J0000000000000000000000",
        "cms_title": "GP consultation",
        "cms_synced_at": "2026-02-20T10:15:30.123Z",
    }
    assert tuple(meta) == CANONICAL_KEYS


@pytest.mark.parametrize("domain,collection", [(d, c) for d, cs in DOMAIN_COLLECTIONS.items() for c in cs])
def test_each_builder_names_its_domain_and_collection(domain, collection):
    meta = build_metadata({"id": "x_1", "name": "Named only", "poi": {"id": "poi_9"}}, collection=collection,
                          tenant_id="market", synced_at=SYNCED)
    assert (meta["cms_domain"], meta["cms_collection"]) == (domain, collection)
    assert meta["cms_title"] == "Named only"  # doc.title || doc.name
    assert meta["cms_poi_id"] == "poi_9"  # the POI may come as an object


def test_a_document_without_poi_has_a_null_poi_id():
    assert metadata.events_culture_metadata({"id": "evt_1", "title": "Gala"}, tenant_id="t", synced_at=SYNCED)[
        "cms_poi_id"] is None


def test_real_estate_serves_properties_and_rentals_only():
    assert real_estate_metadata(DOC, tenant_id="t", synced_at=SYNCED, collection="rentals")["cms_collection"] == "rentals"
    with pytest.raises(MetadataError, match="not a real-estate collection"):
        real_estate_metadata(DOC, tenant_id="t", synced_at=SYNCED, collection="events")


@pytest.mark.parametrize("doc,tenant,synced,message", [
    ({"title": "no id"}, "t", SYNCED, "no id"),
    (DOC, "", SYNCED, "cms_tenant_id is required"),
    (DOC, "t", datetime(2026, 1, 1, 12, 0), "timezone-aware"),
    (DOC, "t", "2026-01-01", "needs a datetime"),
    (["not", "a", "mapping"], "t", SYNCED, "mapping"),
])
def test_builders_refuse_what_they_cannot_describe(doc, tenant, synced, message):
    with pytest.raises(MetadataError, match=message):
        metadata.healthcare_metadata(doc, tenant_id=tenant, synced_at=synced)


def test_unknown_collection_is_refused():
    with pytest.raises(MetadataError, match="unknown collection"):
        build_metadata(DOC, collection="spaceships", tenant_id="t", synced_at=SYNCED)


def test_timestamps_are_utc_with_milliseconds_like_javascript():
    riyadh = timezone(timedelta(hours=3))
    assert iso_timestamp(datetime(2026, 3, 1, 2, 0, 0, 999999, tzinfo=riyadh)) == "2026-02-28T23:00:00.999Z"


def test_builders_are_pure():
    before = dict(DOC)
    first = metadata.agriculture_metadata(DOC, tenant_id="market", synced_at=SYNCED)
    second = metadata.agriculture_metadata(DOC, tenant_id="market", synced_at=SYNCED)
    assert first == second and DOC == before
