"""Prefixed ids and money arithmetic: the conventions every app relies on."""
from decimal import Decimal

import pytest

from cityos import money
from cityos.ids import PrefixedIdField, new_id


def test_ids_carry_their_prefix_and_sort_by_creation_time():
    ids = [new_id("prod") for _ in range(50)]
    assert all(i.startswith("prod_") and len(i) == 31 for i in ids)
    assert len(set(ids)) == 50
    earlier, later = new_id("order"), None
    import time

    time.sleep(0.002)
    later = new_id("order")
    assert earlier < later


@pytest.mark.parametrize("kwargs", [{}, {"primary_key": False, "unique": True}, {"editable": True}, {"max_length": 60}])
def test_prefixed_id_field_survives_a_migration_round_trip(kwargs):
    field = PrefixedIdField(prefix="evt", **kwargs)
    _name, _path, args, rebuilt_kwargs = field.deconstruct()
    rebuilt = PrefixedIdField(*args, **rebuilt_kwargs)
    for attribute in ("prefix", "primary_key", "editable", "max_length", "unique"):
        assert getattr(rebuilt, attribute) == getattr(field, attribute), attribute
    assert rebuilt.get_default().startswith("evt_")


@pytest.mark.parametrize("amount, currency, expected", [
    ("10.005", "SAR", Decimal("10.01")),   # half-up, not banker's rounding
    ("10.004", "SAR", Decimal("10.00")),
    ("2.5", "JPY", Decimal("3")),
    ("1.0005", "KWD", Decimal("1.001")),
    (-1, "SAR", Decimal("-1.00")),
])
def test_rounding_is_half_up_to_the_minor_unit(amount, currency, expected):
    assert money.round_money(amount, currency) == expected


def test_minor_units_round_trip():
    assert money.to_minor(Decimal("12.35"), "SAR") == 1235
    assert money.to_minor("1.2345", "KWD") == 1235
    assert money.to_minor("150", "JPY") == 150
    assert money.from_minor(1235, "SAR") == Decimal("12.35")
    assert money.fmt("7", "SAR") == "7.00"


def test_percent_of_rounds_the_result():
    assert money.percent_of("99.99", "0.15", "SAR") == Decimal("15.00")  # 14.9985 → 15.00
    assert money.percent_of("1000", "0.035", "SAR") == Decimal("35.00")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        money.round_money(0.1, "SAR")
    with pytest.raises(ValueError):
        money.to_decimal("ten")
