"""Snippets editors manage beside the page tree: navigation, banners, announcements, FAQs and
the e-mail / SMS / push templates. All are translatable (one row per locale, linked by
Wagtail's `translation_key`)."""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import TranslatableMixin
from wagtail.search import index

from content.blocks import LinkBlock, OptionalLinkBlock
from content.models.pages import expand_rich_text


class SubMenuBlock(LinkBlock):
    children = blocks.ListBlock(LinkBlock(), required=False, default=[], label=_("Third-level links"))

    class Meta:
        icon = "list-ul"
        label = _("Menu item")


class MenuItemBlock(LinkBlock):
    children = blocks.ListBlock(SubMenuBlock(), required=False, default=[], label=_("Sub-menu"))

    class Meta:
        icon = "list-ul"
        label = _("Menu item")


class NavigationMenu(TranslatableMixin, index.Indexed, models.Model):
    """A named menu (`main`, `footer`, …) of up to three nested levels of links."""

    handle = models.SlugField(max_length=50, help_text=_("How templates and the store API name this menu: main, footer, …"))
    title = models.CharField(max_length=100)
    items = StreamField([("item", MenuItemBlock())], blank=True, default=list)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldRowPanel([FieldPanel("title"), FieldPanel("handle")]), FieldPanel("items")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title"), index.FilterField("handle")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("navigation menu")
        ordering = ["handle"]
        constraints = [models.UniqueConstraint(fields=["handle", "locale"], name="one_menu_handle_per_locale")]

    def __str__(self):
        return f"{self.title} ({self.handle})"


class WindowQuerySet(models.QuerySet):
    """Rows shown only while switched on and inside their optional [starts_at, ends_at) window."""

    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(is_active=True).filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=at), Q(ends_at__isnull=True) | Q(ends_at__gt=at))


class PublishWindow(models.Model):
    is_active = models.BooleanField(default=True, help_text=_("Switch off to hide it whatever its window."))
    starts_at = models.DateTimeField(null=True, blank=True, help_text=_("Shown from this moment (empty: at once)."))
    ends_at = models.DateTimeField(null=True, blank=True, help_text=_("Hidden from this moment (empty: never)."))

    window_panel = MultiFieldPanel(
        [FieldPanel("is_active"), FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")])],
        heading=_("When it is shown"))

    objects = WindowQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})

    def is_shown(self, at=None) -> bool:
        at = at or timezone.now()
        return (self.is_active and (self.starts_at is None or self.starts_at <= at)
                and (self.ends_at is None or self.ends_at > at))

    @property
    def window_status(self) -> str:
        if not self.is_active:
            return "off"
        now = timezone.now()
        if self.starts_at and self.starts_at > now:
            return "scheduled"
        if self.ends_at and self.ends_at <= now:
            return "ended"
        return "showing"


class Banner(TranslatableMixin, PublishWindow, index.Indexed):
    """A marketing banner: the home page hero slides, or a strip across every page."""

    class Placement(models.TextChoices):
        HOME_HERO = "home_hero", _("Home page hero")
        SITE_WIDE = "site_wide", _("Every page, below the header")

    title = models.CharField(max_length=120)
    text = models.TextField(blank=True, max_length=400)
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    link = StreamField([("link", OptionalLinkBlock())], blank=True, default=list, max_num=1,
                       verbose_name=_("call to action"))
    placement = models.CharField(max_length=20, choices=Placement.choices, default=Placement.HOME_HERO)
    priority = models.PositiveSmallIntegerField(default=100, help_text=_("Lower numbers are shown first."))

    panels = [FieldPanel("title"), FieldPanel("text"), FieldPanel("image"), FieldPanel("link"),
              FieldRowPanel([FieldPanel("placement"), FieldPanel("priority")]), PublishWindow.window_panel]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title"), index.SearchField("text")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("banner")
        ordering = ["priority", "-starts_at", "title"]

    def __str__(self):
        return self.title

    @property
    def cta(self):
        return self.link[0].value if len(self.link) else None


class Announcement(TranslatableMixin, PublishWindow, index.Indexed):
    """A short notice shown at the top of every page of the site while it is active."""

    class Level(models.TextChoices):
        INFO = "info", _("Information")
        SUCCESS = "success", _("Good news")
        WARNING = "warning", _("Warning")
        CRITICAL = "critical", _("Critical")

    message = models.CharField(max_length=280)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.INFO)
    link_url = models.CharField(max_length=500, blank=True, help_text=_("Optional: https://… or a path such as /help/."))
    link_label = models.CharField(max_length=60, blank=True)

    panels = [FieldPanel("message"), FieldPanel("level"),
              FieldRowPanel([FieldPanel("link_label"), FieldPanel("link_url")]), PublishWindow.window_panel]
    search_fields = [index.SearchField("message"), index.AutocompleteField("message")]

    LEVEL_ORDER = {Level.CRITICAL: 0, Level.WARNING: 1, Level.SUCCESS: 2, Level.INFO: 3}

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("announcement")
        ordering = ["-starts_at", "message"]

    def __str__(self):
        return self.message

    def clean(self):
        super().clean()
        if self.link_url and not self.link_url.startswith(("http://", "https://", "/")):
            raise ValidationError({"link_url": _("Start with https://, http:// or /.")})
        if self.link_url and not self.link_label:
            raise ValidationError({"link_label": _("A link needs a label.")})


