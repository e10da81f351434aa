"""Site settings (Settings menu of the CMS): the storefront theme and branding, and site-wide SEO."""
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour is written #RRGGBB, e.g. #0F766E."))


def colour_field(default: str, label: str) -> models.CharField:
    return models.CharField(max_length=7, default=default, validators=[hex_colour], verbose_name=label)


# name → (label, CSS font stack, Google Fonts family or None for system fonts)
FONTS = {
    "system": ("System UI", 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif', None),
    "inter": ("Inter", '"Inter", system-ui, sans-serif', "Inter:wght@400;600;700"),
    "noto-sans": ("Noto Sans", '"Noto Sans", system-ui, sans-serif', "Noto+Sans:wght@400;600;700"),
    "cairo": ("Cairo (Arabic + Latin)", '"Cairo", system-ui, sans-serif', "Cairo:wght@400;600;700"),
    "tajawal": ("Tajawal (Arabic + Latin)", '"Tajawal", system-ui, sans-serif', "Tajawal:wght@400;500;700"),
    "ibm-plex-sans-arabic": ("IBM Plex Sans Arabic", '"IBM Plex Sans Arabic", system-ui, sans-serif',
                             "IBM+Plex+Sans+Arabic:wght@400;600;700"),
    "merriweather": ("Merriweather (serif)", '"Merriweather", Georgia, serif', "Merriweather:wght@400;700"),
    "lora": ("Lora (serif)", '"Lora", Georgia, serif', "Lora:wght@400;600;700"),
}
FONT_CHOICES = [(name, label) for name, (label, _stack, _family) in FONTS.items()]


@register_setting(icon="sliders")
class BrandingSettings(BaseSiteSetting):
    """The storefront theme: what the site's templates and the store API use for the tenant's brand."""

    brand_name = models.CharField(max_length=120, blank=True, help_text=_("Defaults to the site name."))
    tagline = models.CharField(max_length=200, blank=True)
    logo = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    favicon = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", help_text=_("A square image."))
    primary_color = colour_field("#0F766E", _("primary colour"))
    secondary_color = colour_field("#1E293B", _("secondary colour"))
    accent_color = colour_field("#F59E0B", _("accent colour"))
    background_color = colour_field("#FFFFFF", _("background colour"))
    text_color = colour_field("#0F172A", _("text colour"))
    heading_font = models.CharField(max_length=40, choices=FONT_CHOICES, default="system")
    body_font = models.CharField(max_length=40, choices=FONT_CHOICES, default="system")
    load_web_fonts = models.BooleanField(default=True, help_text=_("Load the chosen fonts from Google Fonts."))
    footer_text = models.CharField(max_length=300, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    instagram_url = models.URLField(blank=True)
    x_url = models.URLField(blank=True, verbose_name=_("X (Twitter) URL"))
    facebook_url = models.URLField(blank=True)

    panels = [
        MultiFieldPanel([FieldPanel("brand_name"), FieldPanel("tagline"),
                         FieldRowPanel([FieldPanel("logo"), FieldPanel("favicon")])], heading=_("Identity")),
        MultiFieldPanel([FieldRowPanel([FieldPanel("primary_color"), FieldPanel("secondary_color"),
                                        FieldPanel("accent_color")]),
                         FieldRowPanel([FieldPanel("background_color"), FieldPanel("text_color")])],
                        heading=_("Colours")),
        MultiFieldPanel([FieldRowPanel([FieldPanel("heading_font"), FieldPanel("body_font")]),
                         FieldPanel("load_web_fonts")], heading=_("Fonts")),
        MultiFieldPanel([FieldPanel("footer_text"), FieldRowPanel([FieldPanel("contact_email"),
                                                                   FieldPanel("contact_phone")]),
                         FieldRowPanel([FieldPanel("instagram_url"), FieldPanel("x_url"), FieldPanel("facebook_url")])],
                        heading=_("Footer and contact")),
    ]

    class Meta:
        verbose_name = _("branding and theme")

    def display_name(self) -> str:
        return self.brand_name or self.site.site_name or self.site.hostname

    def font_stack(self, which: str) -> str:
        return FONTS.get(getattr(self, f"{which}_font"), FONTS["system"])[1]

    @property
    def heading_font_stack(self) -> str:
        return self.font_stack("heading")

    @property
    def body_font_stack(self) -> str:
        return self.font_stack("body")

    @property
    def web_fonts_url(self) -> str | None:
        if not self.load_web_fonts:
            return None
        families = []
        for name in (self.heading_font, self.body_font):
            family = FONTS.get(name, FONTS["system"])[2]
            if family and family not in families:
                families.append(family)
        if not families:
            return None
        return "https://fonts.googleapis.com/css2?" + "&".join(f"family={f}" for f in families) + "&display=swap"

    def as_api(self) -> dict:
        from content.media import image_payload

        return {
            "brand_name": self.display_name(),
            "tagline": self.tagline,
            "logo": image_payload(self.logo, "max-400x160"),
            "colors": {"primary": self.primary_color, "secondary": self.secondary_color,
                       "accent": self.accent_color, "background": self.background_color, "text": self.text_color},
            "fonts": {"heading": self.heading_font_stack, "body": self.body_font_stack,
                      "stylesheet": self.web_fonts_url},
        }


@register_setting(icon="search")
class SEOSettings(BaseSiteSetting):
    """Site-wide defaults for titles, descriptions and social sharing."""

    title_suffix = models.CharField(max_length=80, blank=True, help_text=_('Appended to page titles, e.g. " | Riyadh Market".'))
    default_description = models.CharField(max_length=300, blank=True)
    default_og_image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+", verbose_name=_("default sharing image"))
    x_handle = models.CharField(max_length=40, blank=True, verbose_name=_("X (Twitter) handle"),
                                help_text=_("Without the @."))
    noindex_site = models.BooleanField(default=False, verbose_name=_("hide the whole site from search engines"))
    google_site_verification = models.CharField(max_length=100, blank=True)

    panels = [FieldPanel("title_suffix"), FieldPanel("default_description"), FieldPanel("default_og_image"),
              FieldPanel("x_handle"), FieldPanel("noindex_site"), FieldPanel("google_site_verification")]

    class Meta:
        verbose_name = _("SEO defaults")
