"""Every commerce model is in the tenant's Django admin, and its list and add pages render."""
import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model

import commerce

COMMERCE_APPS = [name.split(".")[-1] for name in commerce.TENANT_APPS if name.startswith("commerce.")]


def commerce_models():
    return [model for label in COMMERCE_APPS for model in apps.get_app_config(label).get_models()]


def test_every_commerce_model_is_registered():
    missing = [m.__name__ for m in commerce_models() if not admin.site.is_registered(m)]
    assert missing == []


@pytest.fixture
def superuser_client(store_a):
    from tests.support.tenants import host_client

    user = get_user_model().objects.create_superuser("commerce-admin", "ca@example.com", "not-used-pw-123")
    client = host_client("alpha.localhost")
    client.force_login(user)
    store_a.product()  # something to list
    return client


def addable(model) -> bool:
    """Whether the model's admin lets a superuser add rows (records that only come from a
    service, such as a reservation made by an order, are not added by hand)."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    return admin.site._registry[model].has_add_permission(request)


@pytest.mark.parametrize("model", commerce_models(), ids=lambda m: f"{m._meta.app_label}.{m.__name__}")
def test_changelist_and_add_pages_render(superuser_client, model):
    base = f"/django-admin/{model._meta.app_label}/{model._meta.model_name}/"
    response = superuser_client.get(base, {"q": "x"})
    assert response.status_code == 200, base
    expected = 200 if addable(model) else 403
    assert superuser_client.get(base + "add/").status_code == expected, base
