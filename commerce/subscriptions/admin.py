from decimal import Decimal

from django import forms
from django.contrib import admin

from commerce.catalog.models import ProductStatus
from commerce.subscriptions import services
from commerce.subscriptions.models import LIVE_STATUSES, Subscription, SubscriptionPlan

PRODUCT_FORM_FIELDS = ("description", "price", "currency_code", "status")


class PlanForm(forms.ModelForm):
    """The plan's terms plus what its product sells it for."""

    description = forms.CharField(required=False, widget=forms.Textarea)
    price = forms.DecimalField(min_value=Decimal("0"), max_digits=18, decimal_places=4)
    currency_code = forms.CharField(min_length=3, max_length=3, initial="SAR")
    status = forms.ChoiceField(choices=ProductStatus.choices, initial=ProductStatus.PUBLISHED)

    class Meta:
        model = SubscriptionPlan
        fields = ["title", "billing_interval", "interval_count", "validity_days", "trial_days", "max_subscribers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.product_id:  # an existing plan (ids are given before the first save)
            offer = services.plan_payload(self.instance)
            self.initial.update(description=self.instance.product.description, price=offer["price"],
                                currency_code=offer["currency_code"], status=offer["status"])


@admin.register(SubscriptionPlan)
class SubscriptionPlanAdmin(admin.ModelAdmin):
    form = PlanForm
    list_display = ["title", "billing_interval", "interval_count", "trial_days", "max_subscribers", "product", "cms_id"]
    list_filter = ["billing_interval"]
    search_fields = ["id", "title", "cms_id", "product__handle"]
    readonly_fields = ["id", "product", "cms_id", "metadata", "created_at", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # archive the plan's product instead: subscriptions keep referring to it

    def save_model(self, request, obj, form, change):
        """Through the service, which makes (and keeps in step) the plan's product."""
        names = set(services.PLAN_FIELDS) | {"title", *PRODUCT_FORM_FIELDS}
        if change:
            services.update_subscription_product(obj.pk, {name: form.cleaned_data[name] for name in form.changed_data
                                                          if name in names})
            return
        created = services.create_subscription_product({name: form.cleaned_data[name] for name in names
                                                        if name in form.cleaned_data})
        obj.pk = created.pk


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["id", "plan", "email", "quantity", "status", "current_period_end", "cancel_at_period_end",
                    "created_at"]
    list_filter = ["status", "cancel_at_period_end", "plan"]
    search_fields = ["id", "email", "order_id", "plan__title"]
    list_select_related = ["plan"]
    raw_id_fields = ["customer"]
    readonly_fields = [f.name for f in Subscription._meta.fields]
    actions = ["cancel_now", "cancel_at_period_end"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Cancel now")
    def cancel_now(self, request, queryset):
        for subscription in queryset.filter(status__in=LIVE_STATUSES):
            services.cancel_subscription(subscription.pk, reason="Cancelled in the admin.")
        self.message_user(request, "Cancelled.")

    @admin.action(description="Cancel at the end of the period")
    def cancel_at_period_end(self, request, queryset):
        for subscription in queryset.filter(status__in=LIVE_STATUSES):
            services.cancel_subscription(subscription.pk, at_period_end=True, reason="Cancelled in the admin.")
        self.message_user(request, "Will end with their period.")
