"""The bill of materials as CSV: one row per priced line, money as exact decimal strings.

The customer edition has list prices only; the internal edition adds unit cost, cost and margin.
Written atomically (temporary file, then rename) so a failed export leaves no half file.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from configurator.export.formatting import ensure_customer_safe

if TYPE_CHECKING:
    from configurator.core.pricing import PriceSheet

COLUMNS = ("line", "part_id", "kind", "description", "quantity", "currency", "unit_price", "discount_percent",
           "discount", "amount")
INTERNAL_COLUMNS = ("unit_cost", "cost", "margin")


def bom_csv(sheet: "PriceSheet", edition: str = "customer", reference: str = "") -> str:
    internal = edition == "internal" and sheet.has_costs
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS + (INTERNAL_COLUMNS if internal else ()))
    for i, l in enumerate(sheet.lines, 1):
        row = [i, l.id, l.kind, l.name, l.quantity, sheet.currency, l.unit_price, l.discount_percent, l.discount,
               l.total]
        if internal:
            row += ["" if l.unit_cost is None else l.unit_cost, "" if l.cost is None else l.cost,
                    "" if l.margin is None else l.margin]
        writer.writerow([str(v) for v in row])
    for label, value in (("subtotal", sheet.subtotal), ("discount", sheet.discount), ("tax", sheet.tax),
                         ("total", sheet.total)):
        writer.writerow(["", label, "", reference if label == "total" else "", "", sheet.currency, "", "", "",
                         str(value)] + ([""] * 3 if internal else []))
    text = out.getvalue()
    if not internal:
        ensure_customer_safe(text.splitlines(), "bill of materials")
    return text


def write_text_atomic(path: str | Path, text: str) -> Path:
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_bom(path: str | Path, sheet: "PriceSheet", edition: str = "customer", reference: str = "") -> Path:
    return write_text_atomic(path, bom_csv(sheet, edition, reference))
