"""Stable, prefixed, time-ordered string ids for public objects (`prod_01JD…`, `order_01JD…`).

The id is the prefix, an underscore and a 26-character ULID (48-bit millisecond timestamp plus
80 random bits, Crockford base32), so ids sort by creation time and never collide in practice.
"""
import os
import time

from django.db import models

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid() -> str:
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    return f"{prefix}_{ulid()}"


class PrefixedIdField(models.CharField):
    """A primary-key CharField that fills itself with `new_id(prefix)` on first save."""

    def __init__(self, *args, prefix: str, **kwargs):
        self.prefix = prefix
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def get_default(self):
        return new_id(self.prefix)

    def has_default(self):
        return True

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["prefix"] = self.prefix
        if kwargs.get("max_length") == 40:
            kwargs.pop("max_length")
        # __init__ defaults primary_key to True and editable to False: record only departures.
        kwargs.pop("primary_key", None)
        kwargs.pop("editable", None)
        if not self.primary_key:
            kwargs["primary_key"] = False
        if self.editable:
            kwargs["editable"] = True
        return name, path, args, kwargs
