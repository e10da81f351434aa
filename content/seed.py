"""Demo content of the demo tenants: branding, pages in en/ar/fr, navigation, banners,
announcements, FAQs, notification templates, POIs and records in every domain collection.

Idempotent: everything is looked up by its slug, handle or key first, so seeding twice changes
nothing (and writes no second outbox event).
"""
import io
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.images import ImageFile
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.models import Locale, Site

from content import services
from content.push import push_record
from content.models import (
    FAQ, COLLECTIONS, Announcement, Banner, BlogIndexPage, BlogPostPage, BrandingSettings, FormField, FormPage,
    NavigationMenu, NotificationTemplate, PointOfInterest, SEOSettings, StandardPage,
)

ORDER = 50

THEMES = {
    "market": dict(primary_color="#15803D", secondary_color="#14532D", accent_color="#F59E0B",
                   heading_font="cairo", body_font="cairo",
                   tagline="Fresh produce, local makers and events in the heart of the city."),
    "clinic": dict(primary_color="#0E7490", secondary_color="#164E63", accent_color="#F472B6",
                   heading_font="inter", body_font="noto-sans",
                   tagline="Family medicine, close to home, in Arabic, English and French."),
    "transit": dict(primary_color="#6D28D9", secondary_color="#2E1065", accent_color="#FACC15",
                    heading_font="tajawal", body_font="tajawal",
                    tagline="Buses, metro and city services — one pass for the whole city."),
}
DEFAULT_THEME = dict(primary_color="#0F766E", secondary_color="#1E293B", accent_color="#F59E0B",
                     heading_font="system", body_font="system", tagline="")

# Per language: titles and short texts of the demo pages and snippets.
TEXT = {
    "en": {"about": "About us", "news": "News", "contact": "Contact", "home": "Home", "faq": "FAQ",
           "about_intro": "Who we are and how we serve the city.", "news_intro": "News and updates.",
           "contact_intro": "Write to us and we answer within two working days.",
           "thanks": "Thank you — we have your message.", "welcome": "Welcome",
           "announcement": "New: pay for everything with one CityOS account.", "more": "Learn more",
           "banner": "Everything the city offers, in one place", "banner_text": "Book, buy and subscribe online.",
           "banner_next": "Coming soon: the summer festival", "store": "Store"},
    "ar": {"about": "من نحن", "news": "الأخبار", "contact": "اتصل بنا", "home": "الرئيسية", "faq": "الأسئلة الشائعة",
           "about_intro": "من نحن وكيف نخدم المدينة.", "news_intro": "الأخبار والمستجدات.",
           "contact_intro": "راسلنا وسنرد خلال يومي عمل.", "thanks": "شكرًا لك، لقد استلمنا رسالتك.",
           "welcome": "أهلًا وسهلًا", "announcement": "جديد: ادفع مقابل كل شيء بحساب CityOS واحد.",
           "more": "اعرف المزيد", "banner": "كل ما تقدمه المدينة في مكان واحد",
           "banner_text": "احجز واشترِ واشترك عبر الإنترنت.", "banner_next": "قريبًا: مهرجان الصيف", "store": "المتجر"},
    "fr": {"about": "À propos", "news": "Actualités", "contact": "Contact", "home": "Accueil", "faq": "FAQ",
           "about_intro": "Qui nous sommes et comment nous servons la ville.", "news_intro": "Actualités et nouveautés.",
           "contact_intro": "Écrivez-nous, nous répondons sous deux jours ouvrés.",
           "thanks": "Merci, nous avons bien reçu votre message.", "welcome": "Bienvenue",
           "announcement": "Nouveau : payez tout avec un seul compte CityOS.", "more": "En savoir plus",
           "banner": "Tout ce que la ville offre, au même endroit",
           "banner_text": "Réservez, achetez et abonnez-vous en ligne.",
           "banner_next": "Bientôt : le festival d'été", "store": "Boutique"},
}

