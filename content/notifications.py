"""Rendering of the e-mail / SMS / push templates editors keep as snippets.

Templates use `{{ name }}` placeholders with dotted paths into the context (`{{ order.number }}`);
no template language runs, so an editor can neither break a page nor reach data they should not.
Rendering refuses — with every offending name listed — a context that leaves a placeholder
unknown, instead of sending a message with holes in it.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape, linebreaks

from cityos.errors import InvalidInput, NotFound, Unprocessable

_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.S)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$")


class TemplateSyntaxProblem(ValueError):
    pass


def placeholders(text: str) -> list[str]:
    """The placeholder names used in `text`, in order of first use; refuses malformed ones."""
    names = []
    for match in _PLACEHOLDER.finditer(text or ""):
        name = match.group(1).strip()
        if not _NAME.match(name):
            raise TemplateSyntaxProblem(f"'{{{{{match.group(1)}}}}}' is not a placeholder: use a name such as "
                                        "{{ customer.name }}.")
        if name not in names:
            names.append(name)
    rest = _PLACEHOLDER.sub("", text or "")
    if "{{" in rest or "}}" in rest:
        raise TemplateSyntaxProblem("A placeholder is not closed: write {{ name }}.")
    return names


_MISSING = object()


def _lookup(context, name: str):
    value = context
    for part in name.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, (list, tuple)) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def unknown_placeholders(texts, context: dict) -> list[str]:
    unknown = []
    for text in texts:
        for name in placeholders(text):
            if _lookup(context, name) is _MISSING and name not in unknown:
                unknown.append(name)
    return unknown


def fill(text: str, context: dict, *, html: bool = False) -> str:
    """`text` with every placeholder replaced (values HTML-escaped when `html`)."""

    def replace(match):
        value = _text(_lookup(context, match.group(1).strip()))
        return escape(value) if html else value

    return _PLACEHOLDER.sub(replace, text or "")


@dataclass(frozen=True)
class RenderedNotification:
    key: str
    channel: str
    locale: str
    subject: str
    body: str
    html: str | None = None

    def as_dict(self) -> dict:
        return {"key": self.key, "channel": self.channel, "locale": self.locale, "subject": self.subject,
                "body": self.body, "html": self.html}


def find_template(key: str, channel: str, locale: str | None = None):
    """The active template for `key`/`channel` in `locale`, else the site's default language, else English."""
    from wagtail.models import Locale

    from content.models import NotificationTemplate
    from content.tenancy import default_language

    if channel not in NotificationTemplate.Channel.values:
        raise InvalidInput("Unknown notification channel.",
                           fields={"channel": [f"One of {', '.join(NotificationTemplate.Channel.values)}."]})
    candidates = NotificationTemplate.objects.filter(key=key, channel=channel, is_active=True).select_related("locale")
    by_language = {template.locale.language_code: template for template in candidates}
    for language in (locale, default_language(), settings.LANGUAGE_CODE):
        if language and language in by_language:
            return by_language[language]
    known = Locale.objects.values_list("language_code", flat=True)
    raise NotFound(f"No active {channel} template '{key}' (looked in {locale or default_language()}, "
                   f"then the site's default language).", code="notification_template_not_found",
                   fields={"key": [f"Create it under Snippets → Notification templates ({', '.join(known)})."]})


def render_notification(key: str, channel: str, context: dict, *, locale: str | None = None) -> RenderedNotification:
    """Render the template for `key` and `channel` with `context`.

    Raises `NotFound` when there is no such active template, and `Unprocessable`
    (`unknown_placeholder`) naming every placeholder the context does not provide.
    """
    template = find_template(key, channel, locale)
    texts = [template.subject, template.body, template.html_body]
    unknown = unknown_placeholders(texts, context)
    if unknown:
        raise Unprocessable(
            f"The context does not provide {', '.join('{{ %s }}' % n for n in unknown)} "
            f"used by the {channel} template '{key}'.",
            code="unknown_placeholder", fields={"placeholders": unknown})
    html = None
    if template.channel == template.Channel.EMAIL:
        inner = fill(template.html_body, context, html=True) if template.html_body else linebreaks(
            fill(template.body, context, html=True))
        html = render_to_string("content/email/notification.html", {
            "subject": fill(template.subject, context), "content": inner, "brand": _branding(),
            "language": template.locale.language_code,
        })
    return RenderedNotification(
        key=key, channel=template.channel, locale=template.locale.language_code,
        subject=fill(template.subject, context), body=fill(template.body, context), html=html)


def _branding():
    from wagtail.models import Site

    from content.models import BrandingSettings

    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    return BrandingSettings.for_site(site) if site is not None else None
