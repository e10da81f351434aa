"""Money arithmetic: `Decimal` amounts with an ISO currency, rounded half-up to its minor unit.

Amounts are stored with four decimal places (see `money_field`) and rounded to the currency's
minor unit wherever a figure is shown, charged or totalled. Stripe receives integer minor units.
"""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models

# ISO 4217 minor units that differ from the usual two.
_MINOR_UNITS = {
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    "JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "UGX": 0, "XAF": 0, "XOF": 0,
}
ZERO = Decimal("0")


def minor_unit(currency: str) -> int:
    return _MINOR_UNITS.get(currency.upper(), 2)


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_unit(currency))


def to_decimal(value) -> Decimal:
    """Accept Decimal, int or a numeric string; refuse floats, which cannot carry money exactly."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError("money must be Decimal, int or str, never float or bool")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a decimal amount: {value!r}") from None


def round_money(amount, currency: str) -> Decimal:
    return to_decimal(amount).quantize(quantum(currency), rounding=ROUND_HALF_UP)


def to_minor(amount, currency: str) -> int:
    """`Decimal('12.35')`, 'SAR' → 1235 (what Stripe expects)."""
    return int(round_money(amount, currency).scaleb(minor_unit(currency)))


def from_minor(units: int, currency: str) -> Decimal:
    return Decimal(int(units)).scaleb(-minor_unit(currency)).quantize(quantum(currency))


def percent_of(amount, rate, currency: str) -> Decimal:
    """`rate` is a fraction (0.15 for 15 %)."""
    return round_money(to_decimal(amount) * to_decimal(rate), currency)


def fmt(amount, currency: str) -> str:
    """The amount as a string with exactly the currency's minor digits, for API responses."""
    return str(round_money(amount, currency))


def money_field(**kwargs) -> models.DecimalField:
    kwargs.setdefault("max_digits", 18)
    kwargs.setdefault("decimal_places", 4)
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(**kwargs)
