"""Wagtail page types of a tenant's site: home, standard page, blog index and post, form page.

Every page is translatable (Wagtail i18n: en, ar, fr), goes from draft to live through
Wagtail's revisions, and carries SEO fields on its Promote tab. `api_payload()` is what
`GET /store/content/{slug}` returns beside the common page fields.
"""
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from content.blocks import BodyBlock
from content.media import image_payload


def expand_rich_text(value: str) -> str:
    from wagtail.rich_text import expand_db_html

    return expand_db_html(value or "")


class SEOFields(models.Model):
    """SEO beyond Wagtail's own title tag and search description (Promote tab)."""

    og_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("social sharing image"), help_text=_("Shown when the page is shared; defaults to the site's."),
    )
    canonical_url = models.URLField(blank=True, help_text=_("Only when this content lives primarily elsewhere."))
    noindex = models.BooleanField(default=False, verbose_name=_("hide from search engines"))

    seo_panels = [
        MultiFieldPanel([FieldPanel("og_image"), FieldPanel("canonical_url"), FieldPanel("noindex")],
                        heading=_("Search and sharing")),
    ]

    class Meta:
        abstract = True

    def seo_payload(self) -> dict:
        return {
            "title": self.seo_title or self.title,
            "description": self.search_description,
            "image": image_payload(self.og_image, "fill-1200x630"),
            "canonical_url": self.canonical_url or None,
            "noindex": self.noindex,
        }


class SitePage(SEOFields, Page):
    """What every page type of the site shares."""

    promote_panels = Page.promote_panels + SEOFields.seo_panels
    api_fields = [APIField("og_image"), APIField("canonical_url"), APIField("noindex")]
    og_type = "website"

    class Meta:
        abstract = True

    def api_payload(self, context: dict) -> dict:
        """Page-type specific fields of the store API's page document."""
        return {}

    def get_sitemap_urls(self, request=None):
        return [] if self.noindex else super().get_sitemap_urls(request)


def body_payload(page, field: str, context: dict) -> list:
    value = getattr(page, field)
    return value.stream_block.get_api_representation(value, context=context)


class HomePage(SitePage):
    """The root of a tenant's site, created when the tenant is provisioned."""

    intro = RichTextField(blank=True)
    body = StreamField(BodyBlock(), blank=True, default=list)
    show_latest_posts = models.BooleanField(default=True, help_text=_("List the newest blog posts below the body."))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body"), FieldPanel("show_latest_posts")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    api_fields = SitePage.api_fields + [APIField("intro"), APIField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["content.StandardPage", "content.BlogIndexPage", "content.FormPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def latest_posts(self, limit: int = 3):
        return (BlogPostPage.objects.live().public().descendant_of(self).filter(locale=self.locale)
                .order_by("-date", "-first_published_at")[:limit])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_posts"] = self.latest_posts() if self.show_latest_posts else []
        return context

    def api_payload(self, context):
        return {
            "intro": expand_rich_text(self.intro),
            "body": body_payload(self, "body", context),
            "latest_posts": ([post.summary_payload(context.get("request")) for post in self.latest_posts()]
                             if self.show_latest_posts else []),
        }


class StandardPage(SitePage):
    """A page built from blocks: hero, rich text, images and media, calls to action, FAQs."""

    intro = models.TextField(blank=True, max_length=500, help_text=_("A short lead paragraph."))
    body = StreamField(BodyBlock(), blank=True, default=list)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    api_fields = SitePage.api_fields + [APIField("intro"), APIField("body")]

    parent_page_types = ["content.HomePage", "content.StandardPage"]
    subpage_types = ["content.StandardPage", "content.FormPage"]

    class Meta:
        verbose_name = _("standard page")

    @property
    def starts_with_hero(self) -> bool:
        return bool(len(self.body)) and self.body[0].block_type == "hero"

    def api_payload(self, context):
        return {"intro": self.intro, "body": body_payload(self, "body", context)}


