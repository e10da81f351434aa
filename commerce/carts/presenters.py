"""The JSON shape of a cart (store API); money as strings with the currency's minor digits."""
from cityos.money import fmt

TOTALS = ("subtotal", "discount_total", "shipping_total", "tax_total", "gift_card_total", "total")


def present_cart(cart) -> dict:
    currency = cart.currency_code
    method = getattr(cart, "shipping_method", None)
    session = getattr(cart, "payment_session", None)
    order = getattr(cart, "order", None) if cart.completed_at else None
    return {
        "id": cart.id, "region_id": cart.region_id, "sales_channel_id": cart.sales_channel_id,
        "currency_code": currency, "customer_id": cart.customer_id, "email": cart.email,
        "shipping_address": cart.shipping_address, "billing_address": cart.billing_address,
        "items": [{
            "id": line.id, "variant_id": line.variant_id, "product_id": line.variant.product_id, "title": line.title,
            "variant_title": line.variant_title, "sku": line.sku, "thumbnail": line.thumbnail,
            "quantity": line.quantity, "unit_price": fmt(line.unit_price, currency), "price_source": line.price_source,
            "subtotal": fmt(line.subtotal, currency), "discount_total": fmt(line.discount_total, currency),
            "tax_rate": str(line.tax_rate), "tax_total": fmt(line.tax_total, currency),
            "total": fmt(line.total, currency), "metadata": line.metadata,
        } for line in cart.items.all()],
        "promotions": [{"code": p["code"], "amount": fmt(p["amount"], currency), "applied": p["applied"],
                        "reason": p["reason"]} for p in cart.applied_promotions],
        "gift_cards": [{"code": card.code, "balance": fmt(card.balance, card.currency_code)}
                       for card in cart.gift_cards.all()],
        "shipping_method": {"option_id": method.option_id, "name": method.name,
                            "amount": fmt(method.amount, currency)} if method else None,
        "payment_session": {"provider": session.provider, "status": session.status,
                            "amount": fmt(session.amount, currency),
                            "reservation_expires_at": session.reservation_expires_at.isoformat()
                            if session.reservation_expires_at else None,
                            "last_error": session.last_error} if session else None,
        **{name: fmt(getattr(cart, name), currency) for name in TOTALS},
        "completed_at": cart.completed_at.isoformat() if cart.completed_at else None,
        "order_id": order.id if order else None,
        "metadata": cart.metadata,
        "created_at": cart.created_at.isoformat(), "updated_at": cart.updated_at.isoformat(),
    }
