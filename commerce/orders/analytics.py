"""Revenue figures computed in the database (Patterns B/C of seeds 000): per point of interest, and
per period for the platform's monthly invoice. Every figure is one SQL aggregation — never a
loop over orders in Python — so they stay fast on large order books.

Attribution follows the CMS metadata that checkout copies onto each order line (`cms_poi_id`,
`cms_domain`): a POI's revenue is the total of its lines (discounts taken off, VAT in), refunds
are shared among an order's lines in proportion to their totals, and cancelled orders count for
nothing but the cancelled count. Only orders in the requested currency are counted.
"""
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Q, Sum, TextField, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.utils import timezone

from cityos.money import ZERO, round_money
from commerce.orders.models import Order, OrderLineItem, OrderStatus

MONEY = DecimalField(max_digits=30, decimal_places=10)
OTHER_DOMAIN = "other"  # lines of products that did not come from the CMS


def _refund_share():
    """The part of the order's refunds that falls on the line (its share of the order total)."""
    return Case(When(order__total__gt=0, then=F("order__refunded_total") * F("total") / F("order__total")),
                default=Value(ZERO), output_field=MONEY)


def _poi_lines(currency: str, poi_ids):
    lines = OrderLineItem.objects.filter(order__currency_code=currency, metadata__has_key="cms_poi_id")
    if poi_ids is not None:
        poi_ids = list(poi_ids)
        if len(poi_ids) == 1:  # served by the orders' GIN index first, then the line's own key
            lines = lines.filter(order__metadata__contains={"cms_poi_ids": poi_ids},
                                 metadata__contains={"cms_poi_id": poi_ids[0]})
        else:
            lines = lines.filter(metadata__cms_poi_id__in=poi_ids)
    return lines.annotate(poi=KeyTextTransform("cms_poi_id", "metadata"),
                          domain=Coalesce(KeyTextTransform("cms_domain", "metadata"), Value(OTHER_DOMAIN), output_field=TextField()))


def _money(value, currency: str) -> Decimal:
    return round_money(value or ZERO, currency)


def poi_revenue(*, currency: str, poi_ids=None, now: datetime | None = None) -> dict[str, dict]:
    """`{poi_id: {gross, refunded, net, last_7_days, last_30_days, order_count, cancelled_order_count,
    revenue_by_domain: [{domain, gross, refunded, net, order_count}]}}` for the POIs that sold
    something (all of them, or `poi_ids`). Amounts are `Decimal`s rounded to the currency.

    `last_7_days` / `last_30_days` are the gross of orders placed since `now` minus 7 / 30 days
    (inclusive). Two queries whatever the number of orders or POIs.
    """
    now = now or timezone.now()
    live = ~Q(order__status=OrderStatus.CANCELED)
    lines = _poi_lines(currency, poi_ids)
    sums = {"gross": Sum("total", filter=live), "refunded": Sum(_refund_share(), filter=live),
            "orders": Count("order_id", distinct=True, filter=live)}
    found: dict[str, dict] = {}
    for row in lines.values("poi").annotate(
            **sums, cancelled=Count("order_id", distinct=True, filter=~live),
            last_7=Sum("total", filter=live & Q(order__created_at__gte=now - timedelta(days=7))),
            last_30=Sum("total", filter=live & Q(order__created_at__gte=now - timedelta(days=30)))):
        gross, refunded = _money(row["gross"], currency), _money(row["refunded"], currency)
        found[row["poi"]] = {
            "gross": gross, "refunded": refunded, "net": gross - refunded,
            "last_7_days": _money(row["last_7"], currency), "last_30_days": _money(row["last_30"], currency),
            "order_count": row["orders"], "cancelled_order_count": row["cancelled"], "revenue_by_domain": []}
    for row in lines.values("poi", "domain").annotate(**sums).order_by("poi", "domain"):
        gross, refunded = _money(row["gross"], currency), _money(row["refunded"], currency)
        found[row["poi"]]["revenue_by_domain"].append({"domain": row["domain"], "gross": gross, "refunded": refunded,
                                                       "net": gross - refunded, "order_count": row["orders"]})
    return found


def revenue_between(start: datetime, end: datetime, *, currency: str) -> dict:
    """What the tenant sold in `[start, end)`: `{gross, refunded, net, order_count,
    cancelled_order_count, sales_by_domain: {domain: line totals}}`.

    `gross` is the total of the orders placed in the period (what customers paid: goods, shipping
    and VAT, after discounts and gift cards), cancelled orders excepted; `refunded` is what was
    refunded on those orders so far. Two queries.
    """
    orders = Order.objects.filter(created_at__gte=start, created_at__lt=end, currency_code=currency)
    live = ~Q(status=OrderStatus.CANCELED)
    totals = orders.aggregate(gross=Sum("total", filter=live), refunded=Sum("refunded_total", filter=live),
                              orders=Count("id", filter=live), cancelled=Count("id", filter=~live))
    by_domain = (OrderLineItem.objects.filter(order__in=orders.filter(live))
                 .annotate(domain=Coalesce(KeyTextTransform("cms_domain", "metadata"), Value(OTHER_DOMAIN), output_field=TextField()))
                 .values("domain").annotate(gross=Sum("total")).order_by("domain"))
    gross, refunded = _money(totals["gross"], currency), _money(totals["refunded"], currency)
    return {"gross": gross, "refunded": refunded, "net": gross - refunded, "order_count": totals["orders"],
            "cancelled_order_count": totals["cancelled"],
            "sales_by_domain": {row["domain"]: _money(row["gross"], currency) for row in by_domain}}
