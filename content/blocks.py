"""StreamField blocks of a tenant's pages.

Each block renders server-side with a template under `templates/content/blocks/` and serialises
for the store API (`get_api_representation`) with links resolved to URLs, rich text expanded to
display HTML and images given as renditions, so a headless storefront needs no second lookup.
"""
import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.api.rich_text import APIRichText, RichTextFormatError
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from content.media import image_payload

logger = logging.getLogger(__name__)


class APIImageChooserBlock(ImageChooserBlock):
    """An image chooser whose API value is the image with a rendition URL, not a bare id."""

    def __init__(self, rendition: str = "max-1600x1600", **kwargs):
        self.rendition = rendition
        super().__init__(**kwargs)

    def get_api_representation(self, value, context=None):
        return image_payload(value, self.rendition)


class DisplayRichTextBlock(blocks.RichTextBlock):
    """Rich text whose API value is display HTML (internal links resolved) unless the caller asks
    for another format with `?rich_text_format=`."""

    def get_api_representation(self, value, context=None):
        requested = None
        if request := (context and context.get("request")):
            requested = request.GET.get("rich_text_format")
        try:
            output = APIRichText.resolve_format(requested) if requested else APIRichText.FORMAT_HTML
        except RichTextFormatError:
            output = APIRichText.FORMAT_HTML
        return APIRichText.serialize(value.source, format=output)


class LinkBlock(blocks.StructBlock):
    """A link to a page of the site or to a URL (absolute, or a path such as /store/cart)."""

    label = blocks.CharBlock(max_length=80, label=_("Label"))
    page = blocks.PageChooserBlock(required=False, label=_("Page"))
    url = blocks.CharBlock(required=False, max_length=500, label=_("URL"),
                           help_text=_("Used when no page is chosen: https://… or a path such as /store/cart."))
    open_in_new_tab = blocks.BooleanBlock(required=False, default=False)

    class Meta:
        icon = "link"
        label = _("Link")

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise blocks.StructBlockValidationError(
                non_block_errors=[ValidationError(_("Choose a page or enter a URL (one of the two)."))])
        url = value.get("url") or ""
        if url and not url.startswith(("http://", "https://", "/", "mailto:", "tel:")):
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError(_("Start with https://, http://, /, mailto: or tel:."))})
        return value

    def get_api_representation(self, value, context=None):
        return link_payload(value, context)


def link_target(value, locale=None, request=None) -> str:
    """The URL a link value points at; a chosen page is followed to its live translation."""
    page = value.get("page")
    if page is not None:
        page = page.specific
        if locale is not None and page.locale_id != locale.pk:
            translated = page.get_translation_or_none(locale)
            if translated is not None and translated.live:
                page = translated
        if not page.live:
            return ""
        return page.get_url(request=request) or ""
    return value.get("url") or ""


def link_payload(value, context=None) -> dict:
    context = context or {}
    page = value.get("page")
    return {
        "label": value.get("label", ""),
        "url": link_target(value, context.get("locale"), context.get("request")),
        "page_id": page.pk if page is not None else None,
        "open_in_new_tab": bool(value.get("open_in_new_tab")),
    }


class OptionalLinkBlock(LinkBlock):
    """A link an editor may leave empty (no label, page or URL)."""

    label = blocks.CharBlock(max_length=80, required=False, label=_("Label"))

    def clean(self, value):
        if not (value.get("label") or value.get("page") or value.get("url")):
            return blocks.StructBlock.clean(self, value)
        if not value.get("label"):
            raise blocks.StructBlockValidationError(
                block_errors={"label": ValidationError(_("A link needs a label."))})
        return super().clean(value)

    def get_api_representation(self, value, context=None):
        if not (value.get("page") or value.get("url")):
            return None
        return super().get_api_representation(value, context)


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    subheading = blocks.TextBlock(required=False, max_length=300)
    image = APIImageChooserBlock(required=False, rendition="fill-1600x700")
    cta = OptionalLinkBlock(required=False, label=_("Call to action"))
    theme = blocks.ChoiceBlock(choices=[("brand", _("Brand colours")), ("dark", _("Dark")), ("light", _("Light"))],
                               default="brand")

    class Meta:
        icon = "image"
        label = _("Hero")
        template = "content/blocks/hero.html"


class ImageBlock(blocks.StructBlock):
    image = APIImageChooserBlock()
    alt_text = blocks.CharBlock(required=False, max_length=200,
                                help_text=_("Describe the image for screen readers; defaults to its title."))
    caption = blocks.CharBlock(required=False, max_length=250)
    width = blocks.ChoiceBlock(choices=[("normal", _("Text width")), ("wide", _("Wide")), ("full", _("Full width"))],
                               default="normal")

    class Meta:
        icon = "image"
        label = _("Image")
        template = "content/blocks/image.html"


class MediaBlock(blocks.StructBlock):
    """A video or other embeddable media (YouTube, Vimeo, …) by its URL."""

    embed = EmbedBlock(help_text=_("The page URL of the video or media, e.g. https://www.youtube.com/watch?v=…"))
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "media"
        label = _("Video / media")
        template = "content/blocks/media.html"

    def get_api_representation(self, value, context=None):
        embed = value.get("embed")
        return {"url": embed.url if embed else "", "caption": value.get("caption", "")}


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False, max_length=500)
    button = LinkBlock()
    style = blocks.ChoiceBlock(choices=[("primary", _("Primary")), ("secondary", _("Secondary")),
                                        ("outline", _("Outline"))], default="primary")

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "content/blocks/call_to_action.html"


