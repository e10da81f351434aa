"""Media storage: one directory per tenant schema under MEDIA_ROOT."""
from django_tenants.files.storage import TenantFileSystemStorage


class TenantMediaStorage(TenantFileSystemStorage):
    """django-tenants' storage, but it forgets its tenant media root when MEDIA_ROOT changes.

    The upstream class caches `relative_media_root` and never clears it on a MEDIA_ROOT change
    (its `_clear_cached_properties` passes the wrong argument up), so files would keep going to the
    first MEDIA_ROOT it saw."""

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting in ("MEDIA_ROOT", "MEDIA_URL", "MULTITENANT_RELATIVE_MEDIA_ROOT"):
            self.__dict__.pop("relative_media_root", None)
            self.__dict__.pop("relative_media_url", None)
