"""The lane map and the DIMM population on the build sheet: every example's PDF, read back, shows each slot row in
board order with the core's sentence for it, each channel's slots filled or empty, and the speed the memory runs
at; a narrowed slot is on paper, drawn in red lane by lane."""

from __future__ import annotations

import pytest

from configurator.core.analysis import analyze
from configurator.core.configuration.lanes import dimm_population, lane_map
from configurator.export import lane_drawing, pdf_layout
from configurator.export.build_sheet import build_sheet_document
from configurator.export.lane_diagram import LaneDiagram, lane_diagram
from configurator.export.pdf import write_pdf
from tests.export.conftest import EXAMPLES, pdf_pages, squeeze
from tests.unit.test_build_helpers import WORKSTATION, make

NAMES = sorted(p.stem for p in EXAMPLES.glob("*.json"))
AM5 = dict(platform="plat-ryzen-9950x-x870e", memory=[{"id": "ram-ddr5-udimm-32gb", "quantity": 4}],
           psus=[{"id": "psu-atx-1600w", "quantity": 1}])
MAXQ = "rtx-pro-6000-maxq"
SECTION = "PCIe lanes and memory population"


def _sheet_text(tmp_path, build, analysis, branding) -> str:
    path = tmp_path / "sheet.pdf"
    write_pdf(build_sheet_document(build, analysis, branding), path, analysis, charts=False)
    flat = squeeze(" ".join(pdf_pages(path)))
    start = flat.find(squeeze(SECTION))
    assert start >= 0, "the build sheet has no lane and memory section"
    return flat[start:]


def _in_order(text: str, pieces: list[str], what: str) -> None:
    at = 0
    for piece in pieces:
        found = text.find(squeeze(piece), at)
        assert found >= 0, f"{what}: '{piece}' not on the sheet (after position {at})"
        at = found + len(squeeze(piece))


@pytest.mark.parametrize("name", NAMES)
def test_every_example_sheet_shows_its_lane_map_and_dimm_population(tmp_path, example, branding, name):
    build, analysis = example(name)
    text = _sheet_text(tmp_path, build, analysis, branding)
    lanes = lane_map(build)
    assert lanes.slots, name
    if build.nodes > 1:  # a cluster's drawing is of one node, and says so
        assert squeeze(f"One node of {build.nodes}") in text, name
    # each slot row in board order: its name, what is in it, and the core's sentence for it
    pieces = []
    for s in lanes.slots:
        pieces += [s.name] + ([f"{s.device}: {s.part_name}"] if s.device else []) + [s.label]
    _in_order(text, pieces, f"{name} slot rows")
    _in_order(text, [p for m2 in lanes.m2 for p in (m2.name, m2.drive_name or "empty")], f"{name} M.2")
    pop = dimm_population(build)
    assert pop.channels, name
    tiles = []
    for ch in pop.channels:  # every channel's slots as filled (capacity, ranks) or empty, in channel order
        cells = [f"{d.slot}{d.capacity_gb}GB{d.ranks}R" for d in ch.dimms]
        cells += [f"{slot}empty" for slot in "AB"[len(ch.dimms):pop.slots_per_channel]]
        tiles.append(f"Ch{ch.channel}" + "".join(cells))
    _in_order(text, tiles, f"{name} channels")
    assert f"{pop.speed_mts}MT/s" in text, name
    for limit in pop.limits:
        assert squeeze(limit) in text, (name, limit)
    for d in {d.part_id: d for ch in pop.channels for d in ch.dimms}.values():
        n = sum(1 for ch in pop.channels for x in ch.dimms if x.part_id == d.part_id)
        assert squeeze(f"{n} x {d.name}") in text, (name, d.name)


def _ops(build, branding):
    analysis = analyze(build, build.catalog)
    layout = pdf_layout.lay_out(build_sheet_document(build, analysis, branding), 300)
    return [op for page in layout.pages for op in page]