FAQS = [
    {"en": ("How do I pay?", "<p>By card, Apple Pay or your CityOS wallet, in SAR.</p>"),
     "ar": ("كيف أدفع؟", "<p>بالبطاقة أو Apple Pay أو محفظة CityOS، بالريال السعودي.</p>"),
     "fr": ("Comment payer ?", "<p>Par carte, Apple Pay ou votre portefeuille CityOS, en SAR.</p>")},
    {"en": ("Can I cancel?", "<p>Yes, up to 24 hours before; the refund goes back to your card.</p>"),
     "ar": ("هل يمكنني الإلغاء؟", "<p>نعم، حتى ٢٤ ساعة قبل الموعد، ويُعاد المبلغ إلى بطاقتك.</p>"),
     "fr": ("Puis-je annuler ?", "<p>Oui, jusqu'à 24 heures avant ; le remboursement revient sur votre carte.</p>")},
    {"en": ("Which languages do you speak?", "<p>Arabic, English and French.</p>"),
     "ar": ("ما اللغات التي تتحدثونها؟", "<p>العربية والإنجليزية والفرنسية.</p>"),
     "fr": ("Quelles langues parlez-vous ?", "<p>L'arabe, l'anglais et le français.</p>")},
]

NOTIFICATIONS = [
    ("order-confirmation", "email", "Order confirmation", "customer_name, order.number, order.total",
     {"en": ("Your order {{ order.number }} is confirmed",
             "Hello {{ customer_name }},\n\nThank you for your order {{ order.number }} ({{ order.total }})."),
      "ar": ("تم تأكيد طلبك {{ order.number }}",
             "مرحبًا {{ customer_name }}،\n\nشكرًا لطلبك {{ order.number }} ({{ order.total }})."),
      "fr": ("Votre commande {{ order.number }} est confirmée",
             "Bonjour {{ customer_name }},\n\nMerci pour votre commande {{ order.number }} ({{ order.total }}).")}),
    ("order-confirmation", "sms", "Order confirmation (SMS)", "order.number, order.total",
     {"en": ("", "Order {{ order.number }} confirmed: {{ order.total }}. Thank you!"),
      "ar": ("", "تم تأكيد الطلب {{ order.number }}: {{ order.total }}. شكرًا لك!"),
      "fr": ("", "Commande {{ order.number }} confirmée : {{ order.total }}. Merci !")}),
    ("order-confirmation", "push", "Order confirmation (push)", "order.number",
     {"en": ("Order confirmed", "Your order {{ order.number }} is on its way."),
      "ar": ("تم تأكيد الطلب", "طلبك {{ order.number }} في الطريق."),
      "fr": ("Commande confirmée", "Votre commande {{ order.number }} est en route.")}),
    ("appointment-reminder", "sms", "Appointment reminder", "customer_name, appointment.starts_at, poi.name",
     {"en": ("", "{{ customer_name }}, reminder: your appointment at {{ poi.name }} is at {{ appointment.starts_at }}."),
      "ar": ("", "{{ customer_name }}، تذكير: موعدك في {{ poi.name }} في {{ appointment.starts_at }}."),
      "fr": ("", "{{ customer_name }}, rappel : votre rendez-vous à {{ poi.name }} est à {{ appointment.starts_at }}.")}),
]


def _days(n: int, hour: int = 9):
    moment = timezone.localtime() + timedelta(days=n)
    return timezone.make_aware(datetime.combine(moment.date(), time(hour, 0)))


def _date(n: int):
    return (timezone.localdate() + timedelta(days=n))


