"""Commerce settings, from the environment (defaults suit development and tests)."""
from cityos.config import env

# How long stock stays held for a cart whose checkout started but did not complete.
RESERVATION_TTL_SECONDS = int(env("COMMERCE_RESERVATION_TTL_SECONDS", "900"))
# How long a customer's API token from POST /store/auth/token stays valid.
CUSTOMER_TOKEN_DAYS = int(env("COMMERCE_CUSTOMER_TOKEN_DAYS", "30"))
# How long a store product-list page may be served from the per-process cache (0 turns it off).
STORE_LIST_CACHE_SECONDS = int(env("COMMERCE_STORE_LIST_CACHE_SECONDS", "30"))
# Largest quantity of one variant a cart line may hold.
MAX_LINE_QUANTITY = int(env("COMMERCE_MAX_LINE_QUANTITY", "1000"))
