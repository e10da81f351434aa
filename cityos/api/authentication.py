"""Staff authentication for the admin and platform APIs.

`Authorization: Bearer <token>` where the token is either `ADMIN_API_TOKEN` (automation: cron,
scripts, CI) or a staff user's API token (`rest_framework.authtoken`, issued in the Django admin
or by `manage.py drf_create_token`). A logged-in admin session also works, for the browsable API.
"""
from django.conf import settings
from django.utils.crypto import constant_time_compare
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


class AutomationPrincipal:
    """The caller holding ADMIN_API_TOKEN: not a user, allowed everywhere staff is."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_superuser = False
    is_staff = True
    is_automation = True
    pk = None
    id = None
    username = "admin-api-token"

    def __str__(self):
        return self.username


def bearer_token(request) -> str | None:
    """The token of an `Authorization: Bearer <token>` header; None when there is no such header."""
    parts = get_authorization_header(request).split()
    if not parts or parts[0].lower() not in (b"bearer", b"token"):
        return None
    if len(parts) != 2:
        raise AuthenticationFailed("Malformed Authorization header: expected 'Bearer <token>'.")
    try:
        return parts[1].decode()
    except UnicodeError:
        raise AuthenticationFailed("The token contains invalid characters.") from None


class StaffTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        key = bearer_token(request)
        if key is None:
            return None
        if settings.ADMIN_API_TOKEN and constant_time_compare(key, settings.ADMIN_API_TOKEN):
            return AutomationPrincipal(), "admin-api-token"
        token = Token.objects.select_related("user").filter(key=key).first()
        if token is None or not token.user.is_active:
            raise AuthenticationFailed("Invalid or revoked staff token.")
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="admin"'


STAFF_AUTHENTICATION = [StaffTokenAuthentication, SessionAuthentication]
