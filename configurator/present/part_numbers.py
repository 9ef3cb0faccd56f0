"""How a part's maker and part number read on paper (quotes, build sheets): the vendor on one line and the
manufacturer's part number below it, never the catalog's internal id. A part without a public number says
so in a word ("no part number"); an in-house service says it is one."""

from __future__ import annotations

NO_NUMBER = "no part number"
BUNDLE = " + "  # a bundle of two parts (CPU + board) lists both numbers


def part_number_cell(vendor: str, mfr_part_number: str) -> str:
    """'Supermicro\\nAS-8125GS-TNHR'; 'AMD\\n100-000000790\\n+ MBD-H13SSL-N-O'; 'NVIDIA\\nno part number';
    'in-house service'."""
    vendor = (vendor or "").strip()
    number = (mfr_part_number or "").strip()
    if vendor == "in-house":
        return "in-house service"
    if not number:
        return "\n".join(filter(None, (vendor, NO_NUMBER)))
    # Each number on its own line (a bundle breaks at its '+'), so no number is ever wrapped inside.
    lines = number.split(BUNDLE)
    return "\n".join(filter(None, (vendor, lines[0], *(f"+ {n}" for n in lines[1:]))))
