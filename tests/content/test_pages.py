"""Page types, draft → publish with Wagtail's revisions, and the rules of the page tree."""
import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from content.blocks import BodyBlock, FAQBlock, LinkBlock
from content.models import BlogIndexPage, BlogPostPage, FormPage, HomePage, StandardPage

pytestmark = pytest.mark.django_db


def _home():
    return HomePage.objects.get(depth=2, locale__language_code="en")


def test_every_tenant_starts_with_its_home_page_as_site_root(alpha):
    from wagtail.models import Site

    home = Site.objects.get().root_page.specific
    assert isinstance(home, HomePage) and home.live and home.slug == "home"


def test_draft_then_publish_keeps_every_revision(alpha, client_a):
    page = _home().add_child(instance=StandardPage(title="Opening soon", slug="opening", live=False))
    page.save_revision()
    assert client_a.get("/opening/").status_code == 404  # a draft is not served

    page.title = "We are open"
    first = page.save_revision()
    first.publish()
    assert client_a.get("/opening/").status_code == 200

    page = StandardPage.objects.get(pk=page.pk)
    page.title = "We are open, with new hours"
    draft = page.save_revision()
    page = StandardPage.objects.get(pk=page.pk)
    assert page.title == "We are open" and page.has_unpublished_changes
    assert b"We are open, with new hours" not in client_a.get("/opening/").content
    assert page.get_latest_revision_as_object().title == "We are open, with new hours"

    draft.publish()
    assert b"We are open, with new hours" in client_a.get("/opening/").content
    assert page.revisions.count() == 3

    first.publish()  # roll back to an earlier revision
    assert StandardPage.objects.get(pk=page.pk).title == "We are open"


def test_page_types_sit_where_they_belong():
    assert StandardPage in HomePage.allowed_subpage_models()
    assert BlogIndexPage in HomePage.allowed_subpage_models()
    assert FormPage in HomePage.allowed_subpage_models()
    assert BlogPostPage.allowed_parent_page_models() == [BlogIndexPage]
    assert BlogIndexPage.allowed_subpage_models() == [BlogPostPage]
    assert HomePage.allowed_parent_page_models() == [Page]


def test_link_block_needs_exactly_one_target(alpha):
    block = LinkBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"label": "Nowhere", "page": None, "url": "", "open_in_new_tab": False}))
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"label": "Both", "page": _home().pk, "url": "/x", "open_in_new_tab": False}))
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"label": "Bad", "page": None, "url": "javascript:alert(1)",
                                     "open_in_new_tab": False}))
    assert block.clean(block.to_python({"label": "Fine", "page": None, "url": "/store", "open_in_new_tab": False}))


def test_faq_block_needs_questions_or_a_category():
    block = FAQBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"heading": "FAQ", "category": "", "questions": []}))


def test_body_allows_one_hero_at_most(alpha):
    body = BodyBlock()
    hero = {"heading": "H", "subheading": "", "image": None, "theme": "brand",
            "cta": {"label": "", "page": None, "url": "", "open_in_new_tab": False}}
    value = body.to_python([{"type": "hero", "value": hero}, {"type": "hero", "value": hero}])
    with pytest.raises(ValidationError):
        body.clean(value)


def test_home_page_api_document_includes_its_latest_posts(alpha, client_a):
    blog = _home().add_child(instance=BlogIndexPage(title="News", slug="news"))
    blog.save_revision().publish()
    post = blog.add_child(instance=BlogPostPage(title="First", slug="first", summary="The first post"))
    post.save_revision().publish()
    doc = client_a.get("/store/content/home").json()
    assert [p["title"] for p in doc["content"]["latest_posts"]] == ["First"]
    news = client_a.get("/store/content/news").json()
    assert news["content"]["posts"][0]["url"] == "/news/first/"


def test_form_page_api_document_describes_its_fields(alpha, client_a):
    from content.models import FormField

    form = FormPage(title="Contact", slug="contact", form_fields=[
        FormField(label="Topic", field_type="dropdown", choices="Billing\nOther", required=True)])
    _home().add_child(instance=form).save_revision().publish()
    fields = client_a.get("/store/content/contact").json()["content"]["fields"]
    assert fields == [{"name": "topic", "label": "Topic", "type": "dropdown", "required": True,
                       "choices": ["Billing", "Other"], "default": "", "help_text": ""}]