# POIs and records by tenant: (poi slug, name, kind, domain, address, [(collection, slug, fields)])
def _places(slug: str) -> list:
    market = [
        ("central-market-hall", "Central Market Hall", "market", "agriculture", "King Fahd Road, Al Olaya", [
            ("market-listings", "fresh-dates-khalas", dict(
                title="Khalas dates, fresh harvest", price=Decimal("38.00"), category="dates", unit="kg",
                quantity_available=Decimal("450"), origin="Al-Ahsa oasis", organic=True, harvested_on=_date(-5))),
            ("market-listings", "organic-tomatoes", dict(
                title="Organic vine tomatoes", price=Decimal("12.50"), category="produce", unit="kg",
                quantity_available=Decimal("120"), origin="Al-Kharj farms", organic=True)),
            ("service-plans", "vendor-stall-membership", dict(
                title="Vendor membership — monthly stall", price=Decimal("950.00"), billing_interval="month",
                feature_list="A 3 × 3 m stall\nCold storage\nListing on the market's store", max_subscribers=40)),
            ("job-listings", "market-floor-supervisor", dict(
                title="Market floor supervisor", price=Decimal("150.00"), employer="Riyadh Central Market",
                employment_type="full_time", salary_min=Decimal("7000"), salary_max=Decimal("9000"),
                application_email="jobs@market.cityos.localhost", application_deadline=_date(30))),
        ]),
        ("souq-events-plaza", "Souq Events Plaza", "venue", "events-culture", "Souq Street, Al Batha", [
            ("events", "weekend-food-festival", dict(
                title="Weekend food festival", price=Decimal("25.00"), category="festival", starts_at=_days(12, 16),
                ends_at=_days(12, 23), organizer="Riyadh Central Market", capacity=800, venue_details="Main plaza")),
        ]),
        ("market-residences", "Market Residences", "property", "real-estate", "Al Olaya, block 7", [
            ("properties", "two-bedroom-market-view", dict(
                title="Two-bedroom apartment with market view", price=Decimal("68000.00"), listing_type="rent",
                property_type="apartment", rent_period="year", bedrooms=2, bathrooms=2, area_sqm=Decimal("118"),
                address="Market Residences, flat 402", available_from=_date(14))),
            ("rentals", "pop-up-stall-weekly", dict(
                title="Pop-up stall, by the week", price=Decimal("700.00"), rental_type="space", rent_period="week",
                deposit=Decimal("500.00"), units_available=6)),
        ]),
    ]
    clinic = [
        ("al-noor-clinic", "Al Noor Family Clinic", "clinic", "healthcare", "Prince Sultan Road, Al Malaz", [
            ("healthcare-appointments", "gp-consultation-morning", dict(
                title="GP consultation", price=Decimal("250.00"), practitioner="Dr. Layla Haddad",
                specialty="Family medicine", starts_at=_days(3, 9), duration_minutes=20, capacity=1)),
            ("healthcare-appointments", "paediatrics-telehealth", dict(
                title="Paediatrics video consultation", price=Decimal("200.00"), practitioner="Dr. Omar Farouk",
                specialty="Paediatrics", mode="telehealth", starts_at=_days(4, 17), duration_minutes=15)),
            ("service-plans", "family-care-plan", dict(
                title="Family care plan", price=Decimal("299.00"), billing_interval="month", trial_days=14,
                feature_list="Unlimited GP video calls\nTwo clinic visits a month\n10% off lab tests")),
            ("job-listings", "registered-nurse", dict(
                title="Registered nurse", employer="Al Noor Family Clinic", employment_type="full_time",
                salary_min=Decimal("9000"), salary_max=Decimal("12000"),
                application_url="https://clinic.cityos.localhost/careers")),
        ]),
        ("al-noor-academy", "Al Noor Health Academy", "school", "education", "Al Malaz, building 3", [
            ("course-enrollments", "first-aid-certificate", dict(
                title="First aid certificate", price=Decimal("450.00"), course_code="FA-101",
                instructor="Nadia Karim", level="beginner", starts_on=_date(21), ends_on=_date(22),
                schedule="Two days, 09:00–16:00", seats=24, hours=14)),
        ]),
    ]
    transit = [
        ("central-station", "Central Station", "station", "transportation", "Olaya Street, Metro line 1", [
            ("transit-passes", "monthly-city-pass", dict(
                title="Monthly city pass", price=Decimal("140.00"), pass_type="month", validity_days=30,
                billing_interval="month", zones="All zones")),
            ("transit-passes", "student-weekly-pass", dict(
                title="Student weekly pass", price=Decimal("25.00"), pass_type="week", rider_category="student",
                validity_days=7)),
            ("events", "transit-open-day", dict(
                title="Transit open day and depot tour", price=Decimal("0.00"), category="family",
                starts_at=_days(20, 10), ends_at=_days(20, 15), organizer="CityOS Transit Authority", capacity=300)),
        ]),
        ("city-service-centre", "City Service Centre", "office", "citizen-services", "King Abdullah Road", [
            ("citizen-services", "residential-parking-permit", dict(
                title="Residential parking permit", price=Decimal("100.00"), service_code="PRK-01",
                department="Traffic and parking", processing_days=3, delivery_channel="online",
                required_documents="National ID or Iqama\nTenancy contract")),
        ]),
    ]
    return {"market": market, "clinic": clinic, "transit": transit}.get(slug, market)


