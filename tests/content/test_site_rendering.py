"""A tenant's site rendered server-side: branding, navigation, banners and announcements in their
window, SEO tags, right-to-left Arabic, blog and forms."""
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Locale, Site

from content.models import (
    Announcement, Banner, BlogIndexPage, BlogPostPage, BrandingSettings, FormField, FormPage, HomePage, NavigationMenu,
    SEOSettings, StandardPage,
)

pytestmark = pytest.mark.django_db


def _publish(page):
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


def _home():
    return HomePage.objects.get(depth=2, locale__language_code="en")


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.content[:500]
    return BeautifulSoup(response.content, "html.parser")


def _en():
    return Locale.objects.get(language_code="en")


def test_home_page_carries_the_tenants_branding(alpha, client_a):
    site = Site.objects.get()
    branding = BrandingSettings.for_site(site)
    branding.brand_name = "Alpha Market"
    branding.tagline = "Fresh every day"
    branding.primary_color = "#112233"
    branding.accent_color = "#AA5500"
    branding.heading_font = "cairo"
    branding.body_font = "inter"
    branding.logo = Image.objects.create(title="Alpha logo", file=get_test_image_file(colour="red", size=(200, 80)))
    branding.footer_text = "Alpha footer words"
    branding.save()

    soup = _soup(client_a.get("/"))
    theme = soup.find("style", id="brand-theme").text
    assert "--brand-primary: #112233;" in theme and "--brand-accent: #AA5500;" in theme
    assert '--font-heading: "Cairo"' in theme and '--font-body: "Inter"' in theme
    fonts = soup.find("link", href=lambda h: h and "fonts.googleapis.com" in h)["href"]
    assert "family=Cairo" in fonts and "family=Inter" in fonts
    logo = soup.select_one("header .brand img.brand__logo")
    assert logo["alt"] == "Alpha Market" and logo["src"].endswith(".png") and logo["height"] == "48"
    assert soup.select_one("header .brand__name").text == "Alpha Market"
    assert "Alpha footer words" in soup.select_one("footer").text
    assert soup.find("link", rel="stylesheet", href="/static/content/site.css")
    assert soup.html["lang"] == "en" and soup.html["dir"] == "ltr"


def test_system_fonts_load_nothing_from_outside(alpha, client_a):
    soup = _soup(client_a.get("/"))  # default branding: system fonts
    assert not soup.find("link", href=lambda h: h and "fonts.googleapis.com" in h)
    assert "--brand-primary: #0F766E;" in soup.find("style", id="brand-theme").text


def _main_menu(about):
    return NavigationMenu.objects.create(handle="main", title="Main", locale=_en(), items=[
        ("item", {"label": "Start", "page": _home(), "url": "", "open_in_new_tab": False, "children": []}),
        ("item", {"label": "About", "page": about, "url": "", "open_in_new_tab": False, "children": [
            {"label": "Store", "page": None, "url": "/store/products", "open_in_new_tab": False, "children": []}]}),
    ])


def test_navigation_is_rendered_nested_with_the_current_page_marked(alpha, client_a):
    about = _publish(_home().add_child(instance=StandardPage(title="About", slug="about")))
    _main_menu(about)
    NavigationMenu.objects.create(handle="footer", title="Footer", locale=_en(), items=[
        ("item", {"label": "Privacy", "page": None, "url": "/privacy/", "open_in_new_tab": False, "children": []})])

    soup = _soup(client_a.get("/about/"))
    nav = soup.select_one("nav.main-nav")
    top = nav.select(":scope > ul > li")
    assert [li.find(["a", "summary"]).text for li in top] == ["Start", "About"]
    assert "is-active" in top[1]["class"]  # we are on /about/
    assert [a["href"] for a in top[1].select("details ul a")] == ["/about/", "/store/products"]
    assert soup.select_one('nav.main-nav a[aria-current="page"]')["href"] == "/about/"
    assert soup.select_one("nav.footer-nav a")["href"] == "/privacy/"


def _banner(title, **fields):
    return Banner.objects.create(title=title, locale=_en(), placement=fields.pop("placement", "home_hero"), **fields)


