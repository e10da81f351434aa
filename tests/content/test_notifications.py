"""E-mail / SMS / push templates: localized, rendered with a context, unknown placeholders refused."""
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from wagtail.models import Locale, Site

from cityos.errors import InvalidInput, NotFound, Unprocessable
from content.models import BrandingSettings, NotificationTemplate
from content.notifications import TemplateSyntaxProblem, placeholders, render_notification

pytestmark = pytest.mark.django_db

CONTEXT = {"customer": {"name": "Huda <3"}, "order": {"number": "ORD-1001", "total": Decimal("125.50")}}


def _template(channel="email", language="en", **fields):
    defaults = {
        "email": dict(subject="Order {{ order.number }} confirmed",
                      body="Hello {{ customer.name }},\nyour total is {{ order.total }} SAR."),
        "sms": dict(subject="", body="Order {{ order.number }}: {{ order.total }} SAR"),
        "push": dict(subject="Order confirmed", body="{{ order.number }} is on its way"),
    }[channel]
    template = NotificationTemplate(key="order-confirmation", channel=channel, name=f"Order ({channel})",
                                    locale=Locale.objects.get(language_code=language),
                                    variables="customer.name, order.number, order.total", **{**defaults, **fields})
    template.full_clean()
    template.save()
    return template


def test_email_renders_subject_text_and_branded_html(alpha):
    branding = BrandingSettings.for_site(Site.objects.get())
    branding.brand_name = "Alpha Market"
    branding.primary_color = "#123456"
    branding.save()
    _template()

    message = render_notification("order-confirmation", "email", CONTEXT)
    assert message.subject == "Order ORD-1001 confirmed"
    assert message.body == "Hello Huda <3,\nyour total is 125.50 SAR."
    assert message.locale == "en"
    html = BeautifulSoup(message.html, "html.parser")
    assert html.title.text == "Order ORD-1001 confirmed"
    assert "Alpha Market" in html.text
    assert "#123456" in message.html
    assert "Huda &lt;3" in message.html  # values are escaped in HTML
    assert "<br>" in message.html  # the text part becomes paragraphs


def test_sms_and_push_render_plain_text(alpha):
    _template("sms")
    _template("push")
    assert render_notification("order-confirmation", "sms", CONTEXT).as_dict() == {
        "key": "order-confirmation", "channel": "sms", "locale": "en", "subject": "",
        "body": "Order ORD-1001: 125.50 SAR", "html": None}
    push = render_notification("order-confirmation", "push", CONTEXT)
    assert (push.subject, push.body) == ("Order confirmed", "ORD-1001 is on its way")


def test_unknown_placeholders_are_refused_by_name(alpha):
    _template()
    with pytest.raises(Unprocessable) as refused:
        render_notification("order-confirmation", "email", {"order": {"number": "ORD-1"}})
    assert refused.value.code == "unknown_placeholder"
    assert refused.value.fields == {"placeholders": ["customer.name", "order.total"]}
    assert "{{ customer.name }}" in refused.value.message


def test_the_language_asked_for_then_the_sites_then_english(alpha):
    _template("sms", "en", body="EN {{ order.number }}")
    _template("sms", "ar", body="AR {{ order.number }}")
    assert render_notification("order-confirmation", "sms", CONTEXT, locale="ar").body == "AR ORD-1001"
    fallback = render_notification("order-confirmation", "sms", CONTEXT, locale="fr")
    assert (fallback.locale, fallback.body) == ("en", "EN ORD-1001")


def test_inactive_or_missing_templates_are_not_found(alpha):
    _template("push", is_active=False)
    with pytest.raises(NotFound) as missing:
        render_notification("order-confirmation", "push", CONTEXT)
    assert missing.value.code == "notification_template_not_found"
    with pytest.raises(InvalidInput):
        render_notification("order-confirmation", "pigeon", CONTEXT)


@pytest.mark.parametrize("fields,field,message", [
    (dict(body="Hi {{ customer.phone }}"), "body", "Unknown placeholder(s) {{ customer.phone }}"),
    (dict(subject="Order {{ 1st }}"), "subject", "is not a placeholder"),
    (dict(body="Order {{ order.number }"), "body", "not closed"),
    (dict(subject=""), "subject", "An e-mail needs a subject."),
])
def test_editors_cannot_save_a_broken_email_template(alpha, fields, field, message):
    with pytest.raises(ValidationError) as invalid:
        _template(**fields)
    assert message in " ".join(invalid.value.message_dict[field])


def test_channel_limits_are_checked(alpha):
    with pytest.raises(ValidationError) as invalid:
        _template("sms", body="x" * 700)
    assert "sms" not in invalid.value.message_dict and "body" in invalid.value.message_dict
    with pytest.raises(ValidationError) as invalid:
        _template("push", subject="t" * 80, html_body="<p>no</p>")
    assert {"subject", "html_body"} <= set(invalid.value.message_dict)


def test_placeholder_parsing():
    assert placeholders("{{a}} and {{ b.c }} and {{a}}") == ["a", "b.c"]
    with pytest.raises(TemplateSyntaxProblem):
        placeholders("{{ a b }}")