class BlogIndexPage(SitePage):
    intro = RichTextField(blank=True)
    posts_per_page = models.PositiveSmallIntegerField(default=10)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("posts_per_page")]
    api_fields = SitePage.api_fields + [APIField("intro")]

    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.BlogPostPage"]

    class Meta:
        verbose_name = _("blog index")

    def posts(self):
        return BlogPostPage.objects.live().public().child_of(self).order_by("-date", "-first_published_at")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        posts = self.posts()
        tag = request.GET.get("tag", "").strip()
        if tag:
            posts = posts.filter(tags__name=tag)
            context["tag"] = tag
        paginator = Paginator(posts, max(self.posts_per_page, 1))
        try:
            context["posts"] = paginator.page(request.GET.get("page", 1))
        except (PageNotAnInteger, EmptyPage):
            context["posts"] = paginator.page(1)
        return context

    def api_payload(self, context):
        return {
            "intro": expand_rich_text(self.intro),
            "posts": [post.summary_payload(context.get("request")) for post in self.posts()[: self.posts_per_page]],
        }


class BlogPostTag(TaggedItemBase):
    content_object = ParentalKey("content.BlogPostPage", related_name="tagged_items", on_delete=models.CASCADE)


class BlogPostPage(SitePage):
    date = models.DateField(default=timezone.localdate, verbose_name=_("post date"))
    author = models.CharField(max_length=120, blank=True)
    summary = models.TextField(blank=True, max_length=500, help_text=_("Shown in lists of posts."))
    header_image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    body = StreamField(BodyBlock(), blank=True, default=list)
    tags = ClusterTaggableManager(through=BlogPostTag, blank=True)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("author")]),
        FieldPanel("summary"),
        FieldPanel("header_image"),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body"),
                                          index.FilterField("date")]
    api_fields = SitePage.api_fields + [APIField("date"), APIField("author"), APIField("summary"),
                                        APIField("header_image"), APIField("body"), APIField("tags")]

    parent_page_types = ["content.BlogIndexPage"]
    subpage_types = []
    og_type = "article"

    class Meta:
        verbose_name = _("blog post")

    def summary_payload(self, request=None) -> dict:
        return {
            "id": self.pk,
            "title": self.title,
            "slug": self.slug,
            "url": self.get_url(request=request),
            "date": self.date.isoformat(),
            "author": self.author,
            "summary": self.summary,
            "image": image_payload(self.header_image, "fill-800x450"),
        }

    def api_payload(self, context):
        return {
            "date": self.date.isoformat(),
            "author": self.author,
            "summary": self.summary,
            "header_image": image_payload(self.header_image, "fill-1600x700"),
            "tags": sorted(tag.name for tag in self.tags.all()),
            "body": body_payload(self, "body", context),
        }


class FormField(AbstractFormField):
    page = ParentalKey("content.FormPage", related_name="form_fields", on_delete=models.CASCADE)


class FormPage(SitePage, AbstractEmailForm):
    """A form editors build field by field; submissions are kept and listed under Forms in the CMS
    (and e-mailed when an address is set)."""

    intro = RichTextField(blank=True)
    thank_you_text = RichTextField(blank=True)

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
            FieldPanel("subject"),
        ], heading=_("E-mail the submissions (optional)")),
    ]
    api_fields = SitePage.api_fields + [APIField("intro"), APIField("thank_you_text")]

    parent_page_types = ["content.HomePage", "content.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("form page")

    def api_payload(self, context):
        return {
            "intro": expand_rich_text(self.intro),
            "thank_you_text": expand_rich_text(self.thank_you_text),
            "fields": [
                {
                    "name": field.clean_name,
                    "label": field.label,
                    "type": field.field_type,
                    "required": field.required,
                    "choices": [c.strip() for c in field.choices.splitlines() if c.strip()] if field.choices else [],
                    "default": field.default_value,
                    "help_text": field.help_text,
                }
                for field in self.get_form_fields()
            ],
        }