def test_banners_show_only_inside_their_window(alpha, client_a):
    now = timezone.now()
    _banner("Showing now", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1), text="Now text")
    _banner("No window at all")
    _banner("Starts tomorrow", starts_at=now + timedelta(days=1))
    _banner("Ended an hour ago", ends_at=now - timedelta(hours=1))
    _banner("Switched off", is_active=False)
    _banner("Strip on every page", placement="site_wide")

    home = _soup(client_a.get("/"))
    titles = [h.text for h in home.select(".hero-banners .banner__title")]
    assert titles == ["No window at all", "Showing now"] or titles == ["Showing now", "No window at all"]
    assert [h.text for h in home.select(".banner--strip .banner__title")] == ["Strip on every page"]

    about = _publish(_home().add_child(instance=StandardPage(title="About", slug="about")))
    page = _soup(client_a.get(about.url))
    assert not page.select(".hero-banners")  # hero banners belong to the home page
    assert [h.text for h in page.select(".banner--strip .banner__title")] == ["Strip on every page"]


def test_banner_call_to_action_links_to_its_page(alpha, client_a):
    about = _publish(_home().add_child(instance=StandardPage(title="About", slug="about")))
    _banner("With a link", priority=1, link=[("link", {"label": "Read more", "page": about, "url": "",
                                                         "open_in_new_tab": False})])
    link = _soup(client_a.get("/")).select_one(".hero-banners .banner a.button")
    assert (link.text, link["href"]) == ("Read more", "/about/")


def test_announcements_in_their_window_most_severe_first(alpha, client_a):
    now = timezone.now()
    Announcement.objects.create(message="Road works on Olaya St.", level="warning", locale=_en())
    Announcement.objects.create(message="Service outage tonight", level="critical", locale=_en(),
                                link_url="/status/", link_label="Status")
    Announcement.objects.create(message="Old news", level="info", locale=_en(), ends_at=now - timedelta(minutes=1))
    Announcement.objects.create(message="Future news", level="info", locale=_en(), starts_at=now + timedelta(days=2))

    strips = _soup(client_a.get("/")).select(".announcement")
    assert [s.p.contents[0].strip() for s in strips] == ["Service outage tonight", "Road works on Olaya St."]
    assert strips[0]["role"] == "alert" and "announcement--critical" in strips[0]["class"]
    assert strips[0].a["href"] == "/status/"


def test_seo_tags(alpha, client_a):
    site = Site.objects.get()
    seo = SEOSettings.for_site(site)
    seo.title_suffix = " | Alpha"
    seo.default_description = "The Alpha site"
    seo.x_handle = "alpha"
    seo.save()
    about = _home().add_child(instance=StandardPage(title="About", slug="about", seo_title="About Alpha",
                                                     search_description="All about us", noindex=True))
    _publish(about)

    soup = _soup(client_a.get("/about/"))
    assert soup.title.text == "About Alpha | Alpha"
    assert soup.find("meta", attrs={"name": "description"})["content"] == "All about us"
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex, nofollow"
    assert soup.find("link", rel="canonical")["href"] == "http://alpha.localhost/about/"
    assert soup.find("meta", property="og:title")["content"] == "About Alpha"
    assert soup.find("meta", attrs={"name": "twitter:site"})["content"] == "@alpha"

    home = _soup(client_a.get("/"))
    assert home.title.text == "Tenant Alpha"  # the home page needs no suffix
    assert home.find("meta", attrs={"name": "description"})["content"] == "The Alpha site"
    assert not home.find("meta", attrs={"name": "robots"})


def test_arabic_pages_are_right_to_left_with_hreflang_alternates(alpha, client_a):
    ar = Locale.objects.get(language_code="ar")
    home = _home()
    home_ar = _publish(home.copy_for_translation(ar).specific)
    about = _publish(home.add_child(instance=StandardPage(title="About", slug="about")))
    about_ar = about.copy_for_translation(ar).specific
    about_ar.title = "من نحن"
    about_ar = _publish(about_ar)
    notice = Announcement.objects.create(message="English notice", locale=_en())
    translated = notice.copy_for_translation(ar)
    translated.message = "تنبيه بالعربية"
    translated.save()
    Announcement.objects.create(message="Only in English", level="critical", locale=_en())

    soup = _soup(client_a.get("/ar/about/"))
    assert soup.html["lang"] == "ar" and soup.html["dir"] == "rtl"
    assert soup.select_one("h1.page-title").text == "من نحن"
    # The Arabic translation replaces its English original; an untranslated notice still shows.
    assert [a.p.contents[0].strip() for a in soup.select(".announcement")] == ["Only in English", "تنبيه بالعربية"]
    alternates = {link["hreflang"]: link["href"] for link in soup.find_all("link", rel="alternate")}
    assert alternates == {"en": "http://alpha.localhost/about/", "ar": "http://alpha.localhost/ar/about/"}
    switcher = {a["hreflang"]: a["href"] for a in soup.select("nav.language-switch a")}
    assert switcher == {"en": "/about/", "ar": "/ar/about/"}
    assert home_ar.url == "/ar/"


