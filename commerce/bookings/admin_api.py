"""Admin API of bookings (tenant hosts, staff): slots and the customers' reservations.

    GET/POST /admin/api/bookings, GET/PATCH/DELETE /admin/api/bookings/{id} (DELETE cancels)
    GET /admin/api/bookings/{id}/reservations
    GET /admin/api/reservations (?status=&booking_id=&order_id=&customer_id=&email=&overdue=true)
    POST /admin/api/reservations/{id}/confirm | check-in | complete | no-show | cancel
"""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cityos.api.authentication import STAFF_AUTHENTICATION
from cityos.api.permissions import IsTenantStaff
from commerce.bookings import services
from commerce.bookings.models import Booking, BookingStatus, Reservation, ReservationStatus
from commerce.core.admin_api import ServiceViewSet, documented
from commerce.core.schema import MoneyField


class BookingOut(serializers.ModelSerializer):
    price = MoneyField()
    no_show_fee = MoneyField()
    seats_booked = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = ["id", "cms_id", "title", "description", "provider_name", "provider_id", "service", "mode",
                  "location", "starts_at", "duration_minutes", "ends_at", "capacity", "seats_booked", "price",
                  "no_show_fee", "currency_code", "status", "product_id", "cancelled_at", "cancel_reason", "metadata",
                  "created_at", "updated_at"]

    def get_seats_booked(self, booking) -> int:
        return sum(r.seats for r in booking.reservations.all() if r.status in (
            ReservationStatus.PENDING, ReservationStatus.CONFIRMED, ReservationStatus.CHECKED_IN,
            ReservationStatus.COMPLETED))


class BookingIn(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True)
    provider_name = serializers.CharField(required=False, allow_blank=True, max_length=160)
    provider_id = serializers.CharField(required=False, allow_blank=True, max_length=64)
    service = serializers.CharField(required=False, allow_blank=True, max_length=120)
    mode = serializers.CharField(required=False, allow_blank=True, max_length=20)
    location = serializers.CharField(required=False, allow_blank=True, max_length=255)
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(required=False, min_value=5, max_value=1440)
    capacity = serializers.IntegerField(required=False, min_value=1, max_value=100_000)
    price = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0)
    no_show_fee = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0, required=False,
                                           help_text="charged to the customer's card on a no-show (0: none)")
    currency_code = serializers.CharField(min_length=3, max_length=3)
    status = serializers.ChoiceField(choices=[BookingStatus.DRAFT, BookingStatus.OPEN], required=False)
    cms_id = serializers.CharField(required=False, max_length=64, help_text="on create only")
    metadata = serializers.DictField(required=False)


class ReservationOut(serializers.ModelSerializer):
    amount = MoneyField()
    no_show_fee = MoneyField()
    booking_title = serializers.CharField(source="booking.title", read_only=True)
    starts_at = serializers.DateTimeField(source="booking.starts_at", read_only=True)

    class Meta:
        model = Reservation
        fields = ["id", "booking_id", "booking_title", "starts_at", "order_id", "line_item_id", "customer_id", "email",
                  "seats", "amount", "currency_code", "status", "confirmed_at", "checked_in_at", "completed_at",
                  "no_show_at", "cancelled_at", "cancel_reason", "seats_released", "no_show_fee", "no_show_fee_status",
                  "no_show_fee_intent_id", "metadata", "created_at"]


class ReservationCancelIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


@documented(BookingIn, tag="admin: bookings")
class BookingViewSet(ServiceViewSet):
    """Bookable slots, soonest first. List filters: status, poi_id (`cms_poi_id`), starts_after,
    starts_before, q, cms_id. DELETE cancels the slot and its open reservations."""

    serializer_class = BookingOut
    input_serializer_class = BookingIn

    def get_queryset(self):
        params = self.request.query_params
        dates = serializers.DateTimeField()
        return services.list_bookings(
            status=params.get("status"), poi_id=params.get("poi_id"), q=params.get("q"), cms_id=params.get("cms_id"),
            starts_after=dates.to_internal_value(params["starts_after"]) if params.get("starts_after") else None,
            starts_before=dates.to_internal_value(params["starts_before"]) if params.get("starts_before") else None,
        ).prefetch_related("reservations")

    def save(self, data, instance=None):
        data = dict(data)
        if instance is None:
            return services.create_booking(data)
        data.pop("cms_id", None)
        return services.update_booking(instance.pk, data)

    def remove(self, instance):
        services.cancel_booking(instance.pk, reason="Cancelled by staff.")

    @extend_schema(tags=["admin: bookings"], responses=ReservationOut(many=True))
    @action(detail=True, methods=["get"])
    def reservations(self, request, pk=None):
        booking = self.get_object()
        page = self.paginate_queryset(services.list_reservations(booking_id=booking.pk))
        return self.get_paginated_response(ReservationOut(page, many=True).data)


@extend_schema(tags=["admin: bookings"])
class ReservationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The customers' reservations, newest first; `overdue=true`: not checked in although the
    slot began more than 30 minutes ago (the no-show candidates)."""

    authentication_classes = STAFF_AUTHENTICATION
    permission_classes = [IsTenantStaff]
    serializer_class = ReservationOut

    def get_queryset(self):
        params = self.request.query_params
        if params.get("overdue") in ("1", "true") and self.action == "list":
            return services.overdue_reservations()
        return services.list_reservations(status=params.get("status"), booking_id=params.get("booking_id"),
                                          order_id=params.get("order_id"), customer_id=params.get("customer_id"),
                                          email=params.get("email"))

    @extend_schema(parameters=[
        OpenApiParameter("status", enum=ReservationStatus.values), OpenApiParameter("booking_id"),
        OpenApiParameter("order_id"), OpenApiParameter("customer_id"), OpenApiParameter("email"),
        OpenApiParameter("overdue", bool, description="only the overdue, unchecked reservations")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _act(self, change, **kwargs):
        return Response(ReservationOut(change(self.get_object().pk, **kwargs)).data)

    @extend_schema(request=None, responses=ReservationOut)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._act(services.confirm_reservation)

    @extend_schema(request=None, responses=ReservationOut)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        return self._act(services.check_in)

    @extend_schema(request=None, responses=ReservationOut)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._act(services.complete_reservation)

    @extend_schema(request=None, responses=ReservationOut)
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request, pk=None):
        return self._act(services.mark_no_show)

    @extend_schema(request=ReservationCancelIn, responses=ReservationOut)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        body = ReservationCancelIn(data=request.data)
        body.is_valid(raise_exception=True)
        return self._act(services.cancel_reservation, reason=body.validated_data.get("reason", ""), by="staff")
