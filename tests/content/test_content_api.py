"""The store content API: published pages and their blocks by slug and language, navigation menus,
and Wagtail's API v2 — a draft is never served."""
import pytest
from wagtail.models import Locale, Page

from content.models import FAQ, HomePage, NavigationMenu, StandardPage

pytestmark = pytest.mark.django_db


def _home():
    return HomePage.objects.get(depth=2, locale__language_code="en")


def _publish(page):
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


def _about(home=None, **fields):
    home = home or _home()
    page = home.add_child(instance=StandardPage(title="About us", slug="about", intro="Who we are.", body=[
        ("hero", {"heading": "Hello", "subheading": "Welcome", "image": None,
                  "cta": {"label": "Contact", "page": None, "url": "/contact/", "open_in_new_tab": False},
                  "theme": "brand"}),
        ("rich_text", '<p>See <a linktype="page" id="%d">home</a>.</p>' % home.pk),
        ("call_to_action", {"heading": "Shop", "text": "", "style": "primary",
                            "button": {"label": "Go", "page": home, "url": "", "open_in_new_tab": False}}),
        ("faq", {"heading": "FAQ", "category": "general", "questions": []}),
    ], **fields))
    return _publish(page)


def _translate(page, code, **fields):
    locale = Locale.objects.get(language_code=code)
    copy = page.copy_for_translation(locale, copy_parents=True).specific
    for name, value in fields.items():
        setattr(copy, name, value)
    return copy


def test_page_document_has_fields_seo_and_blocks(alpha, client_a):
    about = _about()
    FAQ.objects.create(question="How do I pay?", answer="<p>By card.</p>", category="general",
                       locale=Locale.objects.get(language_code="en"))

    response = client_a.get("/store/content/about")
    assert response.status_code == 200
    doc = response.json()
    assert (doc["id"], doc["type"], doc["title"], doc["slug"], doc["url"]) == (about.pk, "standardpage", "About us",
                                                                             "about", "/about/")
    assert (doc["locale"], doc["requested_locale"], doc["direction"]) == ("en", None, "ltr")
    assert doc["seo"]["title"] == "About us"
    assert response["Content-Language"] == "en"
    body = doc["content"]["body"]
    assert [block["type"] for block in body] == ["hero", "rich_text", "call_to_action", "faq"]
    assert body[0]["value"]["cta"] == {"label": "Contact", "url": "/contact/", "page_id": None, "open_in_new_tab": False}
    assert body[1]["value"] == '<p>See <a href="/">home</a>.</p>'  # internal links resolved to URLs
    assert body[2]["value"]["button"]["url"] == "/"
    assert body[3]["value"]["questions"] == [
        {"id": FAQ.objects.get().pk, "question": "How do I pay?", "answer": "<p>By card.</p>", "category": "general"}]


def test_a_draft_is_never_served(alpha, client_a):
    home = _home()
    draft = home.add_child(instance=StandardPage(title="Secret plans", slug="secret", live=False))
    draft.save_revision()
    assert client_a.get("/store/content/secret").status_code == 404

    about = _about()
    about.title = "Unpublished new title"
    about.save_revision()  # a draft revision of a live page
    assert client_a.get("/store/content/about").json()["title"] == "About us"

    about.unpublish()
    response = client_a.get("/store/content/about")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "page_not_found"


def test_unknown_slug_gets_the_404_envelope(alpha, client_a):
    response = client_a.get("/store/content/no-such-page")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "page_not_found", "message": "No published page 'no-such-page'.",
                                         "fields": {"slug": ["Unknown or not published."]}}}


def test_language_from_query_then_accept_language_then_site(alpha, client_a):
    about = _about()
    ar = _publish(_translate(about, "ar", title="من نحن"))

    by_query = client_a.get("/store/content/about?locale=ar").json()
    assert (by_query["id"], by_query["title"], by_query["locale"], by_query["direction"]) == (ar.pk, "من نحن", "ar", "rtl")
    assert by_query["url"] == "/ar/about/"
    assert {t["locale"] for t in by_query["translations"]} == {"en"}

    by_header = client_a.get("/store/content/about", HTTP_ACCEPT_LANGUAGE="ar-SA,ar;q=0.9,en;q=0.5").json()
    assert by_header["locale"] == "ar"
    query_wins = client_a.get("/store/content/about?locale=en", HTTP_ACCEPT_LANGUAGE="ar").json()
    assert query_wins["locale"] == "en"
    unsupported_header = client_a.get("/store/content/about", HTTP_ACCEPT_LANGUAGE="de-DE,de").json()
    assert unsupported_header["locale"] == "en"


def test_missing_or_draft_translation_falls_back_to_the_site_language(alpha, client_a):
    about = _about()
    _translate(about, "fr", title="Brouillon")  # copied for translation: a draft until published
    doc = client_a.get("/store/content/about?locale=fr").json()
    assert (doc["locale"], doc["requested_locale"], doc["title"]) == ("en", "fr", "About us")


def test_unknown_locale_is_a_clear_400(alpha, client_a):
    _about()
    response = client_a.get("/store/content/about?locale=xx")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"locale": ["One of en, ar, fr."]}


def test_pages_are_found_by_path_and_the_home_by_its_slug(alpha, client_a):
    about = _about()
    team = about.add_child(instance=StandardPage(title="Team", slug="team"))
    _publish(team)
    assert client_a.get("/store/content/about/team").json()["id"] == team.pk
    assert client_a.get("/store/content/team").json()["id"] == team.pk
    home = client_a.get("/store/content/home").json()
    assert (home["type"], home["url"]) == ("homepage", "/")
    assert client_a.get("/store/content/about/nobody").status_code == 404


