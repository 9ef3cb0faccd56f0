"""Fuzzing numbers as people type them: the window's locale reader (core/quotes/entry.py) and the command
line's plain reader (core/money.to_decimal). Whatever the text, the answer is the exact number a person
meant or an InvalidInputError naming the field, in one line; a comma is never dropped on the command line,
and a mark of the other convention is never read as a thousands separator."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.core.errors import InvalidInputError
from configurator.core.money import to_decimal
from configurator.core.quotes.entry import parse_typed

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LOCALES = [(".", ","), (",", "."), (",", "\u202f"), (".", "'")]  # en, de, fr, de-CH
typed = st.one_of(
    st.text(alphabet="0123456789.,-+ \u202f'e_٣", max_size=14),
    st.text(max_size=10),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
)


@FUZZ
@given(text=typed, marks=st.sampled_from(LOCALES))
def test_fuzz_the_locale_reader(text, marks):
    point, group = marks
    try:
        value = parse_typed(text, "exchange rate", point, group)
    except InvalidInputError as exc:
        assert str(exc).startswith("exchange rate") and "\n" not in str(exc)
        return
    assert isinstance(value, Decimal) and value.is_finite()
    digits = "".join(c for c in text if c.isdigit())
    assert digits and all(c in "0123456789" for c in digits)  # only ASCII digits are read
    if point not in text:
        assert value == value.to_integral_value()  # no decimal mark typed: a whole number, never a fraction


@FUZZ
@given(text=typed)
def test_fuzz_the_command_line_reader(text):
    try:
        value = to_decimal(text, "--discount")
    except InvalidInputError as exc:
        assert str(exc).startswith("--discount") and "\n" not in str(exc)
        return
    assert "," not in text and "_" not in text and value.is_finite()
    assert value == Decimal(text.strip())


@pytest.mark.parametrize("text,marks,expected", [
    ("0,92", (",", "."), Decimal("0.92")), ("1.234,5", (",", "."), Decimal("1234.5")),
    ("1,234.5", (".", ","), Decimal("1234.5")), ("1\u202f234,5", (",", "\u202f"), Decimal("1234.5")),
    ("1 234,5", (",", "\u202f"), Decimal("1234.5")), ("-3", (".", ","), Decimal(-3)),
])
def test_what_people_type_reads_as_they_mean_it(text, marks, expected):
    assert parse_typed(text, "amount", *marks) == expected


@pytest.mark.parametrize("text,marks", [("0.92", (",", ".")), ("0,92", (".", ",")), ("1,23,456", (".", ",")),
                                        ("5,5", (".", ",")), ("", (".", ",")), ("1e3", (".", ","))])
def test_ambiguous_input_is_refused_not_guessed(text, marks):
    with pytest.raises(InvalidInputError):
        parse_typed(text, "amount", *marks)
