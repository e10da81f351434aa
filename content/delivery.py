"""What the store API serves: live pages and navigation menus of the request's site, by language.

Only live, public pages are ever served: a draft, a page never published, or the unpublished
changes of a live page stay in the CMS.
"""
from django.conf import settings
from django.db.models import Q
from django.utils.translation.trans_real import parse_accept_lang_header
from wagtail.models import Locale, Page, Site

from cityos.errors import InvalidInput, NotFound


def supported_languages() -> list[str]:
    return [code for code, _label in settings.WAGTAIL_CONTENT_LANGUAGES]


def requested_language(request) -> str | None:
    """`?locale=` (validated), else the first supported language of `Accept-Language`, else None."""
    explicit = request.GET.get("locale")
    if explicit is not None:
        code = explicit.strip().lower()
        if code not in supported_languages():
            raise InvalidInput(f"Unknown locale '{explicit}'.",
                               fields={"locale": [f"One of {', '.join(supported_languages())}."]})
        return code
    for language, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        base = language.split("-")[0]
        if base in supported_languages():
            return base
    return None


def request_site(request) -> Site:
    site = Site.find_for_request(request)
    if site is None:
        raise NotFound("This host has no site.", code="no_site")
    return site


def site_language(site: Site) -> str:
    return site.root_page.locale.language_code


def _site_roots(site: Site):
    return Page.objects.filter(translation_key=site.root_page.translation_key)


def _in_site(queryset, site: Site):
    condition = Q()
    for root in _site_roots(site):
        condition |= Q(path__startswith=root.path)
    return queryset.filter(condition)


def find_page(site: Site, slug: str, language: str | None):
    """The live page for `slug` in `language`.

    `slug` is a page's slug (the shallowest page wins when several share it) or a path below the
    home page (`blog/first-post`). When the page has no live translation in `language`, it is
    served in the language it has (the site's first), and the document says which.
    """
    slug = (slug or "").strip("/")
    if not slug:
        raise NotFound("Give a page slug.", code="page_not_found")
    served = _in_site(Page.objects.live().public(), site).select_related("locale")
    if "/" in slug:
        roots = list(_site_roots(site).live())
        candidates = served.filter(url_path__in=[f"{root.url_path}{slug}/" for root in roots])
    else:
        candidates = served.filter(slug=slug)
    candidates = list(candidates.order_by("depth", "path"))
    if not candidates:
        raise NotFound(f"No published page '{slug}'.", code="page_not_found", fields={"slug": ["Unknown or not published."]})

    language = language or site_language(site)
    for page in candidates:
        if page.locale.language_code == language:
            return page.specific
    default = site_language(site)
    candidates.sort(key=lambda page: (page.locale.language_code != default, page.depth))
    page = candidates[0]
    locale = Locale.objects.filter(language_code=language).first()
    if locale is not None:
        translated = page.get_translation_or_none(locale)
        if translated is not None and translated.live and not translated.get_view_restrictions().exists():
            return translated.specific
    return page.specific


def page_translations(page, request=None) -> list[dict]:
    return [
        {"locale": other.locale.language_code, "slug": other.slug, "title": other.title,
         "url": other.get_url(request=request)}
        for other in page.get_translations().live().public().select_related("locale").order_by("locale__language_code")
    ]


def page_document(page, request, requested: str | None) -> dict:
    """The JSON document of a live page: common fields, SEO, translations and its blocks."""
    context = {"request": request, "locale": page.locale, "page": page}
    return {
        "id": page.pk,
        "type": page.specific_class._meta.model_name,
        "title": page.title,
        "slug": page.slug,
        "url": page.get_url(request=request),
        "locale": page.locale.language_code,
        "requested_locale": requested,
        "direction": "rtl" if page.locale.language_code in settings.LANGUAGES_BIDI else "ltr",
        "first_published_at": page.first_published_at.isoformat() if page.first_published_at else None,
        "last_published_at": page.last_published_at.isoformat() if page.last_published_at else None,
        "seo": page.seo_payload() if hasattr(page, "seo_payload") else {
            "title": page.seo_title or page.title, "description": page.search_description, "image": None,
            "canonical_url": None, "noindex": False},
        "translations": page_translations(page, request),
        "content": page.api_payload(context) if hasattr(page, "api_payload") else {},
    }


# ----- navigation ----------------------------------------------------------------------------
def find_menu(handle: str, language: str | None, site: Site):
    from content.models import NavigationMenu

    menus = {menu.locale.language_code: menu
             for menu in NavigationMenu.objects.filter(handle=handle).select_related("locale")}
    for code in (language, site_language(site), settings.LANGUAGE_CODE):
        if code in menus:
            return menus[code]
    if menus:
        return next(iter(menus.values()))
    raise NotFound(f"No navigation menu '{handle}'.", code="navigation_not_found",
                   fields={"handle": ["Unknown menu."]})


def _link(value, locale, request, current_path: str | None) -> dict | None:
    from content.blocks import link_target

    url = link_target(value, locale, request)
    if not url:
        return None  # a link to a page that is not live is left out
    item = {"label": value.get("label", ""), "url": url, "open_in_new_tab": bool(value.get("open_in_new_tab")),
            "active": bool(current_path) and url == current_path}
    children = [child for child in (_link(c, locale, request, current_path) for c in value.get("children") or [])
                if child is not None]
    item["children"] = children
    if any(child["active"] for child in children):
        item["active"] = True
    return item


def menu_tree(menu, request=None, current_path: str | None = None) -> dict:
    items = [_link(block.value, menu.locale, request, current_path) for block in menu.items]
    return {
        "handle": menu.handle,
        "title": menu.title,
        "locale": menu.locale.language_code,
        "items": [item for item in items if item is not None],
    }
