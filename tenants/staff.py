"""The 'Tenant staff' group: what a tenant member may do in their tenant's admin and CMS.

Django permissions are platform-wide (users and groups live in the public schema), so the group
grants them everywhere; `TenantStaffAccessMiddleware` and the tenant admin site then admit a
member only into their own tenant. Wagtail's page and collection permissions live in each tenant
schema and are granted when the tenant's site is set up.
"""
from django.conf import settings
from django.contrib.auth.models import Group, Permission

STAFF_GROUP = "Tenant staff"
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
COLLECTION_PERMISSIONS = {
    "wagtailimages": ("add_image", "change_image", "choose_image", "delete_image"),
    "wagtaildocs": ("add_document", "change_document", "choose_document", "delete_document"),
}


def _tenant_app_labels() -> set[str]:
    from django.apps import apps

    labels = set()
    for name in settings.TENANT_APPS:
        for config in apps.get_app_configs():
            if config.name == name:
                labels.add(config.label)
    return labels - {"wagtailcore", "wagtailusers", "wagtailadmin", "wagtailsites", "wagtaillocales"}


def staff_group() -> Group:
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    wanted = Permission.objects.filter(content_type__app_label__in=_tenant_app_labels()) | Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    missing = wanted.exclude(pk__in=group.permissions.values("pk"))
    if missing.exists():
        group.permissions.add(*missing)
    return group


def grant_cms_permissions(group: Group) -> None:
    """Inside a tenant schema: let the group edit the page tree and the root collection."""
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    root = Page.get_first_root_node()
    for codename in PAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
    collection = Collection.get_first_root_node()
    for app_label, codenames in COLLECTION_PERMISSIONS.items():
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)