class FAQ(TranslatableMixin, index.Indexed, models.Model):
    question = models.CharField(max_length=255)
    answer = RichTextField(features=["bold", "italic", "link", "ol", "ul"])
    category = models.CharField(max_length=60, blank=True, db_index=True,
                                help_text=_("Groups questions; a FAQ block can show a whole category."))
    sort_order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)

    panels = [FieldPanel("question"), FieldPanel("answer"),
              FieldRowPanel([FieldPanel("category"), FieldPanel("sort_order"), FieldPanel("is_active")])]
    search_fields = [index.SearchField("question"), index.AutocompleteField("question"), index.SearchField("answer"),
                     index.FilterField("category")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("FAQ")
        verbose_name_plural = _("FAQs")
        ordering = ["category", "sort_order", "question"]

    def __str__(self):
        return self.question

    def as_api(self) -> dict:
        return {"id": self.pk, "question": self.question, "answer": expand_rich_text(self.answer),
                "category": self.category}


class NotificationTemplate(TranslatableMixin, index.Indexed, models.Model):
    """A transactional message (`order.confirmation`, …) for one channel, in one language.

    Text may use placeholders such as `{{ customer.name }}`; each must be declared in
    `variables`, and rendering (`content.notifications.render_notification`) refuses a context
    that leaves any of them unknown.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        PUSH = "push", _("Push notification")

    SMS_MAX_LENGTH = 612  # four concatenated GSM segments
    PUSH_TITLE_MAX = 65
    PUSH_BODY_MAX = 240

    key = models.SlugField(max_length=100, allow_unicode=False,
                           help_text=_("The event it answers, e.g. order-confirmation, appointment-reminder."))
    channel = models.CharField(max_length=10, choices=Channel.choices)
    name = models.CharField(max_length=120, help_text=_("For editors."))
    subject = models.CharField(max_length=200, blank=True, help_text=_("E-mail subject or push title."))
    body = models.TextField(help_text=_("Plain text: the SMS, the push body, or the e-mail's text part."))
    html_body = models.TextField(blank=True, verbose_name=_("e-mail HTML"),
                                 help_text=_("Optional HTML for e-mail; the text part is used when empty."))
    variables = models.CharField(
        max_length=500, blank=True,
        help_text=_("The placeholders this template may use, comma-separated: customer.name, order.number"))
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("key"), FieldPanel("channel")]),
        FieldPanel("variables"), FieldPanel("subject"), FieldPanel("body"), FieldPanel("html_body"),
        FieldPanel("is_active"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.SearchField("key"),
                     index.FilterField("channel")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("notification template")
        ordering = ["key", "channel"]
        constraints = [models.UniqueConstraint(fields=["key", "channel", "locale"],
                                               name="one_notification_template_per_key_channel_locale")]

    def __str__(self):
        return f"{self.name} ({self.get_channel_display()})"

    @property
    def declared_variables(self) -> list[str]:
        return [name.strip() for name in self.variables.split(",") if name.strip()]

    def clean(self):
        from content.notifications import TemplateSyntaxProblem, placeholders

        super().clean()
        errors = {}
        declared = set(self.declared_variables)
        for field in ("subject", "body", "html_body"):
            try:
                used = placeholders(getattr(self, field))
            except TemplateSyntaxProblem as exc:
                errors[field] = str(exc)
                continue
            unknown = [name for name in used if name not in declared]
            if unknown:
                errors[field] = _("Unknown placeholder(s) %(names)s: declare them in Variables or remove them.") % {
                    "names": ", ".join("{{ %s }}" % name for name in unknown)}
        if self.channel == self.Channel.EMAIL and not self.subject:
            errors.setdefault("subject", _("An e-mail needs a subject."))
        if self.channel == self.Channel.SMS and len(self.body) > self.SMS_MAX_LENGTH:
            errors.setdefault("body", _("An SMS is at most %(n)d characters.") % {"n": self.SMS_MAX_LENGTH})
        if self.channel == self.Channel.PUSH:
            if len(self.subject) > self.PUSH_TITLE_MAX:
                errors.setdefault("subject", _("A push title is at most %(n)d characters.") % {"n": self.PUSH_TITLE_MAX})
            if len(self.body) > self.PUSH_BODY_MAX:
                errors.setdefault("body", _("A push body is at most %(n)d characters.") % {"n": self.PUSH_BODY_MAX})
        if self.html_body and self.channel != self.Channel.EMAIL:
            errors.setdefault("html_body", _("Only e-mail templates have HTML."))
        if errors:
            raise ValidationError(errors)
