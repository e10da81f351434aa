from django.contrib import admin, messages

from cityos.errors import ServiceError
from commerce.bookings import services
from commerce.bookings.models import Booking, Reservation, ReservationStatus


class ReservationInline(admin.TabularInline):
    model = Reservation
    extra = 0
    can_delete = False
    fields = ["id", "email", "seats", "status", "order_id", "created_at"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["title", "provider_name", "service", "starts_at", "capacity", "price", "currency_code", "status",
                    "cms_id"]
    list_filter = ["status", "mode", "service", "starts_at"]
    search_fields = ["id", "title", "provider_name", "service", "cms_id"]
    date_hierarchy = "starts_at"
    readonly_fields = ["id", "cms_id", "status", "product", "ends_at", "cancelled_at", "cancel_reason", "metadata",
                       "created_at", "updated_at"]
    inlines = [ReservationInline]
    actions = ["cancel_slots"]

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead: the slot's reservations and orders keep referring to it

    def save_model(self, request, obj, form, change):
        """Through the service, which makes (and keeps in step) the slot's product."""
        if change:
            services.update_booking(obj.pk, {name: form.cleaned_data[name] for name in form.changed_data
                                             if name in services.SLOT_FIELDS})
            return
        created = services.create_booking({name: form.cleaned_data[name] for name in services.SLOT_FIELDS
                                           if name in form.cleaned_data})
        obj.pk = created.pk

    @admin.action(description="Cancel the selected slots (and their open reservations)")
    def cancel_slots(self, request, queryset):
        for booking in queryset:
            services.cancel_booking(booking.pk, reason="Cancelled in the admin.")
        self.message_user(request, f"{queryset.count()} slot(s) cancelled.")


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    list_display = ["id", "booking", "email", "seats", "amount", "currency_code", "status", "created_at"]
    list_filter = ["status", "booking__service"]
    search_fields = ["id", "email", "order_id", "booking__title", "booking__id"]
    list_select_related = ["booking"]
    raw_id_fields = ["customer"]
    readonly_fields = [f.name for f in Reservation._meta.fields]
    actions = ["confirm", "check_in", "mark_no_show", "cancel"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _apply(self, request, queryset, change, label, **kwargs):
        done = 0
        for reservation in queryset:
            try:
                change(reservation.pk, **kwargs)
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{reservation.pk}: {exc.message}", messages.WARNING)
        self.message_user(request, f"{done} reservation(s) {label}.")

    @admin.action(description="Confirm")
    def confirm(self, request, queryset):
        self._apply(request, queryset.filter(status=ReservationStatus.PENDING), services.confirm_reservation,
                    "confirmed")

    @admin.action(description="Check in")
    def check_in(self, request, queryset):
        self._apply(request, queryset, services.check_in, "checked in")

    @admin.action(description="Mark as no-show (frees the seats)")
    def mark_no_show(self, request, queryset):
        self._apply(request, queryset, services.mark_no_show, "marked as no-show")

    @admin.action(description="Cancel (frees the seats)")
    def cancel(self, request, queryset):
        self._apply(request, queryset, services.cancel_reservation, "cancelled", reason="Cancelled in the admin.",
                    by="staff")
