"""What customers spot on paper, read back from real PDFs with pdftotext (poppler): no PSU advice without a fix,
wall-circuit advice that names a larger circuit, the AMD board labelled for AMD, plurals right, part numbers."""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from decimal import Decimal

import pytest

from configurator.core.analysis import analyze
from configurator.core.buildfile import from_dict, load
from configurator.core.pricing import price_build
from configurator.core.quotes import DiscountPolicy, approval
from configurator.export.build_sheet import build_sheet_document
from configurator.export.pdf import write_pdf
from configurator.export.quote_content import quote_document
from tests.export.conftest import EXAMPLES

WRONG_PLURALS = re.compile(r"\b1 (errors|warnings|notes|users|GPUs|nodes|months)\b|\b(0|[2-9]\d*) (error|warning|note)\b")


def _text(path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return unicodedata.normalize("NFKC", out.stdout)  # the fonts' ligatures ("ﬁ") as letters


def _sheet(tmp_path, build, catalog, name) -> str:
    path = tmp_path / f"{name}.pdf"
    write_pdf(build_sheet_document(build, analyze(build, catalog), _branding()), path)
    return _text(path)


def _branding():
    from configurator.export.branding import load_branding

    return load_branding()


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", ["hgx-8x-h200", "cluster-4x8-h100", "hgx-8x-b200", "ws-2x-rtxpro6000-maxq"])
def test_quotes_of_valid_examples_carry_no_psu_advice_without_a_fix(tmp_path, catalog, make_quote, name):
    build = load(EXAMPLES / f"{name}.json", catalog)
    analysis = analyze(build, catalog)
    quote = make_quote(build)
    sheet = price_build(build, tax_percent=Decimal(20))
    path = tmp_path / "quote.pdf"
    write_pdf(quote_document(quote, build, analysis, sheet, approval(quote, DiscountPolicy()), _branding(),
                             "customer"), path, analysis)
    text = _flat(_text(path))
    assert "Consider larger PSUs" not in text and "PSU_HEADROOM" not in text
    assert not WRONG_PLURALS.search(text), WRONG_PLURALS.search(text).group(0)
    assert "Compatibility check passed" in text
    for item in (build.chassis, *(i.part for i in build.psus)):  # vendor and maker's number, never our id
        assert item.id not in text
        if item.mfr_part_number:
            assert item.mfr_part_number in text


def test_the_hgx_build_sheet_notes_the_headroom_for_the_technician_without_advice(tmp_path, catalog):
    text = _flat(_sheet(tmp_path, load(EXAMPLES / "hgx-8x-h200.json", catalog), catalog, "h200"))
    assert "Note (PSU_HEADROOM)" in text and "largest unit this chassis takes" in text
    assert "Consider larger PSUs" not in text and "Info (" not in text
    assert "NVLink and network cabling" in text and "through the HGX baseboard" in text


def test_an_amd_build_sheet_speaks_of_oam_and_infinity_fabric(tmp_path, catalog):
    data = json.loads((EXAMPLES / "hgx-8x-h200.json").read_text())
    data.update(chassis="chassis-oam-mi300x-8gpu", gpus=[{"id": "mi325x", "quantity": 8}], name="MI325X server")
    text = _flat(_sheet(tmp_path, from_dict(data, catalog), catalog, "mi325x"))
    assert "Infinity Fabric and network cabling" in text and "OAM universal baseboard" in text
    assert "HGX" not in text and "NVLink:" not in text  # board, cabling and lane map alike
    assert "OAM board, PCIe 5.0" in text  # the lane map names the board too
    assert "AS-8125GS-TNMR2" in text  # the OAM server's own part number


def test_wall_circuit_advice_on_paper_names_a_circuit_that_is_larger(tmp_path, catalog):
    build = load(EXAMPLES / "ws-4x-rtxpro6000-we-overpowered.json", catalog)
    text = _flat(_sheet(tmp_path, build, catalog, "hot"))
    assert "DO NOT BUILD" in text
    assert "e.g. 240 V" not in text and "higher-rated" not in text
    assert "Use a 240 V 20 A (NEMA 6-20 / L6-20) circuit (3,840 W continuous)" in text
    data = json.loads((EXAMPLES / "hgx-8x-h200.json").read_text())
    data["circuit"] = "240v-30a"  # a server on a single 240 V 30 A circuit: the advice goes up, not "to 240 V"
    text = _flat(_sheet(tmp_path, from_dict(data, catalog), catalog, "h200-30a"))
    assert "208 V 60 A three-phase" in text and "e.g. 240 V" not in text