def test_a_narrowed_slot_is_on_paper_in_red(tmp_path, catalog, branding):
    """Two cards on a desktop board split the CPU's x16: both run at x8, the sentence is printed and highlighted,
    and the lanes each card does not get are drawn red."""
    build = make(catalog, WORKSTATION, **AM5, gpus=[{"id": MAXQ, "slot": 1}, {"id": MAXQ, "slot": 4}])
    narrowed = [s for s in lane_map(build).slots if s.narrowed]
    assert len(narrowed) == 2 and all(s.lanes < s.device_lanes for s in narrowed)
    text = _sheet_text(tmp_path, build, analyze(build, catalog), branding)
    for s in narrowed:
        assert squeeze(s.label) in text and f"x{s.lanes}" in s.label
    ops = _ops(build, branding)
    labels = {op.text: op.style for op in ops if op.kind == "text"}
    assert all(labels[s.label] == "dg_alert" for s in narrowed)
    red = [op for op in ops if op.kind == "fill" and op.color == lane_drawing.SHARED_AWAY]
    legend = 1  # the legend's red square
    assert len(red) - legend == sum(min(s.device_lanes, s.electrical_lanes) - s.lanes for s in narrowed)


def test_an_m2_drive_that_narrows_a_slot_shows_on_the_sheet(tmp_path, catalog, branding):
    """Four M.2 drives on the AM5 board: the NIC in the chipset slot runs at x2 because of M.2_4."""
    build = make(catalog, WORKSTATION, **AM5, gpus=[{"id": MAXQ, "slot": 1}],
                 network=[{"id": "nic-cx6dx-1x100gbe"}], storage=[{"id": "nvme-samsung-990pro-2tb", "quantity": 4}])
    nic = next(s for s in lane_map(build).slots if s.device.startswith("NIC"))
    assert nic.narrowed and nic.shared_with == ("M.2_4",)
    text = _sheet_text(tmp_path, build, analyze(build, catalog), branding)
    assert squeeze(nic.label) in text and "M.2_4" in nic.label
    ops = _ops(build, branding)
    # lanes the card has that the x4 slot does not wire: outlined in red, one per lane
    missing = [op for op in ops if op.kind == "box" and op.color == lane_drawing.SHARED_AWAY]
    legend = 1  # the legend's red outline
    assert len(missing) - legend == min(nic.device_lanes, lane_drawing.MAX_LANES) - nic.electrical_lanes


def test_the_dimm_speed_says_why_it_is_lower(tmp_path, catalog, branding):
    """2 DIMMs per channel on the desktop board: the sheet gives the speed and the reason."""
    build = make(catalog, WORKSTATION, **AM5, gpus=[{"id": MAXQ, "slot": 1}])
    pop = dimm_population(build)
    assert pop.dimms_per_channel == 2 and pop.speed_mts < pop.rated_mts and pop.limits
    text = _sheet_text(tmp_path, build, analyze(build, catalog), branding)
    assert f"{pop.speed_mts}MT/s" in text and f"{pop.rated_mts}MT/s" in text
    assert all(squeeze(limit) in text for limit in pop.limits)
    diagram = lane_diagram(build)
    assert diagram.slower and all(c.module == 0 for cpu in diagram.cpus for ch in cpu.channels for c in ch.cells)


def test_a_build_without_chassis_or_platform_still_gets_a_sheet(tmp_path, catalog, branding):
    build = make(catalog, WORKSTATION, chassis=None, platform=None, gpus=None, psus=None)
    diagram = lane_diagram(build)
    assert isinstance(diagram, LaneDiagram) and diagram.groups == () and diagram.cpus == ()
    text = _sheet_text(tmp_path, build, analyze(build, catalog), branding)
    assert squeeze("No platform") in text


def test_the_drawing_never_runs_past_its_width(example):
    """Every text and shape of every example's drawing stays inside the width it was given, on paper and at a
    narrow window width."""
    layout = pdf_layout.Layout(300)
    for name in NAMES:
        build, _ = example(name)
        diagram = lane_diagram(build)
        for width in (layout.width, layout.mm(90)):
            for band in lane_drawing.bands(diagram, layout, width):
                for op in band.ops:
                    assert op.rect.left() >= -layout.mm(0.5) and op.rect.right() <= width + layout.mm(0.5), \
                        (name, width, op.kind, op.text)
                    if op.kind == "text":  # the text fits its box (no clipped word)
                        assert layout.height(op.text, op.style, op.rect.width()) <= op.rect.height() + 0.5