def seed_tenant(tenant, ctx) -> None:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        ctx.say("  no site: skipped")
        return
    home = site.root_page.specific
    default = home.locale
    others = [locale for locale in Locale.objects.exclude(pk=default.pk).order_by("language_code")]
    _branding(site, tenant)
    pages = _pages(home, default, others)
    _navigation(pages, default, others)
    _banners_and_announcements(pages, default, others)
    _faqs(default, others)
    _notifications(default, others)
    created, pushed = _places_and_records(tenant)
    ctx.say(f"  content: site, pages in {', '.join(sorted([default.language_code] + [o.language_code for o in others]))}, "
            f"{created} new collection record(s), {pushed} pushed into commerce")
    ctx.notes.append(f"{tenant.name}: site http://{site.hostname}:8000/ (/ar/, /fr/), content API "
                     f"http://{site.hostname}:8000/store/content/home, CMS http://{site.hostname}:8000/cms/")


# ----- branding ------------------------------------------------------------------------------
def _logo(tenant, colour: str) -> Image:
    title = f"{tenant.name} logo"
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    from PIL import Image as PILImage, ImageDraw, ImageFont

    canvas = PILImage.new("RGB", (480, 192), colour)
    draw = ImageDraw.Draw(canvas)
    initials = "".join(word[0] for word in tenant.name.split()[:3]).upper()
    draw.text((240, 96), initials, fill="white", anchor="mm", font=ImageFont.load_default(size=110))
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{tenant.slug}-logo.png"))


def _branding(site, tenant) -> None:
    branding = BrandingSettings.for_site(site)
    if branding.logo_id is None:
        theme = THEMES.get(tenant.slug, DEFAULT_THEME)
        for name, value in theme.items():
            setattr(branding, name, value)
        branding.brand_name = tenant.name
        branding.logo = _logo(tenant, theme["primary_color"])
        branding.footer_text = f"© {timezone.localdate().year} {tenant.name}. Powered by CityOS."
        branding.contact_email = f"hello@{tenant.slug}.cityos.localhost"
        branding.save()
    seo = SEOSettings.for_site(site)
    if not seo.title_suffix:
        seo.title_suffix = f" | {tenant.name}"
        seo.default_description = THEMES.get(tenant.slug, DEFAULT_THEME)["tagline"]
        seo.save()


# ----- pages ---------------------------------------------------------------------------------
def _publish(page):
    page.save_revision().publish()
    return page


def _fresh(page):
    """The page as stored: publishing a stale copy would rewind its tree fields (numchild)."""
    return type(page).objects.get(pk=page.pk)


def _child(parent, model, slug: str, **fields):
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    return _publish(parent.add_child(instance=model(slug=slug, locale=parent.locale, **fields)))


def _translate(page, locale, **fields):
    """The live translation of `page` in `locale`, created from a copy when missing."""
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    copy = page.copy_for_translation(locale, copy_parents=True).specific
    for name, value in fields.items():
        setattr(copy, name, value)
    return _publish(copy)


