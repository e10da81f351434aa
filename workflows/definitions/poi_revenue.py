"""POIRevenueRefresh (Pattern B of seeds 000): an order of a point of interest was placed, refunded
or cancelled → the `POICommerceSummary` of each of its POIs is recomputed.

Routed here (with `add_route`) for `order.placed`, `order.refunded` and `order.cancelled` whose
order carries CMS POIs (`metadata.cms_poi_ids`). The step recomputes from the orders
(`content.revenue.refresh_summaries`), so runs in any order, repeated or late, agree.

By default each event gets a run of its own, at once. A platform whose POIs sell many times a
second can set `POI_REVENUE_REFRESH_WINDOW` (seconds): the events about the same POIs that the
relay hands over within one window then share one run: id
`tenant:{t}:poi:{poi ids}.{window}:poi-revenue-refresh`; the first starts it, the others find it,
and it sleeps until the window has closed before it recomputes. An order is committed before the
relay sees its event, so the refresh, which starts after the window, counts every order of it.
The wait costs each run one more park and wake, so a window pays only where POIs sell several
times within it.
The daily 01:00 snapshot and 02:00 refresh (`content/schedules.py`) cover every POI.
"""
import hashlib
from datetime import datetime, timezone

from django.conf import settings

from integrations import policies
from workflows import dispatch
from workflows.definition import Step, Workflow, register, sleep

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


def _window() -> tuple[int, datetime] | None:
    """(number, end) of the refresh window the relay is in now; None when windows are off."""
    seconds = settings.POI_REVENUE_REFRESH_WINDOW
    if seconds <= 0:
        return None
    number = int(datetime.now(timezone.utc).timestamp() // seconds)
    return number, datetime.fromtimestamp((number + 1) * seconds, timezone.utc)


def _pois_key(poi_ids: list[str]) -> str:
    joined = "+".join(poi_ids)
    return joined if len(joined) <= 96 else hashlib.sha1(joined.encode()).hexdigest()[:20]


@register
class POIRevenueRefresh(Workflow):
    type = "POIRevenueRefresh"
    domain = "poi"
    action = "poi-revenue-refresh"
    entity_field = "order_id"
    description = "Recompute the commerce summaries of the POIs orders sold for (once per window)."
    steps = [
        sleep("await_window_end", until=lambda ctx: datetime.fromisoformat(ctx.input["window_ends"]),
              when=lambda ctx: bool(ctx.input.get("window_ends")), description="let the window's orders gather"),
        Step("refresh_summaries", refresh, system="content", policy=policies.CONTENT_SYNC, timeout=120,
             description="recompute the POIs' revenue and bookings summaries"),
    ]

    @classmethod
    def input_from_event(cls, event) -> dict:
        window = _window()
        return {"order_id": event.payload.get("order_id") or event.aggregate_id,
                "poi_ids": poi_ids_of(event.payload), "event_type": event.event_type,
                "window_ends": window[1].isoformat() if window else None}

    @classmethod
    def key_from_event(cls, event) -> tuple[str, str]:
        window = _window()
        if window is None:
            return cls.domain, f"{event.payload.get('order_id') or event.aggregate_id}.{event.id.hex}"
        return cls.domain, f"{_pois_key(poi_ids_of(event.payload))}.{window[0]}"


def _orders_of_pois(payload: dict) -> bool:
    return bool(poi_ids_of(payload))


for _event in EVENTS:
    if not any(route.workflow_type == POIRevenueRefresh.type for route in dispatch.routes_for(_event)):
        dispatch.add_route(_event, POIRevenueRefresh.type, when=(_orders_of_pois, "payload.metadata.cms_poi_ids"))