def test_blog_index_lists_live_posts_newest_first_and_filters_by_tag(alpha, client_a):
    blog = _publish(_home().add_child(instance=BlogIndexPage(title="News", slug="news")))
    old = blog.add_child(instance=BlogPostPage(title="Old post", slug="old", date=timezone.localdate() - timedelta(days=9)))
    old.tags.add("markets")
    _publish(old)
    _publish(blog.add_child(instance=BlogPostPage(title="New post", slug="new", date=timezone.localdate())))
    blog.add_child(instance=BlogPostPage(title="Draft post", slug="draft", live=False))

    soup = _soup(client_a.get("/news/"))
    assert [a.text for a in soup.select(".card__title a")] == ["New post", "Old post"]
    tagged = _soup(client_a.get("/news/?tag=markets"))
    assert [a.text for a in tagged.select(".card__title a")] == ["Old post"]
    assert _soup(client_a.get("/news/old/")).find("meta", property="og:type")["content"] == "article"
    assert [a.text for a in _soup(client_a.get("/")).select(".card__title a")] == ["New post", "Old post"]


def test_form_page_keeps_submissions_and_thanks_the_visitor(alpha, client_a):
    form = FormPage(title="Contact", slug="contact", thank_you_text="<p>Thanks, we will write back.</p>",
                    form_fields=[FormField(label="Your name", field_type="singleline", required=True),
                                 FormField(label="Email", field_type="email", required=True)])
    form = _publish(_home().add_child(instance=form))

    page = _soup(client_a.get("/contact/"))
    assert {i["name"] for i in page.select("form.form input") if i.get("type") != "hidden"} == {"your_name", "email"}

    invalid = client_a.post("/contact/", {"your_name": "Sam", "email": "not-an-email"})
    assert invalid.status_code == 200 and b"form__error" in invalid.content
    assert FormSubmission.objects.filter(page=form).count() == 0

    thanks = client_a.post("/contact/", {"your_name": "Sam", "email": "sam@example.com"})
    assert b"Thanks, we will write back." in thanks.content
    submission = FormSubmission.objects.get(page=form)
    assert submission.get_data()["your_name"] == "Sam"


def test_standard_page_renders_every_block(alpha, client_a):
    from content.models import FAQ

    image = Image.objects.create(title="Harbour", file=get_test_image_file())
    FAQ.objects.create(question="Opening hours?", answer="<p>8 to 8.</p>", category="general", locale=_en())
    page = _home().add_child(instance=StandardPage(title="Everything", slug="everything", body=[
        ("hero", {"heading": "Big heading", "subheading": "Sub", "image": image, "theme": "dark",
                  "cta": {"label": "", "page": None, "url": "", "open_in_new_tab": False}}),
        ("rich_text", "<p>Some <b>rich</b> text</p>"),
        ("image", {"image": image, "alt_text": "The harbour at dusk", "caption": "Dusk", "width": "wide"}),
        ("call_to_action", {"heading": "Join us", "text": "Today", "style": "outline",
                            "button": {"label": "Sign up", "page": None, "url": "https://example.com/join",
                                       "open_in_new_tab": True}}),
        ("faq", {"heading": "Questions", "category": "general", "questions": []}),
    ]))
    soup = _soup(client_a.get(_publish(page).url))
    assert soup.select_one(".banner--hero.banner--dark h1").text == "Big heading"
    assert not soup.select(".page-header")  # the hero is the page's heading
    assert soup.select_one(".block--rich_text b").text == "rich"
    figure = soup.select_one(".block--image img")
    assert figure["alt"] == "The harbour at dusk"
    cta = soup.select_one(".cta a.button--outline")
    assert (cta["href"], cta["target"]) == ("https://example.com/join", "_blank")
    faq = soup.select_one(".faq details")
    assert faq.summary.text == "Opening hours?"
