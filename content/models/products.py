"""Product content: the CMS side of a commerce product (seeds 001, "content enriches commerce").

A product created in commerce appears here (the ProductCatalogSync workflow) as an entry editors
enrich — SEO title and description, a sharing image, a rich description, a gallery — and publish;
the store API's product responses then carry the published enrichment under `content`
(`content.enrichment`). Commerce owns the product's id, handle, title and status: they are kept
in step by ProductCMSSync and never overwritten by an editor's save or a restored revision.
Products pushed from a domain record are enriched by that record instead and get no entry.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PublishingPanel
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, Orderable, RevisionMixin
from wagtail.search import index


class ProductContent(DraftStateMixin, RevisionMixin, index.Indexed, ClusterableModel):
    product_id = models.CharField(max_length=40, unique=True, editable=False, verbose_name=_("product id"))
    handle = models.CharField(max_length=200, editable=False)
    title = models.CharField(max_length=255, editable=False, help_text=_("The product's title in the store."))
    commerce_status = models.CharField(max_length=20, editable=False, verbose_name=_("store status"))
    seo_title = models.CharField(max_length=255, blank=True, verbose_name=_("SEO title"),
                                 help_text=_("The title search engines show; the product's title when empty."))
    search_description = models.TextField(blank=True, max_length=320, verbose_name=_("search description"))
    share_image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("sharing image"))
    description = RichTextField(blank=True, verbose_name=_("rich description"),
                                help_text=_("Shown on the storefront instead of the store's plain description."))
    synced_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Owned by commerce (ProductCMSSync): an editor's save or a restored revision keeps the stored value.
    COMMERCE_FIELDS = ("product_id", "handle", "title", "commerce_status", "synced_at", "created_at")

    panels = [
        MultiFieldPanel([FieldPanel("seo_title"), FieldPanel("search_description"), FieldPanel("share_image")],
                        heading=_("Search and sharing")),
        FieldPanel("description"),
        InlinePanel("gallery", label=_("Gallery image")),
        PublishingPanel(),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title"), index.FilterField("commerce_status")]

    class Meta:
        verbose_name = _("product content")
        verbose_name_plural = _("product content")
        ordering = ["title"]

    def __str__(self):
        return self.title or self.product_id

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        for name in self.COMMERCE_FIELDS:
            setattr(obj, name, getattr(self, name))
        return obj


class ProductContentImage(Orderable):
    product = ParentalKey(ProductContent, on_delete=models.CASCADE, related_name="gallery")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    alt_text = models.CharField(max_length=200, blank=True, help_text=_("Describe the image; defaults to its title."))

    panels = [FieldRowPanel([FieldPanel("image"), FieldPanel("alt_text")])]

    class Meta(Orderable.Meta):
        verbose_name = _("gallery image")
