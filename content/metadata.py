"""The canonical metadata every CMS → commerce push carries (seeds 000 §3).

    {cms_poi_id, cms_domain, cms_tenant_id, cms_collection, cms_id, cms_title, cms_synced_at}

Commerce stores it on the product / booking / order, so revenue can be attributed to a POI
(`cms_poi_id`), grouped by domain and billed per tenant (`cms_tenant_id`).

One builder per domain, as in the seeds' `medusaMetadataStandardizer`. They are pure functions
of a document (a mapping with `id`, `title` or `name`, and `poi_id` or `poi`), the tenant id and
the sync time: no database, no clock.
"""
from collections.abc import Mapping
from datetime import datetime, timezone

CANONICAL_KEYS = ("cms_poi_id", "cms_domain", "cms_tenant_id", "cms_collection", "cms_id", "cms_title",
                  "cms_synced_at")

# domain → the collections it owns
DOMAIN_COLLECTIONS = {
    "healthcare": ("healthcare-appointments",),
    "education": ("course-enrollments",),
    "transportation": ("transit-passes",),
    "agriculture": ("market-listings",),
    "real-estate": ("properties", "rentals"),
    "commerce": ("service-plans",),
    "citizen-services": ("citizen-services",),
    "events-culture": ("events",),
    "jobs-economy": ("job-listings",),
}
COLLECTION_DOMAIN = {collection: domain for domain, collections in DOMAIN_COLLECTIONS.items()
                     for collection in collections}


class MetadataError(ValueError):
    """The document cannot be described: a missing id or tenant, a collection of another domain, …"""


def iso_timestamp(moment: datetime) -> str:
    """`2026-02-20T10:00:00.000Z`: UTC with milliseconds, as JavaScript's toISOString writes it."""
    if not isinstance(moment, datetime):
        raise MetadataError("cms_synced_at needs a datetime")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise MetadataError("cms_synced_at needs a timezone-aware datetime")
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _poi_id(doc: Mapping) -> str | None:
    poi = doc.get("poi_id", doc.get("poi"))
    if isinstance(poi, Mapping):
        poi = poi.get("id")
    return str(poi) if poi not in (None, "") else None


def _title(doc: Mapping) -> str:
    for key in ("title", "name"):
        value = doc.get(key)
        if value not in (None, ""):
            return str(value)
    return ""


def _build(domain: str, doc: Mapping, *, collection: str, tenant_id: str, synced_at: datetime) -> dict:
    if not isinstance(doc, Mapping):
        raise MetadataError("the document must be a mapping")
    if collection not in DOMAIN_COLLECTIONS[domain]:
        allowed = ", ".join(DOMAIN_COLLECTIONS[domain])
        raise MetadataError(f"collection {collection!r} is not a {domain} collection (expected {allowed})")
    cms_id = doc.get("id")
    if cms_id in (None, ""):
        raise MetadataError("the document has no id (cms_id)")
    if not tenant_id:
        raise MetadataError("cms_tenant_id is required")
    return {
        "cms_poi_id": _poi_id(doc),
        "cms_domain": domain,
        "cms_tenant_id": str(tenant_id),
        "cms_collection": collection,
        "cms_id": str(cms_id),
        "cms_title": _title(doc),
        "cms_synced_at": iso_timestamp(synced_at),
    }


def healthcare_metadata(doc, *, tenant_id, synced_at, collection="healthcare-appointments") -> dict:
    return _build("healthcare", doc, collection=collection, tenant_id=tenant_id, synced_at=synced_at)


def education_metadata(doc, *, tenant_id, synced_at, collection="course-enrollments") -> dict:
    return _build("education", doc, collection=collection, tenant_id=tenant_id, synced_at=synced_at)


def transportation_metadata(doc, *, tenant_id, synced_at, collection="transit-passes") -> dict:
    return _build("transportation", doc, collection=collection, tenant_id=tenant_id, synced_at=synced_at)


def agriculture_metadata(doc, *, tenant_id, synced_at, collection="market-listings") -> dict:
    return _build("agriculture", doc, collection=collection, tenant_id=tenant_id, synced_at=synced_at)


def real_estate_metadata(doc, *, tenant_id, synced_at, collection) -> dict:
    """Real estate owns two collections, so the caller names which: `properties` or `rentals`."""
    return _build("real-estate", doc, collection=collection, tenant_id=tenant_id, synced_at=synced_at)


def commerce_metadata(doc, *, tenant_id, synced_at, collection="service-plans") -> dict:
    return _build("commerce", doc, collection=collection, tenant_id=tenant_id, synced_at=synced_at)


def citizen_services_metadata(doc, *, tenant_id, synced_at, collection="citizen-services") -> dict:
    return _build("citizen-services", doc, collection=collection, tenant_id=tenant_id, synced_at=synced_at)


def events_culture_metadata(doc, *, tenant_id, synced_at, collection="events") -> dict:
    return _build("events-culture", doc, collection=collection, tenant_id=tenant_id, synced_at=synced_at)


def jobs_economy_metadata(doc, *, tenant_id, synced_at, collection="job-listings") -> dict:
    return _build("jobs-economy", doc, collection=collection, tenant_id=tenant_id, synced_at=synced_at)


BUILDERS = {
    "healthcare": healthcare_metadata,
    "education": education_metadata,
    "transportation": transportation_metadata,
    "agriculture": agriculture_metadata,
    "real-estate": real_estate_metadata,
    "commerce": commerce_metadata,
    "citizen-services": citizen_services_metadata,
    "events-culture": events_culture_metadata,
    "jobs-economy": jobs_economy_metadata,
}


def build_metadata(doc, *, collection: str, tenant_id: str, synced_at: datetime) -> dict:
    """The canonical metadata of a document of `collection`, by its domain's builder."""
    domain = COLLECTION_DOMAIN.get(collection)
    if domain is None:
        raise MetadataError(f"unknown collection {collection!r}")
    return BUILDERS[domain](doc, collection=collection, tenant_id=tenant_id, synced_at=synced_at)
