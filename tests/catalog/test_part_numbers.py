"""Manufacturer part numbers and vendors (db/part_numbers.csv) on every sellable part, in the catalog, the BOM
CSV, the quote and the build sheet; a part number is never wrapped inside on paper, and no internal id shows."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import pytest

from configurator.catalog.build import build_catalog
from configurator.catalog.sources import CatalogSourceError
from configurator.core import parts
from configurator.core.analysis import analyze
from configurator.core.buildfile import load
from configurator.core.pricing import price_build
from configurator.export.bom import bom_csv
from configurator.export.build_sheet import build_sheet_document
from configurator.export.pdf import write_pdf
from configurator.paths import db_dir
from tests.unit.test_build_helpers import EXAMPLES

WHY_NONE = ("no ", "generic", "estimate", "in-house")  # what the source says when there is no number


def _rows() -> dict[str, dict]:
    with (db_dir() / "part_numbers.csv").open(newline="", encoding="utf-8") as fh:
        return {r["id"]: r for r in csv.DictReader(fh)}


def test_every_sellable_part_has_a_vendor_and_a_number_or_a_reason(catalog):
    rows = _rows()
    for kind in parts.SELLABLE_KINDS:
        for part in catalog.list(kind):
            if not getattr(part, "sellable", True):
                continue
            assert part.id in rows, f"{part.id} has no row in db/part_numbers.csv"
            assert part.vendor, part.id
            row = rows[part.id]
            assert row["source"].strip(), part.id
            assert part.mfr_part_number == row["mfr_part_number"].strip()
            if not part.mfr_part_number:
                assert any(w in row["source"].lower() for w in WHY_NONE), (part.id, row["source"])


def test_numbers_named_in_the_part_sources_are_the_ones_used(catalog):
    # network.csv names the ConnectX-7 NDR card's ordering number; storage.csv the PM9A3's model code
    assert catalog.nic("nic-cx7-ndr-400g").mfr_part_number == "MCX75310AAS-NEAT"
    assert catalog.get("storage", "nvme-samsung-pm9a3-3840gb").mfr_part_number.startswith("MZQL23T8HCLS")
    # a GPU keeps the vendor of gpus.csv (its sizing class), whatever part_numbers.csv says
    assert catalog.gpu("mi325x").vendor == "AMD" and catalog.gpu("h100-pcie").vendor == "NVIDIA"
    assert catalog.chassis("chassis-hgx-b200-8gpu").vendor == "Supermicro"


def test_an_unknown_id_in_part_numbers_fails_the_build(tmp_path):
    src = tmp_path / "db"
    shutil.copytree(db_dir(), src)
    with (src / "part_numbers.csv").open("a", encoding="utf-8") as fh:
        fh.write("no-such-part,Acme,X-1,made up for the test\n")
    with pytest.raises(CatalogSourceError, match="part_numbers.csv line .*unknown part id 'no-such-part'"):
        build_catalog(tmp_path / "c.sqlite", source_dir=src)
    assert not (tmp_path / "c.sqlite").exists()


@pytest.mark.parametrize("name", ["cluster-4x8-h100", "ws-2x-rtxpro6000-maxq", "hgx-8x-b200"])
def test_the_bom_csv_carries_vendor_and_manufacturer_part_number(catalog, name):
    build = load(EXAMPLES / f"{name}.json", catalog)
    rows = [r for r in csv.DictReader(io.StringIO(bom_csv(price_build(build), "customer"))) if r["line"]]
    by_id = {r["part_id"]: r for r in rows}
    for r in rows:
        part = catalog.find(r["part_id"])[1]
        assert r["vendor"] == part.vendor and r["mfr_part_number"] == part.mfr_part_number
    assert all(r["vendor"] for r in rows)
    if name == "cluster-4x8-h100":
        assert by_id["nic-cx7-ndr-400g"]["mfr_part_number"] == "MCX75310AAS-NEAT"


def _pdftotext(path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


def test_part_numbers_print_whole_and_no_internal_id_shows(tmp_path, catalog):
    from configurator.export.branding import load_branding

    for name in ("ws-2x-rtxpro6000-maxq", "cluster-4x8-h100"):
        build = load(EXAMPLES / f"{name}.json", catalog)
        path = tmp_path / f"{name}.pdf"
        write_pdf(build_sheet_document(build, analyze(build, catalog), load_branding()), path)
        lines = _pdftotext(path)
        text = "\n".join(lines)
        numbers = [n for item in (build.chassis, build.platform, *(i.part for i in build.psus),
                                  *(i.part for i in build.memory), *(i.part for i in build.storage),
                                  *(i.part for i in build.network))
                   for n in item.mfr_part_number.split(" + ") if n]
        assert numbers
        for number in numbers:  # each number whole on one printed line
            assert any(number in line for line in lines), (name, number)
        for item in (build.chassis, build.platform, *(i.part for i in build.psus)):
            assert item.id not in text, (name, item.id)



def test_every_part_number_fits_its_column_unbroken(qapp):
    """Measured with the PDF layout's own font at print resolution: the widest catalog number fits the
    quote's and the build sheet's part number column on one line."""
    from configurator.export import quote_content
    from configurator.export.pdf_layout import Layout

    layout = Layout(dpi=1200)
    layout.font("table")
    metrics = layout.metrics["table"]
    numbers = [n for r in _rows().values() for n in r["mfr_part_number"].split(" + ") if n]
    widest = max(numbers, key=metrics.horizontalAdvance)
    inner = quote_content.PART_NUMBER_COLUMN.width * layout.width - 2 * layout.mm(1.3)
    assert metrics.horizontalAdvance(widest) <= inner, (widest, metrics.horizontalAdvance(widest), inner)
