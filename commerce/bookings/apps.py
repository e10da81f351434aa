from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "commerce.bookings"
    label = "bookings"
    verbose_name = "Bookings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commerce.bookings import events  # noqa: F401  (adds the booking events to the catalog)
