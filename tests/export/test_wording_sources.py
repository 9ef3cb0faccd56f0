"""The formats of money and memory exist once, in configurator/present."""

from __future__ import annotations

from tests.export.conftest import EXAMPLES


def test_no_module_outside_present_formats_money_or_memory_itself():
    """The formats live in configurator/present: no other module writes a thousands-grouped two-place amount,
    or divides bytes into GB for a label."""
    import re

    root = EXAMPLES.parents[1] / "configurator"
    money_format = re.compile(r":,\.2f\}")
    gb_label = re.compile(r"/ GB[:,)].*GB|/ GB\b.*\" GB")
    gb_defined = re.compile(r"^GB = ")
    offenders = []
    for path in root.rglob("*.py"):
        if "present" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for i, line in enumerate(text.splitlines(), 1):
            if money_format.search(line) or gb_label.search(line) or (
                    gb_defined.search(line) and path.name != "units.py"):
                offenders.append(f"{path.relative_to(root)}:{i}: {line.strip()}")
    assert offenders == []
