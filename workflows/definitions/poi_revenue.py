"""POIRevenueRefresh (Pattern B of seeds 000): an order of a point of interest was placed, refunded
or cancelled → the `POICommerceSummary` of each of its POIs is recomputed.

Routed here (with `add_route`) for `order.placed`, `order.refunded` and `order.cancelled` whose
order carries CMS POIs (`metadata.cms_poi_ids`); one run per event. The step recomputes from the
orders (`content.revenue.refresh_summaries`), so runs in any order, repeated or late, agree.
The daily 01:00 snapshot and 02:00 refresh (`content/schedules.py`) cover every POI.
"""
from integrations import policies
from workflows import dispatch
from workflows.definition import Step, Workflow, register

EVENTS = ("order.placed", "order.refunded", "order.cancelled")


def poi_ids_of(payload: dict) -> list[str]:
    metadata = payload.get("metadata") or {}
    found = list(metadata.get("cms_poi_ids") or [])
    if metadata.get("cms_poi_id") and metadata["cms_poi_id"] not in found:
        found.append(metadata["cms_poi_id"])
    return sorted(found)


def refresh(ctx):
    from content.models import POICommerceSummary
    from content.revenue import refresh_summaries

    poi_ids = ctx.input["poi_ids"]
    written = refresh_summaries(poi_ids, source=POICommerceSummary.Source.ORDER_EVENT)
    return {"poi_ids": poi_ids, "summaries": written}


@register
class POIRevenueRefresh(Workflow):
    type = "POIRevenueRefresh"
    action = "poi-revenue-refresh"
    entity_field = "order_id"
    one_run_per_event = True
    description = "Recompute the commerce summaries of the POIs an order sold for."
    steps = [Step("refresh_summaries", refresh, system="content", policy=policies.CONTENT_SYNC, timeout=120,
                  description="recompute the POIs' revenue and bookings summaries")]

    @classmethod
    def input_from_event(cls, event) -> dict:
        return {"order_id": event.payload.get("order_id") or event.aggregate_id,
                "poi_ids": poi_ids_of(event.payload), "event_type": event.event_type}


def _orders_of_pois(payload: dict) -> bool:
    return bool(poi_ids_of(payload))


for _event in EVENTS:
    if not any(route.workflow_type == POIRevenueRefresh.type for route in dispatch.routes_for(_event)):
        dispatch.add_route(_event, POIRevenueRefresh.type, when=(_orders_of_pois, "payload.metadata.cms_poi_ids"))
