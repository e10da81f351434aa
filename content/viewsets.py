"""Wagtail admin screens (snippet ViewSets): list columns, filters and search for every snippet.

Three menu groups: "Site content" (navigation, banners, announcements, FAQs, notification
templates), "Places & collections" (points of interest, their commerce summaries and the ten
domain collections) and "Store" (the product content editors add to commerce's products).
"""
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cityos.money import fmt
from content import models as m


class PriceColumn(Column):
    def get_value(self, instance):
        return f"{fmt(instance.price, instance.currency)} {instance.currency}"


class WindowStatusColumn(Column):
    LABELS = {"off": _("Off"), "scheduled": _("Scheduled"), "ended": _("Ended"), "showing": _("Showing")}

    def get_value(self, instance):
        return self.LABELS[instance.window_status]


class RefusingPolicy(ModelPermissionPolicy):
    """The model's usual permissions, except `refused` actions, which nobody has: for rows that
    other code creates (product content from commerce) or computes (commerce summaries)."""

    def __init__(self, model, refused):
        super().__init__(model)
        self.refused = frozenset(refused)

    def user_has_permission(self, user, action):
        return action not in self.refused and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        allowed = [action for action in actions if action not in self.refused]
        return super().users_with_any_permission(allowed) if allowed else super().users_with_any_permission([]).none()


class MoneyColumn(Column):
    def get_value(self, instance):
        return f"{fmt(getattr(instance, self.name), instance.currency)} {instance.currency}"


class ContentSnippetViewSet(SnippetViewSet):
    """Search with the database (icontains over `search_fields`), not a search index."""

    search_backend_name = None
    list_per_page = 30
    inspect_view_enabled = True
    copy_view_enabled = True


# ----- site content ------------------------------------------------------------------------
class NavigationMenuViewSet(ContentSnippetViewSet):
    model = m.NavigationMenu
    icon = "list-ul"
    menu_label = _("Navigation")
    list_display = ["title", "handle", DateColumn("updated_at", label=_("Updated"))]
    list_filter = ["handle"]
    search_fields = ["title", "handle"]


class BannerViewSet(ContentSnippetViewSet):
    model = m.Banner
    icon = "image"
    list_display = ["title", "placement", "priority", WindowStatusColumn("window_status", label=_("Status")),
                    DateColumn("starts_at", label=_("Starts")), DateColumn("ends_at", label=_("Ends"))]
    list_filter = {"placement": ["exact"], "is_active": ["exact"], "starts_at": ["gte"], "ends_at": ["lte"]}
    search_fields = ["title", "text"]


class AnnouncementViewSet(ContentSnippetViewSet):
    model = m.Announcement
    icon = "warning"
    list_display = ["message", "level", WindowStatusColumn("window_status", label=_("Status")),
                    DateColumn("starts_at", label=_("Starts")), DateColumn("ends_at", label=_("Ends"))]
    list_filter = {"level": ["exact"], "is_active": ["exact"]}
    search_fields = ["message"]


