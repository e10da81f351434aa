"""Uploaded files follow MEDIA_ROOT, one directory per tenant schema."""
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tenants.utils import schema_context


def test_files_follow_a_changed_media_root_into_the_tenant_directory(settings, tmp_path, tenant_a):
    for name in ("first", "second"):
        settings.MEDIA_ROOT = str(tmp_path / name)
        with schema_context(tenant_a.schema_name):
            saved = default_storage.save("notes/hello.txt", ContentFile(b"hi"))
            assert Path(default_storage.path(saved)) == tmp_path / name / tenant_a.schema_name / saved
            assert (tmp_path / name / tenant_a.schema_name / saved).read_bytes() == b"hi"
            assert default_storage.url(saved) == f"/media/{tenant_a.schema_name}/{saved}"
