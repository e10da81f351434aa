"""The CMS screens of the content area load for a member of the tenant, with their columns,
filters and search."""
import pytest
from wagtail.models import Site

from content.models import COLLECTIONS
from content.viewsets import RECORD_VIEWSETS

pytestmark = pytest.mark.django_db

SNIPPETS = ["navigationmenu", "banner", "announcement", "faq", "notificationtemplate", "pointofinterest",
            *[model._meta.model_name for model in COLLECTIONS.values()]]


@pytest.mark.parametrize("model_name", SNIPPETS)
def test_snippet_listing_and_add_form_load(cms_client, model_name):
    listing = cms_client.get(f"/cms/snippets/content/{model_name}/")
    assert listing.status_code == 200, listing.content[:500]
    assert cms_client.get(f"/cms/snippets/content/{model_name}/?q=anything").status_code == 200
    assert cms_client.get(f"/cms/snippets/content/{model_name}/add/").status_code == 200


def test_record_screens_show_columns_filters_and_search(alpha, cms_client, make_record):
    record = make_record("events", title="Jazz night", publish=True)
    other = make_record("events", title="Poetry evening", slug="poetry")
    listing = cms_client.get("/cms/snippets/content/event/")
    html = listing.content.decode()
    assert "Jazz night" in html and "Poetry evening" in html
    assert "120.50 SAR" in html  # the price column
    assert "Old Town Hall" in html  # the POI column
    searched = cms_client.get("/cms/snippets/content/event/?q=jazz").content.decode()
    assert "Jazz night" in searched and "Poetry evening" not in searched
    by_cms_id = cms_client.get(f"/cms/snippets/content/event/?q={other.cms_id}").content.decode()
    assert "Poetry evening" in by_cms_id and "Jazz night" not in by_cms_id
    live_only = cms_client.get("/cms/snippets/content/event/?live=true").content.decode()
    assert "Jazz night" in live_only and "Poetry evening" not in live_only
    assert cms_client.get(f"/cms/snippets/content/event/edit/{record.pk}/").status_code == 200
    assert cms_client.get(f"/cms/snippets/content/event/history/{record.pk}/").status_code == 200
    assert cms_client.get(f"/cms/snippets/content/event/inspect/{record.pk}/").status_code == 200


def test_every_collection_has_its_admin_screen():
    assert {viewset.model for viewset in RECORD_VIEWSETS} == set(COLLECTIONS.values())


def test_site_settings_and_page_editor_load(alpha, cms_client):
    site = Site.objects.get()
    for setting in ("brandingsettings", "seosettings"):
        response = cms_client.get(f"/cms/settings/content/{setting}/{site.pk}/")
        assert response.status_code == 200, setting
    home = site.root_page
    assert cms_client.get(f"/cms/pages/{home.pk}/edit/").status_code == 200
    for page_type in ("standardpage", "blogindexpage", "formpage"):
        assert cms_client.get(f"/cms/pages/add/content/{page_type}/{home.pk}/").status_code == 200
    assert cms_client.get("/cms/forms/").status_code == 200
    assert cms_client.get("/cms/redirects/").status_code == 200


def test_branding_saved_in_the_cms_is_validated(alpha, cms_client):
    site = Site.objects.get()
    response = cms_client.post(f"/cms/settings/content/brandingsettings/{site.pk}/", {
        "brand_name": "Alpha", "primary_color": "green", "secondary_color": "#000000", "accent_color": "#FFFFFF",
        "background_color": "#FFFFFF", "text_color": "#111111", "heading_font": "system", "body_font": "system",
    })
    assert response.status_code == 200
    assert b"A colour is written #RRGGBB" in response.content


def test_a_member_of_another_tenant_cannot_open_these_screens(member_of_alpha):
    from django.test import Client

    client = Client(HTTP_HOST="beta.localhost")
    client.force_login(member_of_alpha)
    assert client.get("/cms/snippets/content/event/").status_code == 403


def test_the_cms_refuses_to_delete_a_poi_that_records_use(alpha, cms_client, make_record, poi):
    from content.models import PointOfInterest

    make_record("events")
    confirm = cms_client.get(f"/cms/snippets/content/pointofinterest/delete/{poi.pk}/")
    assert confirm.status_code == 200
    assert b"prevent it from being deleted" in confirm.content
    refused = cms_client.post(f"/cms/snippets/content/pointofinterest/delete/{poi.pk}/")
    assert (refused.status_code, refused["Location"]) == (302, "/cms/")  # Wagtail's "permission denied"
    assert PointOfInterest.objects.filter(pk=poi.pk).exists()


def test_records_of_one_tenant_are_invisible_to_another(alpha, make_record, tenant_b):
    from content.models import Event
    from tests.support.tenants import in_tenant

    make_record("events")
    assert Event.objects.count() == 1
    with in_tenant(tenant_b):
        assert Event.objects.count() == 0


def test_an_editor_translates_a_page_and_a_menu_from_the_cms(alpha, cms_client, client_a):
    from wagtail.models import Locale

    from content.models import HomePage, NavigationMenu, StandardPage

    home = HomePage.objects.get(depth=2)
    about = home.add_child(instance=StandardPage(title="About", slug="about"))
    about.save_revision().publish()
    menu = NavigationMenu.objects.create(handle="main", title="Main", items=[])
    ar = Locale.objects.get(language_code="ar")

    for page in (home, about):  # the home page first: a page is translated under its translated parent
        response = cms_client.post(f"/cms/translation/submit/page/{page.pk}/", {"locales": [ar.pk]})
        assert response.status_code == 302, response.content[:1000]
    translated = about.get_translation(ar)
    assert translated.get_parent().specific == home.get_translation(ar).specific
    assert not translated.live  # a draft to translate
    assert client_a.get("/store/content/about?locale=ar").json()["locale"] == "en"  # not served yet

    translated.title = "من نحن"
    translated.save_revision().publish()
    assert client_a.get("/store/content/about?locale=ar").json()["title"] == "من نحن"

    response = cms_client.post(f"/cms/translation/submit/snippet/content/navigationmenu/{menu.pk}/",
                               {"locales": [ar.pk]})
    assert response.status_code == 302
    assert NavigationMenu.objects.get(handle="main", locale=ar).translation_key == menu.translation_key
