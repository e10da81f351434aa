"""Abstract bases of the commerce models."""
from django.db import models


class Timestamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def metadata_field():
    """Free-form JSON every public object carries (the CMS writes its canonical keys here)."""
    return models.JSONField(default=dict, blank=True)


def currency_field(**kwargs):
    kwargs.setdefault("max_length", 3)
    kwargs.setdefault("help_text", "ISO 4217 code, upper case (SAR)")
    return models.CharField(**kwargs)
