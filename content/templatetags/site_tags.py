"""Template tags of a tenant's site: its branding, navigation, announcements, banners and SEO."""
from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language_info
from wagtail.models import Locale, Site

from content import delivery
from content.models import Announcement, Banner, BrandingSettings, NavigationMenu, SEOSettings

register = template.Library()


def _locale_of(context):
    page = context.get("page") or context.get("self")
    locale = getattr(page, "locale", None)
    if locale is not None:
        return locale
    try:
        return Locale.get_active()
    except Locale.DoesNotExist:
        return Locale.get_default()


def _menu(handle, locale, site, request):
    menus = NavigationMenu.objects.filter(handle=handle).select_related("locale")
    chosen = menus.filter(locale=locale).first() or menus.filter(locale=site.root_page.locale).first()
    if chosen is None:
        return None
    return delivery.menu_tree(chosen, request, current_path=request.path if request else None)


def _localized(queryset, locale, fallback_locale):
    """Rows in `locale`; where a row has no translation there, its row in the site's language."""
    rows = list(queryset.filter(locale=locale))
    if locale.pk != fallback_locale.pk:
        have = {row.translation_key for row in rows}
        rows += [row for row in queryset.filter(locale=fallback_locale) if row.translation_key not in have]
    return rows


@register.simple_tag(takes_context=True)
def site_chrome(context) -> dict:
    """Everything the page frame needs, in the page's language."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else Site.objects.filter(is_default_site=True).first()
    locale = _locale_of(context)
    code = locale.language_code
    fallback = site.root_page.locale if site else locale
    now = timezone.now()
    announcements = sorted(_localized(Announcement.objects.active(now), locale, fallback),
                           key=lambda a: (Announcement.LEVEL_ORDER.get(a.level, 9), a.message))
    banners = _localized(Banner.objects.active(now).select_related("image"), locale, fallback)
    banners.sort(key=lambda b: (b.priority, b.title))
    return {
        "site": site,
        "brand": BrandingSettings.for_site(site) if site else None,
        "seo": SEOSettings.for_site(site) if site else None,
        "language": code,
        "direction": "rtl" if get_language_info(code)["bidi"] else "ltr",
        "languages": _languages(context.get("page") or context.get("self"), site, code, request),
        "main_menu": _menu("main", locale, site, request) if site else None,
        "footer_menu": _menu("footer", locale, site, request) if site else None,
        "announcements": announcements,
        "site_banners": [b for b in banners if b.placement == Banner.Placement.SITE_WIDE],
        "hero_banners": [b for b in banners if b.placement == Banner.Placement.HOME_HERO],
    }


def _alternates(page):
    if page is None or not hasattr(page, "get_translations"):
        return []
    return list(page.get_translations(inclusive=True).live().public().select_related("locale"))


def _languages(page, site, current: str, request) -> list[dict]:
    """The language switcher: each language links to this page's translation, else to its home page."""
    urls = {p.locale.language_code: p.get_url(request=request) for p in _alternates(page)}
    if site is not None:
        for home in _alternates(site.root_page):
            urls.setdefault(home.locale.language_code, home.get_url(request=request))
    return [{"code": c, "name": get_language_info(c)["name_local"], "current": c == current, "url": urls[c]}
            for c, _label in settings.WAGTAIL_CONTENT_LANGUAGES if urls.get(c)]


@register.simple_tag(takes_context=True)
def page_alternates(context, page) -> list[dict]:
    """Live translations of `page` (with itself) for hreflang links."""
    request = context.get("request")
    return [{"language": p.locale.language_code, "url": p.get_full_url(request=request)} for p in _alternates(page)]


@register.simple_tag(takes_context=True)
def link_href(context, value) -> str:
    """The URL of a link block value, following a chosen page into the current page's language."""
    from content.blocks import link_target

    page = context.get("page")
    return link_target(value, getattr(page, "locale", None), context.get("request"))
