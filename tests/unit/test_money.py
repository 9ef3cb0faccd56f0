"""Exact money: half-up to the cent, no float accepted, no float produced."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from configurator.core.errors import InvalidInputError
from configurator.core.money import cents, check_percent, percent_of, to_decimal

CORE = Path(__file__).resolve().parents[2] / "configurator" / "core"


@pytest.mark.parametrize("value,expected", [
    ("0.005", "0.01"), ("0.004", "0.00"), ("2.675", "2.68"), ("1.115", "1.12"), ("-0.005", "-0.01"),
    ("10", "10.00"), ("0.0149999", "0.01"),
])
def test_half_up_to_the_cent(value, expected):
    assert str(cents(Decimal(value))) == expected


def test_float_is_refused():
    with pytest.raises(TypeError):
        to_decimal(0.1)
    with pytest.raises(InvalidInputError):
        to_decimal(True)
    with pytest.raises(InvalidInputError):
        to_decimal("12,3x")
    with pytest.raises(InvalidInputError):
        to_decimal("NaN")
    with pytest.raises(InvalidInputError, match="comma"):  # never dropped: 0,92 is not 92
        to_decimal("1,299.50")
    assert to_decimal("1299.50") == Decimal("1299.50")


def test_percent_bounds():
    assert check_percent("12.5", "discount") == Decimal("12.5")
    for bad in ("-1", "100.01"):
        with pytest.raises(InvalidInputError):
            check_percent(bad, "discount")
    assert percent_of(Decimal("19.99"), Decimal("15")) == Decimal("3.00")  # 2.9985 -> 3.00


@given(st.decimals(min_value=-10**9, max_value=10**9, allow_nan=False, allow_infinity=False, places=6))
def test_rounding_is_exact_and_within_half_a_cent(value):
    rounded = cents(value)
    assert isinstance(rounded, Decimal) and rounded.as_tuple().exponent == -2
    assert abs(rounded - value) <= Decimal("0.005")
    assert cents(rounded) == rounded


def _float_uses(path: Path) -> list[str]:
    """Float literals and float(...) calls in a source file."""
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, float):
            found.append(f"{path.name}:{node.lineno} literal {node.value}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float":
            found.append(f"{path.name}:{node.lineno} float()")
    return found


def test_money_code_has_no_float():
    assert _float_uses(CORE / "money.py") == []
    assert _float_uses(CORE / "pricing.py") == []
