"""Search-engine files of a tenant's site: /sitemap.xml (every language) and /robots.txt."""
from django.db.models import Q
from django.http import HttpResponse
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Page

from content.models import SEOSettings


class AllLanguagesSitemap(Sitemap):
    """Wagtail's sitemap lists the site's own language tree only; this one lists every translation."""

    def items(self):
        site = self.get_wagtail_site()
        in_site = Q()
        for root in site.root_page.get_translations(inclusive=True):
            in_site |= Q(path__startswith=root.path)
        return Page.objects.live().public().filter(in_site).order_by("path").defer_streamfields().specific()


def sitemap(request):
    return wagtail_sitemap(request, sitemaps={"pages": AllLanguagesSitemap})


@require_GET
def robots_txt(request):
    seo = SEOSettings.for_request(request)
    lines = ["User-agent: *"]
    if seo.noindex_site:
        lines.append("Disallow: /")
    else:
        lines += ["Disallow: /cms/", "Disallow: /django-admin/", "Disallow: /admin/api/",
                  f"Sitemap: {request.scheme}://{request.get_host()}/sitemap.xml"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
