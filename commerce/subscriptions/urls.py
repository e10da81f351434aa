"""Admin API routes of subscriptions (included under /admin/api/ by commerce/urls.py)."""
from rest_framework.routers import SimpleRouter

from commerce.subscriptions import admin_api

router = SimpleRouter(trailing_slash=False)
router.register("subscription-plans", admin_api.SubscriptionPlanViewSet, basename="admin-subscription-plans")
router.register("subscriptions", admin_api.SubscriptionViewSet, basename="admin-subscriptions")

urlpatterns = router.urls
