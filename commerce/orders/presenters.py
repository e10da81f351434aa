"""The JSON shape of an order: the store's, and the admin's with payments and history."""
from cityos.money import fmt

TOTALS = ("subtotal", "discount_total", "shipping_total", "tax_total", "gift_card_total", "total", "paid_total",
          "refunded_total")


def present_order(order, *, admin: bool = False, items=None) -> dict:
    """`items`: the order's lines when the caller has them (a just-placed order, which has no
    fulfilments or returns yet) — saves reading them again."""
    currency = order.currency_code
    fresh = items is not None
    items = items if fresh else order.items.all()
    data = {
        "id": order.id, "display_id": order.display_id, "status": order.status,
        "payment_status": order.payment_status, "fulfillment_status": order.fulfillment_status,
        "customer_id": order.customer_id, "email": order.email, "currency_code": currency,
        "region_id": order.region_id,
        "items": [{
            "id": line.id, "variant_id": line.variant_id, "product_id": line.product_id, "title": line.title,
            "variant_title": line.variant_title, "sku": line.sku, "thumbnail": line.thumbnail,
            "quantity": line.quantity, "unit_price": fmt(line.unit_price, currency),
            "subtotal": fmt(line.subtotal, currency), "discount_total": fmt(line.discount_total, currency),
            "tax_rate": str(line.tax_rate), "tax_total": fmt(line.tax_total, currency),
            "total": fmt(line.total, currency), "fulfilled_quantity": line.fulfilled_quantity,
            "shipped_quantity": line.shipped_quantity, "returned_quantity": line.returned_quantity,
            "metadata": line.metadata,
        } for line in items],
        "shipping_address": order.shipping_address, "billing_address": order.billing_address,
        "shipping_method": {"option_id": order.shipping_option_id, "name": order.shipping_method_name,
                            "amount": fmt(order.shipping_total, currency)} if order.shipping_method_name else None,
        "promotions": [{"code": p["code"], "amount": fmt(p["amount"], currency)} for p in order.applied_promotions
                       if p.get("applied")],
        **{name: fmt(getattr(order, name), currency) for name in TOTALS},
        "metadata": order.metadata,
        "created_at": order.created_at.isoformat(), "updated_at": order.updated_at.isoformat(),
        "canceled_at": order.canceled_at.isoformat() if order.canceled_at else None,
        "fulfillments": [{
            "id": f.id, "status": f.status, "tracking_number": f.tracking_number, "tracking_url": f.tracking_url,
            "shipped_at": f.shipped_at.isoformat() if f.shipped_at else None,
            "delivered_at": f.delivered_at.isoformat() if f.delivered_at else None,
            "items": [{"line_item_id": i.line_item_id, "quantity": i.quantity} for i in f.items.all()],
        } for f in ([] if fresh else order.fulfillments.all())],
        "returns": [] if fresh else [present_return(r) for r in order.returns.all()],
    }
    if admin:
        data["sales_channel_id"] = order.sales_channel_id
        data["cart_id"] = order.cart_id
        data["payments"] = [{
            "id": p.id, "provider": p.provider, "payment_intent_id": p.payment_intent_id, "status": p.status,
            "amount": fmt(p.amount, currency), "captured_amount": fmt(p.captured_amount, currency),
            "refunded_amount": fmt(p.refunded_amount, currency),
            "captured_at": p.captured_at.isoformat() if p.captured_at else None,
        } for p in order.payments.all()]
        data["refunds"] = [{
            "id": r.id, "amount": fmt(r.amount, currency), "reason": r.reason, "note": r.note,
            "return_id": r.return_id, "created_at": r.created_at.isoformat(),
        } for r in order.refunds.all()]
        invoice = getattr(order, "invoice", None) if hasattr(order, "invoice") else None
        data["invoice_id"] = invoice.id if invoice else None
    return data


def present_return(ret) -> dict:
    currency = ret.order.currency_code
    return {
        "id": ret.id, "order_id": ret.order_id, "status": ret.status, "return_method": ret.return_method,
        "refund_method": ret.refund_method, "refund_amount": fmt(ret.refund_amount, currency), "note": ret.note,
        "items": [{"line_item_id": i.line_item_id, "quantity": i.quantity, "reason": i.reason,
                   "condition": i.condition} for i in ret.items.all()],
        "received_at": ret.received_at.isoformat() if ret.received_at else None,
        "created_at": ret.created_at.isoformat(),
    }


def order_queryset():
    from commerce.orders.models import Order

    return Order.objects.prefetch_related("items", "fulfillments__items", "returns__items", "returns__order")


def admin_order_queryset():
    return order_queryset().prefetch_related("payments", "refunds").select_related("invoice")
