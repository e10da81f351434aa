"""The marketplace: vendors and the products they sell, the split of orders into vendor orders,
commission rules and the commission ledger, and vendor payouts (seeds 003 §3.1.3–3.1.4)."""
