"""Admin API routes of bookings (included under /admin/api/ by commerce/urls.py)."""
from rest_framework.routers import SimpleRouter

from commerce.bookings import admin_api

router = SimpleRouter(trailing_slash=False)
router.register("bookings", admin_api.BookingViewSet, basename="admin-bookings")
router.register("reservations", admin_api.ReservationViewSet, basename="admin-reservations")

urlpatterns = router.urls
