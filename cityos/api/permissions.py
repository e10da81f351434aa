from rest_framework.permissions import BasePermission


def is_automation(user) -> bool:
    return bool(getattr(user, "is_automation", False))


class IsTenantStaff(BasePermission):
    """Automation token, a superuser, or a user with a membership in the request's tenant."""

    message = "Staff credentials for this tenant are required."

    def has_permission(self, request, view):
        user = request.user
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        if is_automation(user) or user.is_superuser:
            return True
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.is_platform or not user.is_active:
            return False
        return tenant.has_member(user)


class IsPlatformStaff(BasePermission):
    """Automation token or a platform superuser."""

    message = "Platform staff credentials are required."

    def has_permission(self, request, view):
        user = request.user
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        return is_automation(user) or bool(user.is_superuser and user.is_active)