def _body(text: dict, contact) -> list:
    return [
        ("rich_text", f"<p>{text['about_intro']}</p>"),
        ("call_to_action", {"heading": text["contact"], "text": text["contact_intro"],
                            "button": {"label": text["contact"], "page": contact, "url": "", "open_in_new_tab": False},
                            "style": "primary"}),
        ("faq", {"heading": text["faq"], "category": "general", "questions": []}),
    ]


def _home_body(text: dict, contact) -> list:
    """The home page: what the store sells (live from commerce), then the common blocks."""
    return [("product_grid", {"heading": text["store"], "source": "newest", "collection": "", "category": "",
                              "poi": None, "products": [], "limit": 8, "show_prices": True}),
            *_body(text, contact)]


def _about_body(text: dict, contact) -> list:
    return [
        ("hero", {"heading": text["about"], "subheading": text["about_intro"], "image": None,
                  "cta": {"label": "", "page": None, "url": "", "open_in_new_tab": False}, "theme": "brand"}),
        *_body(text, contact),
    ]


def _pages(home, default, others) -> dict:
    text = TEXT.get(default.language_code, TEXT["en"])
    contact = _child(home, FormPage, "contact", title=text["contact"], intro=f"<p>{text['contact_intro']}</p>",
                     thank_you_text=f"<p>{text['thanks']}</p>", form_fields=[
                         FormField(sort_order=order, label=label, field_type=kind, required=True)
                         for order, (label, kind) in enumerate([("Name", "singleline"), ("Email", "email"),
                                                                ("Message", "multiline")])])
    about = _child(home, StandardPage, "about", title=text["about"], intro=text["about_intro"],
                   body=_about_body(text, contact))
    news = _child(home, BlogIndexPage, "news", title=text["news"], intro=f"<p>{text['news_intro']}</p>")
    for days, slug, title in ((1, "new-online-store", "Our online store is open"),
                              (8, "opening-hours", "Opening hours for the holidays")):
        _child(news, BlogPostPage, slug, title=title, date=_date(-days), author="CityOS",
               summary=f"{title}.", body=[("rich_text", f"<p>{title}.</p>")])
    home = _fresh(home)
    if not home.intro:
        home.intro = f"<p>{text['welcome']} — {text['banner_text']}</p>"
        home.body = _home_body(text, contact)
        _publish(home)

    pages = {default.language_code: {"home": home, "about": about, "news": news, "contact": contact}}
    for locale in others:
        words = TEXT[locale.language_code]
        # The home page first: translating a child first would make an alias of the home page.
        home_t = _translate(home, locale, title=home.title, intro=f"<p>{words['welcome']} — {words['banner_text']}</p>")
        contact_t = _translate(contact, locale, title=words["contact"], intro=f"<p>{words['contact_intro']}</p>",
                               thank_you_text=f"<p>{words['thanks']}</p>")
        home_t = _fresh(home_t)
        if home_t.body.raw_data == home.body.raw_data:
            home_t.body = _home_body(words, contact_t)
            _publish(home_t)
        translated = {
            "home": home_t,
            "about": _translate(about, locale, title=words["about"], intro=words["about_intro"],
                                body=_about_body(words, contact_t)),
            "news": _translate(news, locale, title=words["news"], intro=f"<p>{words['news_intro']}</p>"),
            "contact": contact_t,
        }
        pages[locale.language_code] = translated
    return pages


# ----- snippets ------------------------------------------------------------------------------
def _link(label, page=None, url="", children=None) -> dict:
    value = {"label": label, "page": page, "url": url, "open_in_new_tab": False}
    if children is not None:
        value["children"] = children
    return value