class FAQViewSet(ContentSnippetViewSet):
    model = m.FAQ
    icon = "help"
    menu_label = _("FAQs")
    list_display = ["question", "category", "sort_order", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["question", "answer", "category"]


class NotificationTemplateViewSet(ContentSnippetViewSet):
    model = m.NotificationTemplate
    icon = "mail"
    menu_label = _("Notification templates")
    list_display = ["name", "key", "channel", "is_active", DateColumn("updated_at", label=_("Updated"))]
    list_filter = ["channel", "is_active", "key"]
    search_fields = ["name", "key", "subject", "body"]


class SiteContentGroup(SnippetViewSetGroup):
    menu_label = _("Site content")
    menu_icon = "doc-full-inverse"
    menu_order = 250
    items = (NavigationMenuViewSet, BannerViewSet, AnnouncementViewSet, FAQViewSet, NotificationTemplateViewSet)


# ----- places and domain collections -------------------------------------------------------
class PointOfInterestViewSet(ContentSnippetViewSet):
    model = m.PointOfInterest
    icon = "site"
    menu_label = _("Points of interest")
    list_display = ["name", "id", "kind", "domain", "city", "is_active"]
    list_filter = ["kind", "domain", "city", "is_active"]
    search_fields = ["name", "id", "slug", "address", "district", "city"]


def record_viewset(record_model, *, icon: str, columns: list, filters: list, search: list):
    """The admin screens of one domain collection: its own columns and filters beside the common ones."""
    return type(f"{record_model.__name__}ViewSet", (ContentSnippetViewSet,), {
        "model": record_model,
        "icon": icon,
        "menu_label": record_model._meta.verbose_name_plural.capitalize(),
        "list_display": ["title", "poi", *columns, PriceColumn("price", label=_("Price")),
                         DateColumn("updated_at", label=_("Updated"))],
        "list_filter": ["poi", "live", *filters],
        "search_fields": ["title", "slug", "description", "cms_id", "commerce_id", *search],
        "inspect_view_fields_exclude": ["latest_revision", "live_revision"],
    })


RECORD_VIEWSETS = [
    record_viewset(m.HealthcareAppointment, icon="user", columns=["practitioner", "specialty", "starts_at", "capacity"],
                   filters=["specialty", "mode"], search=["practitioner", "specialty"]),
    record_viewset(m.CourseEnrollment, icon="pick", columns=["course_code", "starts_on", "seats"],
                   filters=["level", "mode"], search=["course_code", "instructor"]),
    record_viewset(m.TransitPass, icon="tag", columns=["pass_type", "rider_category", "validity_days"],
                   filters=["pass_type", "rider_category", "billing_interval"], search=["zones"]),
    record_viewset(m.MarketListing, icon="form", columns=["category", "unit", "quantity_available"],
                   filters=["category", "unit", "organic"], search=["origin"]),
    record_viewset(m.Property, icon="home", columns=["listing_type", "property_type", "area_sqm"],
                   filters=["listing_type", "property_type", "furnished"], search=["address"]),
    record_viewset(m.Rental, icon="key", columns=["rental_type", "rent_period", "units_available"],
                   filters=["rental_type", "rent_period"], search=[]),
    record_viewset(m.ServicePlan, icon="list-ol", columns=["billing_interval", "tier"],
                   filters=["billing_interval"], search=["feature_list"]),
    record_viewset(m.CitizenService, icon="clipboard-list", columns=["department", "delivery_channel"],
                   filters=["delivery_channel", "requires_appointment", "department"],
                   search=["department", "service_code"]),
    record_viewset(m.Event, icon="date", columns=["category", "starts_at", "capacity"],
                   filters=["category"], search=["organizer", "venue_details"]),
    record_viewset(m.JobListing, icon="group", columns=["employer", "employment_type", "application_deadline"],
                   filters=["employment_type", "work_mode"], search=["employer"]),
]


class POICommerceSummaryViewSet(ContentSnippetViewSet):
    """What each POI sold (read only: recomputed from commerce)."""

    model = m.POICommerceSummary
    icon = "table"
    menu_label = _("POI revenue")
    copy_view_enabled = False
    list_display = ["poi", MoneyColumn("gross", label=_("Gross")), MoneyColumn("net", label=_("Net")),
                    MoneyColumn("refunded", label=_("Refunded")), MoneyColumn("last_7_days", label=_("7 days")),
                    MoneyColumn("last_30_days", label=_("30 days")), "order_count",
                    DateColumn("computed_at", label=_("Computed"))]
    list_filter = ["source"]
    search_fields = ["poi__name", "poi__id"]


class PlacesAndCollectionsGroup(SnippetViewSetGroup):
    menu_label = _("Places & collections")
    menu_icon = "site"
    menu_order = 260
    items = (PointOfInterestViewSet, POICommerceSummaryViewSet, *RECORD_VIEWSETS)


class ProductContentViewSet(ContentSnippetViewSet):
    """Commerce's products, for editors to enrich (entries come from commerce, never added here)."""

    model = m.ProductContent
    icon = "tag"
    menu_label = _("Product content")
    copy_view_enabled = False
    add_to_admin_menu = True
    menu_order = 270
    list_display = ["title", "handle", "commerce_status", "seo_title", DateColumn("updated_at", label=_("Updated"))]
    list_filter = ["commerce_status", "live"]
    search_fields = ["title", "handle", "product_id", "seo_title"]


PERMISSION_POLICIES = {
    m.ProductContent: RefusingPolicy(m.ProductContent, {"add", "delete"}),
    m.POICommerceSummary: RefusingPolicy(m.POICommerceSummary, {"add", "change", "delete"}),
}