class FAQBlock(blocks.StructBlock):
    """Questions chosen one by one and/or every FAQ of a category, shown in the page's language."""

    heading = blocks.CharBlock(required=False, max_length=120, default="Frequently asked questions")
    category = blocks.CharBlock(required=False, max_length=60,
                                help_text=_("Include every FAQ of this category (as named on the FAQ snippets)."))
    questions = blocks.ListBlock(SnippetChooserBlock("content.FAQ"), required=False, default=[])

    class Meta:
        icon = "help"
        label = _("FAQ")
        template = "content/blocks/faq.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("category") and not list(value.get("questions") or []):
            raise blocks.StructBlockValidationError(
                non_block_errors=[ValidationError(_("Choose questions or name a category."))])
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        page = (parent_context or {}).get("page")
        context["faqs"] = resolve_faqs(value, getattr(page, "locale", None))
        return context

    def get_api_representation(self, value, context=None):
        faqs = resolve_faqs(value, (context or {}).get("locale"))
        return {
            "heading": value.get("heading", ""),
            "category": value.get("category", ""),
            "questions": [faq.as_api() for faq in faqs],
        }


def resolve_faqs(value, locale=None) -> list:
    """The FAQs of a FAQ block in `locale` (chosen ones first, then the category's), without repeats."""
    from content.models import FAQ

    chosen = [faq for faq in (value.get("questions") or []) if faq is not None]
    if locale is not None:
        chosen = [faq.get_translation_or_none(locale) or faq for faq in chosen]
    seen = {faq.pk for faq in chosen}
    faqs = list(chosen)
    if value.get("category"):
        extra = FAQ.objects.filter(category__iexact=value["category"], is_active=True)
        if locale is not None:
            extra = extra.filter(locale=locale)
        faqs += [faq for faq in extra.order_by("sort_order", "question") if faq.pk not in seen]
    return [faq for faq in faqs if faq.is_active]


class ProductGridBlock(blocks.StructBlock):
    """Products from commerce, read live each time the page is shown (and in the store API):
    the newest, a collection's, a category's, a point of interest's offers, or chosen ones."""

    SOURCES = [("newest", _("Newest products")), ("collection", _("A collection")), ("category", _("A category")),
               ("poi", _("What a point of interest sells")), ("products", _("Chosen products"))]
    NEEDS = {"collection": "collection", "category": "category", "poi": "poi", "products": "products"}

    heading = blocks.CharBlock(required=False, max_length=120)
    source = blocks.ChoiceBlock(choices=SOURCES, default="newest")
    collection = blocks.CharBlock(required=False, max_length=200, help_text=_("The collection's handle."))
    category = blocks.CharBlock(required=False, max_length=200, help_text=_("The category's handle."))
    poi = SnippetChooserBlock("content.PointOfInterest", required=False, label=_("Point of interest"))
    products = blocks.ListBlock(blocks.CharBlock(max_length=200, label=_("Product handle or id")), required=False,
                                default=[])
    limit = blocks.IntegerBlock(min_value=1, max_value=24, default=8, help_text=_("At most this many products."))
    show_prices = blocks.BooleanBlock(required=False, default=True)

    class Meta:
        icon = "table"
        label = _("Product grid")
        template = "content/blocks/product_grid.html"

    def clean(self, value):
        value = super().clean(value)
        needed = self.NEEDS.get(value.get("source"))
        if needed and not value.get(needed):
            raise blocks.StructBlockValidationError(
                block_errors={needed: ValidationError(_("Required for this source."))})
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["products"] = grid_products(value)
        return context

    def get_api_representation(self, value, context=None):
        return {"heading": value.get("heading", ""), "source": value.get("source"),
                "show_prices": bool(value.get("show_prices")),
                "products": [grid_card(product) for product in grid_products(value)]}


def grid_products(value) -> list[dict]:
    """The store products a product grid shows (none, and a warning in the log, if commerce fails:
    the page must still render)."""
    from content import commerce_client

    source, limit = value.get("source"), value.get("limit") or 8
    filters = {"collection": {"collection": value.get("collection")}, "category": {"category": value.get("category")},
               "poi": {"metadata": {"cms_poi_id": getattr(value.get("poi"), "pk", None)}},
               "products": {"ids_or_handles": list(value.get("products") or [])}}.get(source, {})
    try:
        return commerce_client.store_products(limit=limit, **filters)
    except Exception:
        logger.warning("product grid (%s) could not read the store", source, exc_info=True)
        return []


def grid_card(product: dict) -> dict:
    """What a grid shows of a store product."""
    content = product.get("content") or {}
    images = content.get("images") or []
    return {"id": product["id"], "handle": product["handle"], "title": product["title"],
            "subtitle": product.get("subtitle", ""), "thumbnail": product.get("thumbnail") or (
                images[0]["url"] if images else ""),
            "price": product.get("price_range"), "in_stock": product.get("in_stock", False)}


class BodyBlock(blocks.StreamBlock):
    """The blocks of a standard page and a blog post."""

    hero = HeroBlock()
    rich_text = DisplayRichTextBlock(label=_("Rich text"), template="content/blocks/rich_text.html")
    image = ImageBlock()
    media = MediaBlock()
    call_to_action = CallToActionBlock()
    faq = FAQBlock()
    product_grid = ProductGridBlock()

    class Meta:
        block_counts = {"hero": {"max_num": 1}}