def test_pages_of_another_tenant_are_not_served(alpha, client_b):
    _about()
    assert client_b.get("/store/content/about").status_code == 404


def _menu(locale_code="en", **fields):
    home = _home()
    about = _about(home)
    return NavigationMenu.objects.create(handle="main", title="Main", locale=Locale.objects.get(language_code=locale_code),
                                         items=[
        ("item", {"label": "Home", "page": home, "url": "", "open_in_new_tab": False, "children": []}),
        ("item", {"label": "About", "page": about, "url": "", "open_in_new_tab": False, "children": [
            {"label": "Store", "page": None, "url": "/store/products", "open_in_new_tab": True, "children": [
                {"label": "Help", "page": None, "url": "https://help.example.com", "open_in_new_tab": True}]},
        ]}),
    ], **fields), about


def test_navigation_menu_is_served_nested(alpha, client_a):
    _menu()
    response = client_a.get("/store/content/navigation/main")
    assert response.status_code == 200
    assert response.json() == {"handle": "main", "title": "Main", "locale": "en", "items": [
        {"label": "Home", "url": "/", "open_in_new_tab": False, "active": False, "children": []},
        {"label": "About", "url": "/about/", "open_in_new_tab": False, "active": False, "children": [
            {"label": "Store", "url": "/store/products", "open_in_new_tab": True, "active": False, "children": [
                {"label": "Help", "url": "https://help.example.com", "open_in_new_tab": True, "active": False,
                 "children": []}]}]},
    ]}


def test_navigation_links_follow_pages_into_the_language_and_skip_drafts(alpha, client_a):
    menu, about = _menu()
    ar_menu = menu.copy_for_translation(Locale.objects.get(language_code="ar"))
    ar_menu.title = "القائمة"
    ar_menu.save()
    _publish(_translate(_home(), "ar", title="الرئيسية"))  # the Arabic home exists, "about" has no Arabic page yet

    doc = client_a.get("/store/content/navigation/main?locale=ar").json()
    assert doc["locale"] == "ar" and doc["title"] == "القائمة"
    assert [item["url"] for item in doc["items"]] == ["/ar/", "/about/"]

    about.unpublish()
    urls = [item["url"] for item in client_a.get("/store/content/navigation/main").json()["items"]]
    assert urls == ["/"]  # a link to a page that is not live is left out


def test_unknown_menu_gets_the_404_envelope(alpha, client_a):
    response = client_a.get("/store/content/navigation/nowhere")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "navigation_not_found"


def test_wagtail_api_v2_lists_live_pages_only(alpha, client_a):
    about = _about()
    draft = _home().add_child(instance=StandardPage(title="Draft page", slug="draft-page", live=False))
    response = client_a.get("/api/v2/pages/?type=content.StandardPage&fields=intro,body")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [about.pk]
    assert items[0]["intro"] == "Who we are."
    assert client_a.get(f"/api/v2/pages/{draft.pk}/").status_code == 404
    assert client_a.get("/api/v2/images/").status_code == 200
    assert client_a.get("/api/v2/documents/").status_code == 200


def test_store_views_take_authentication_from_one_list():
    """Requiring the store's publishable key is one line: every content view uses STORE_AUTHENTICATION."""
    from content import api

    for view in (api.ContentPageView, api.NavigationView, api.StorePagesAPIViewSet, api.StoreImagesAPIViewSet,
                 api.StoreDocumentsAPIViewSet):
        assert view.authentication_classes is api.STORE_AUTHENTICATION
        assert view.permission_classes is api.STORE_PERMISSIONS


def test_page_without_translation_in_any_locale_tree_is_still_found(alpha, client_a):
    page = _about()
    assert Page.objects.filter(slug="about").count() == 1
    assert client_a.get("/store/content/about?locale=ar").json()["id"] == page.pk


@pytest.mark.parametrize("path", ["/store/content/about", "/store/content/navigation/main", "/api/v2/pages/",
                                  "/api/v2/images/"])
def test_the_content_api_needs_the_storefront_publishable_key(alpha, tenant_a, tenant_b, path):
    from commerce.regions.models import PublishableApiKey
    from tests.content.conftest import publishable_key
    from tests.support.tenants import TEST_TENANTS, host_client

    _menu()  # and the about page
    anonymous = host_client(TEST_TENANTS["alpha"])
    for client in (anonymous, host_client(TEST_TENANTS["alpha"], HTTP_X_PUBLISHABLE_API_KEY="pk_unknown"),
                   host_client(TEST_TENANTS["alpha"], HTTP_X_PUBLISHABLE_API_KEY=publishable_key(tenant_b))):
        response = client.get(path)
        assert response.status_code == 401, (path, response.content)
        assert response.json()["error"]["code"] == "invalid_publishable_key"
        assert "x-publishable-api-key" in response.json()["error"]["fields"]
    key = publishable_key(tenant_a)
    assert host_client(TEST_TENANTS["alpha"], HTTP_X_PUBLISHABLE_API_KEY=key).get(path).status_code == 200

    from django.core.cache import cache
    from django.utils import timezone

    PublishableApiKey.objects.filter(token=key).update(revoked_at=timezone.now())
    cache.clear()  # keys are remembered for a minute per process
    assert host_client(TEST_TENANTS["alpha"], HTTP_X_PUBLISHABLE_API_KEY=key).get(path).status_code == 401
