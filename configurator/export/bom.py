"""The bill of materials as CSV: one row per priced line, money as exact decimal strings.

The customer edition has list prices only (built from ``customer_view``: no cost reaches it); the internal
edition adds unit cost, cost and margin. Text cells that a spreadsheet would run as a formula (a part name
starting with =, +, -, @, tab or CR) are written with a leading apostrophe; numbers are written as they
are. Written whole or not at all: a temporary file, read back, fsynced, renamed.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

from configurator.export.files import fsync_dir, remove_quietly, temp_for, write_text_checked
from configurator.export.formatting import customer_view, ensure_customer_safe, neutralise_cell

if TYPE_CHECKING:
    from configurator.core.pricing import PriceSheet

COLUMNS = ("line", "part_id", "vendor", "mfr_part_number", "kind", "description", "quantity", "currency",
           "unit_price", "discount_percent", "discount", "amount")
INTERNAL_COLUMNS = ("unit_cost", "cost", "margin")
TEXT_COLUMNS = {"part_id", "vendor", "mfr_part_number", "kind", "description", "currency"}  # the rest are numbers we wrote ourselves


def bom_csv(sheet: "PriceSheet", edition: str = "customer", reference: str = "") -> str:
    internal = edition == "internal" and sheet.has_costs
    if not internal:
        sheet = customer_view(sheet)
        ensure_customer_safe(sheet, "bill of materials")
    out = io.StringIO()
    # RFC 4180 line ends: a cell holding a lone CR or LF is then always quoted (with "\n" alone a CR was not)
    writer = csv.writer(out, lineterminator="\r\n")
    header = COLUMNS + (INTERNAL_COLUMNS if internal else ())
    writer.writerow(header)
    for i, l in enumerate(sheet.lines, 1):
        row = [i, l.id, l.vendor, l.mfr_part_number, l.kind, l.name, l.quantity, sheet.currency, l.unit_price,
               l.discount_percent, l.discount, l.total]
        if internal:
            row += ["" if l.unit_cost is None else l.unit_cost, "" if l.cost is None else l.cost,
                    "" if l.margin is None else l.margin]
        writer.writerow(_cells(header, row))
    for label, value in (("subtotal", sheet.subtotal), ("discount", sheet.discount), ("tax", sheet.tax),
                         ("total", sheet.total)):
        row = ["", label, "", "", "", reference if label == "total" else "", "", sheet.currency, "", "", "", value]
        writer.writerow(_cells(header, row + ([""] * 3 if internal else [])))
    return out.getvalue()


def _cells(header: tuple[str, ...], row: list) -> list[str]:
    return [neutralise_cell(str(v)) if name in TEXT_COLUMNS else str(v) for name, v in zip(header, row)]


def write_text_atomic(path: str | Path, text: str) -> Path:
    path = Path(path)
    tmp = temp_for(path)
    try:
        write_text_checked(tmp, text, shown=path)
        os.replace(tmp, path)
    except BaseException:
        remove_quietly(tmp)
        raise
    fsync_dir(path.parent if str(path.parent) else Path("."))
    return path


def write_bom(path: str | Path, sheet: "PriceSheet", edition: str = "customer", reference: str = "") -> Path:
    return write_text_atomic(path, bom_csv(sheet, edition, reference))
