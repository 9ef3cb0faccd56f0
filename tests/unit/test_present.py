"""The wording module: each figure's format, and the sentences built from core objects."""

from __future__ import annotations

from decimal import Decimal

import pytest

from configurator import present
from configurator.core.rules.findings import error, info, warning
from configurator.core.sizing import MemoryBreakdown


@pytest.mark.parametrize("value, currency, text", [
    (Decimal("1234567.5"), "USD", "$1,234,567.50"), (Decimal("-5"), "EUR", "-€5.00"),
    (Decimal("1234"), "CHF", "CHF 1,234.00"), (Decimal("0.005"), "GBP", "£0.01"), (Decimal("2.675"), "", "2.68"),
])
def test_money_is_half_up_to_the_cent_with_symbol_or_code(value, currency, text):
    assert present.money(value, currency) == text


def test_money_code_and_no_float():
    assert present.money_code(Decimal("1234567.5"), "USD") == "USD 1,234,567.50"
    with pytest.raises(TypeError):
        present.amount(0.1)


@pytest.mark.parametrize("seconds, text", [
    (0.4, "400 ms"), (4.34, "4.3 s"), (119, "119.0 s"), (121, "2 min"), (7199, "120 min"), (7201, "2.0 h"),
    (3 * 86400, "3.0 days"), (float("inf"), "not feasible"), (float("nan"), "not feasible"),
])
def test_duration_picks_its_unit(seconds, text):
    assert present.duration(seconds) == text


def test_counts_shares_speeds_memory_tokens():
    assert [present.count(n, "warning") for n in (0, 1, 2)] == ["0 warnings", "1 warning", "2 warnings"]
    assert present.count(1200, "user") == "1,200 users" and present.count(2, "GPU") == "2 GPUs"
    assert present.share(0.384) == "38%" and present.share(0.004) == "0.4%" and present.share(0) == "0%"
    assert present.tokens_per_s(45.24) == "45.2 tok/s" and present.tokens_per_s(1234.4) == "1,234 tok/s"
    gib = 2**30  # the datasheet GB: an 80 GB H100 holds 80 x 2^30 bytes
    assert present.memory(80 * gib) == "80 GB" and present.memory(79.64 * gib) == "79.6 GB"
    assert present.memory_value(141 * gib) == 141.0
    assert present.tokens(1e8) == "100 million tokens" and present.tokens(2.4e12) == "2.4 trillion tokens"
    assert present.percent(Decimal("12.50")) == "12.5%"


def _mem(total_gb: float, capacity_gb: float) -> MemoryBreakdown:
    return MemoryBreakdown(total_gb * 2**30, 0, 0, 0, 0, 0, capacity_gb * 2**30)


def test_memory_fit_sentence_over_and_under():
    assert present.memory_fit(_mem(61.2, 80)) == "61.2 GB of 80 GB per GPU: fits, 18.8 GB free"
    assert present.memory_fit(_mem(97.9, 80)) == "97.9 GB of 80 GB per GPU: over by 17.9 GB"


def test_findings_summary_and_compatibility_line():
    findings = [warning("A", "a"), info("B", "b"), info("C", "c")]
    assert present.findings_summary(findings) == "0 errors, 1 warning, 2 notes"
    assert present.compatibility_line(findings) == "Compatibility check passed: no errors, 1 warning."
    assert present.compatibility_line([]) == "Compatibility check passed: no errors, no warnings."
    assert present.compatibility_line([error("X", "x")]) == "Compatibility check failed: 1 error."


def test_chart_labels():
    assert present.users_limit_label(0) == "weights do not fit"
    assert present.users_limit_label(1) == "memory limit: 1 user"
    assert present.users_fit_label(8192, 60, 4) == "8,192 tokens: 60 users fit (you: 4)"
