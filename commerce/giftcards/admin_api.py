"""Admin API of gift cards: issue, look up, disable."""
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cityos.api.authentication import STAFF_AUTHENTICATION
from cityos.api.permissions import IsTenantStaff
from cityos.errors import InvalidInput
from commerce.core.schema import MoneyField
from commerce.customers.models import Customer
from commerce.giftcards import services
from commerce.giftcards.models import GiftCard


class GiftCardOut(serializers.ModelSerializer):
    value = MoneyField()
    balance = MoneyField()

    class Meta:
        model = GiftCard
        fields = ["id", "code", "currency_code", "value", "balance", "is_disabled", "expires_at", "customer_id",
                  "recipient_email", "order_id", "note", "metadata", "created_at", "updated_at"]


class GiftCardIn(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0)
    currency_code = serializers.CharField(min_length=3, max_length=3)
    customer_id = serializers.CharField(required=False, max_length=40)
    recipient_email = serializers.EmailField(required=False)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


@extend_schema(tags=["admin: gift cards"])
class GiftCardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Gift cards; `?code=` finds one by code."""

    authentication_classes = STAFF_AUTHENTICATION
    permission_classes = [IsTenantStaff]
    serializer_class = GiftCardOut

    def get_queryset(self):
        queryset = GiftCard.objects.order_by("-created_at")
        if self.request.query_params.get("code"):
            queryset = queryset.filter(code=services.normalize_code(self.request.query_params["code"]))
        return queryset

    @extend_schema(request=GiftCardIn, responses={201: GiftCardOut})
    def create(self, request):
        serializer = GiftCardIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        customer = None
        if data.get("customer_id"):
            customer = Customer.objects.filter(pk=data["customer_id"]).first()
            if customer is None:
                raise InvalidInput("Unknown customer.", fields={"customer_id": ["Unknown customer."]})
        card = services.issue(amount=data["amount"], currency_code=data["currency_code"], customer=customer,
                              recipient_email=data.get("recipient_email", ""), note=data.get("note", ""),
                              expires_at=data.get("expires_at"))
        return Response(GiftCardOut(card).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=GiftCardOut)
    @action(detail=True, methods=["post"])
    def disable(self, request, pk=None):
        return Response(GiftCardOut(services.disable(self.get_object())).data)