def _navigation(pages, default, others) -> None:
    for locale in [default, *others]:
        words, own = TEXT[locale.language_code], pages[locale.language_code]
        if not NavigationMenu.objects.filter(handle="main", locale=locale).exists():
            NavigationMenu.objects.create(handle="main", locale=locale, title="Main", items=[
                ("item", _link(words["home"], own["home"], children=[])),
                ("item", _link(words["about"], own["about"], children=[
                    _link(words["contact"], own["contact"], children=[]),
                    _link(words["news"], own["news"], children=[]),
                ])),
                ("item", _link(words["news"], own["news"], children=[])),
                ("item", _link(words["store"], url="/store/products", children=[])),
            ])
        if not NavigationMenu.objects.filter(handle="footer", locale=locale).exists():
            NavigationMenu.objects.create(handle="footer", locale=locale, title="Footer", items=[
                ("item", _link(words["about"], own["about"], children=[])),
                ("item", _link(words["contact"], own["contact"], children=[])),
            ])


def _banners_and_announcements(pages, default, others) -> None:
    now = timezone.now()
    for locale in [default, *others]:
        words, own = TEXT[locale.language_code], pages[locale.language_code]
        if not Banner.objects.filter(locale=locale).exists():
            Banner.objects.create(locale=locale, title=words["banner"], text=words["banner_text"],
                                  placement=Banner.Placement.HOME_HERO, priority=10, starts_at=now - timedelta(days=1),
                                  link=[("link", _link(words["more"], own["about"]))])
            Banner.objects.create(locale=locale, title=words["banner_next"], placement=Banner.Placement.HOME_HERO,
                                  priority=20, starts_at=now + timedelta(days=30), ends_at=now + timedelta(days=60))
        if not Announcement.objects.filter(locale=locale).exists():
            Announcement.objects.create(locale=locale, message=words["announcement"], level=Announcement.Level.INFO,
                                        starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=90))


def _faqs(default, others) -> None:
    for order, entry in enumerate(FAQS):
        question, answer = entry[default.language_code]
        original = FAQ.objects.filter(question=question, locale=default).first()
        if original is None:
            original = FAQ.objects.create(locale=default, question=question, answer=answer, category="general",
                                          sort_order=order)
        for locale in others:
            if not original.has_translation(locale):
                copy = original.copy_for_translation(locale)
                copy.question, copy.answer = entry[locale.language_code]
                copy.save()


def _notifications(default, others) -> None:
    for key, channel, name, variables, texts in NOTIFICATIONS:
        for locale in [default, *others]:
            if NotificationTemplate.objects.filter(key=key, channel=channel, locale=locale).exists():
                continue
            subject, body = texts[locale.language_code]
            template = NotificationTemplate(key=key, channel=channel, locale=locale, name=name, variables=variables,
                                            subject=subject, body=body)
            template.full_clean(exclude=["translation_key"])
            template.save()


# ----- POIs and records ----------------------------------------------------------------------
def _places_and_records(tenant) -> tuple[int, int]:
    """POIs and their published records; each record not yet in commerce is pushed there (the
    CMSCommercePush workflow's own step, run now so the demo store sells them at once).
    Returns (records created, records pushed)."""
    created = pushed = 0
    for poi_slug, name, kind, domain, address, records in _places(tenant.slug):
        poi = PointOfInterest.objects.filter(slug=poi_slug).first()
        if poi is None:
            poi = PointOfInterest.objects.create(slug=poi_slug, name=name, kind=kind, domain=domain, address=address,
                                                 city="Riyadh", opening_hours="Sun–Thu 08:00–22:00\nFri–Sat 16:00–23:00")
        for collection, slug, fields in records:
            model = COLLECTIONS[collection]
            record = model.objects.filter(slug=slug).first()
            if record is None:
                fields.setdefault("description", f"{fields['title']} at {name}.")
                fields.setdefault("currency", tenant.default_currency)
                record = services.create_record(collection, publish=True, poi=poi, slug=slug, **fields)
                created += 1
            if not record.commerce_id and push_record(collection, record.cms_id)["commerce_id"]:
                pushed += 1
    return created, pushed
