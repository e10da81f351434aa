"""Stripe: the payment gateway (PaymentIntents, refunds, Connect) — real SDK client and sandbox."""
