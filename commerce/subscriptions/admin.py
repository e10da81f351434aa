from django.contrib import admin

from commerce.subscriptions import services
from commerce.subscriptions.models import LIVE_STATUSES, Subscription, SubscriptionPlan


@admin.register(SubscriptionPlan)
class SubscriptionPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "billing_interval", "interval_count", "trial_days", "max_subscribers", "product", "cms_id"]
    list_filter = ["billing_interval"]
    search_fields = ["id", "title", "cms_id", "product__handle"]
    readonly_fields = ["id", "product", "cms_id", "metadata", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False  # plans are created through the service (admin API, CMS push): it makes their product

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.update_subscription_product(obj.pk, {name: form.cleaned_data[name] for name in form.changed_data
                                                      if name in services.PLAN_FIELDS + ("title",)})


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
