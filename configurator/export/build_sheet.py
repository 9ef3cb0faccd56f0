"""The technician's build sheet as blocks (Qt-free): parts with quantity and position, power budget
and PSU/circuit notes, NVLink and NIC cabling, a firmware/BIOS notes field, and the 48-hour burn-in
checklist with sign-off lines. No prices at all, so it is the same in both editions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from configurator.core.errors import ConfiguratorError
from configurator.core.rules.memory import ram_gb, vram_gb
from configurator.core.rules.power import power_budget
from configurator.export.blocks import (
    RIGHT, Checklist, Column, PaperDocument, Heading, KeyValues, Paragraph, SignOff, Table, WriteIn,
)
from configurator.export.lane_diagram import lane_blocks
from configurator.export.quote_content import KIND_NAMES, PART_NUMBER_COLUMN, system_summary, workload_sections
from configurator.present import count, share, watts
from configurator.present.sentences import workloads_fit
from configurator.present.boards import board_cabling, board_fabric
from configurator.present.findings import severity_word
from configurator.present.part_numbers import part_number_cell

if TYPE_CHECKING:
    from configurator.core.analysis import Analysis
    from configurator.core.configuration import Build
    from configurator.export.branding import Branding

BURN_IN_STEPS = (
    "Visual inspection: seating of GPUs, DIMMs, NICs; power and fan cables routed clear of fans",
    "Firmware: BIOS/BMC, GPU VBIOS and NIC firmware versions recorded below, updated to the release baseline",
    "POST: all DIMMs and full memory size detected; every GPU and NIC enumerates at the expected PCIe width",
    "OS image installed; NVIDIA driver and CUDA/DCGM installed; nvidia-smi shows every GPU",
    "DCGM diagnostics level 3 passed on every GPU",
    "Hour 0: 48-hour stress started (gpu-burn on all GPUs, CPU and memory stress); start time noted",
    "NVMe: fio read/write run on every drive, SMART clean",
    "Multi-GPU: NCCL all-reduce test at the expected bus bandwidth (skip for one GPU)",
    "Hour 24: temperatures, clocks and wall power logged; no throttling, no ECC errors",
    "Hour 48: stress stopped; no Xid errors, no ECC errors, no PCIe AER errors in the logs",
    "Burn-in report saved and printed for the delivery",
)


def _positions(build: "Build") -> list[tuple[str, str, str, str]]:
    """(part no., description, quantity per node, position) rows."""
    rows: list[tuple[str, str, str, str]] = []
    if build.chassis:
        c = build.chassis
        ru = f"{c.rack_units}U rack" if c.rack_units else "tower"
        rows.append((c.id, c.name, "1", ru))
    if build.platform:
        p = build.platform
        rows.append((p.id, p.name, "1", f"{p.sockets} CPU socket{'s' if p.sockets > 1 else ''} ({p.socket})"))
    for placement in build.gpus:
        g = placement.gpu
        if placement.slot is None:
            where = "unassigned: choose a slot"
        elif build.on_board:
            where = f"board socket {placement.slot}"
        else:
            width = g.slot_width or 1
            where = f"slot {placement.slot}" if width == 1 else f"slots {placement.slot}-{placement.slot + width - 1}"
        rows.append((g.id, g.name, "1", where))
    bay = 1
    for item in build.psus:
        last = bay + item.quantity - 1
        rows.append((item.part.id, item.part.name, str(item.quantity),
                     f"PSU bay {bay}" if last == bay else f"PSU bays {bay}-{last}"))
        bay = last + 1
    if build.memory and build.platform:
        channels = build.platform.memory_channels
        dimms = build.count("memory")
        per = f"{dimms / channels:g} per channel" if channels else ""
        for item in build.memory:
            rows.append((item.part.id, item.part.name, str(item.quantity),
                         f"{channels} channels, {per}: fill per the board manual's population table"))
    else:
        rows += [(i.part.id, i.part.name, str(i.quantity), "DIMM slots") for i in build.memory]
    rows += [(i.part.id, i.part.name, str(i.quantity), f"{i.part.form} ({i.part.interface})") for i in build.storage]
    rows += [(i.part.id, i.part.name, str(i.quantity), f"PCIe Gen{i.part.pcie_gen} x{i.part.pcie_lanes} slot")
             for i in build.network]
    rows += [(i.part.id, i.part.name, str(i.quantity), "across the GPUs it joins") for i in build.bridges]
    return [(_part_number(build, pid), *rest) for pid, *rest in rows]


def _part_number(build: "Build", part_id: str) -> str:
    """The vendor and manufacturer part number a technician orders and checks against (not the catalog id)."""
    try:
        part = build.catalog.find(part_id)[1]
    except ConfiguratorError:
        return part_id
    return part_number_cell(getattr(part, "vendor", ""), getattr(part, "mfr_part_number", ""))


def power_blocks(build: "Build", analysis: "Analysis") -> list:
    b = power_budget(build)
    per = " (per node)" if build.nodes > 1 else ""
    pairs = [("GPUs", f"{watts(b.gpu_w)}"), ("CPUs", f"{watts(b.cpu_w)}"), ("Board, fans, base", f"{watts(b.base_w)}"),
             ("NICs and drives", f"{watts(b.devices_w)}"), ("Full load", f"{watts(b.load_w)}"),
             ("At the wall", f"{watts(b.wall_w)} (efficiency {share(b.wall_efficiency)})"),
             ("PSUs", f"{b.psu_count} x, {watts(b.psu_nameplate_w)} nameplate, {watts(b.psu_usable_w)} usable "
                      f"({b.redundancy.upper() if b.redundancy != 'none' else 'no redundancy'})")]
    if b.circuit is not None:
        pairs.append(("Wall circuit", f"{b.circuit.name}: {watts(b.circuit.continuous_w)} continuous, "
                                      f"{watts(b.circuit.peak_w)} peak"))
    out: list = [Heading(f"Power budget{per}"), KeyValues(tuple(pairs))]
    notes = [f for f in analysis.findings if f.code.startswith(("PSU_", "WALL_"))]
    out += [Paragraph(f"{severity_word(f.severity)} ({f.code}): {f.message}", "small") for f in notes]
    if b.low_line:
        out.append(Paragraph("Low-line (100-127 V) input: server PSUs deliver their reduced 120 V rating.", "small"))
    if b.redundancy == "n+n":
        out.append(Paragraph("N+N: connect half of the PSUs to feed A and half to feed B (separate circuits).",
                             "small"))
    return out


def cabling_blocks(build: "Build") -> list:
    vendor = build.gpus[0].gpu.vendor if build.on_board and build.gpus else "NVIDIA"
    out: list = [Heading(f"{board_fabric(vendor) or 'GPU link'} and network cabling")]
    if build.on_board:
        out.append(Paragraph(board_cabling(vendor), "small"))
    elif build.bridges:
        for item in build.bridges:
            br = item.part
            slots = [p.slot for p in build.gpus if p.gpu.id in [g.strip() for g in br.gpus.split(",")]]
            groups = [slots[i:i + br.ways] for i in range(0, len(slots), br.ways)][: item.quantity]
            pairs = "; ".join("+".join(f"slot {s}" for s in g) for g in groups)
            out.append(Paragraph(f"{item.quantity} x {br.name} ({br.ways}-way): join {pairs}.", "small"))
    elif len(build.gpus) > 1:
        out.append(Paragraph("No NVLink bridges: GPUs talk over PCIe.", "small"))
    for item in build.network:
        nic = item.part
        fabric = "InfiniBand" if nic.fabric == "infiniband" else "Ethernet"
        text = (f"{item.quantity} x {nic.name}: {nic.ports} port{'s' if nic.ports > 1 else ''} of "
                f"{nic.speed_gbps:g} Gb/s {fabric} each.")
        if nic.fabric == "infiniband" and item.quantity == len(build.gpus) and build.gpus:
            text += (" One NIC per GPU: place NIC n on the PCIe switch of GPU n; cable NIC n of every node to "
                     "leaf switch n (rail-optimised).")
        out.append(Paragraph(text, "small"))
    if build.nodes > 1:
        out.append(Paragraph(f"Cluster: {build.nodes} identical nodes; label every cable with node and port.",
                             "small"))
    if len(out) == 1:
        out.append(Paragraph("No GPUs or NICs to cable.", "small"))
    return out


def workload_blocks(build: "Build", analysis: "Analysis") -> list:
    """What the system is for: every workload with its figures (burn-in and acceptance run against these)."""
    several = len(getattr(analysis, "workloads", ())) > 1
    head = f"Workloads ({workloads_fit(analysis)})" if several else "Workload"
    return [Heading(head), *workload_sections(build, analysis, charts=False)]


def build_sheet_document(build: "Build", analysis: "Analysis", branding: "Branding", reference: str = "") -> PaperDocument:
    name = build.name or "Configured system"
    doc = PaperDocument("Build sheet", reference or name, branding.letterhead(), footer=branding.footer)
    errors = [f for f in analysis.findings if f.severity == "error"]
    if errors:
        doc.banner = f"DO NOT BUILD: {count(len(errors), 'compatibility error')}"
    doc.add(
        KeyValues((("System", name), ("Kind", KIND_NAMES.get(build.kind, build.kind)),
                   ("Nodes", str(build.nodes)), ("GPUs", system_summary(build).split(": ", 1)[-1]),
                   ("System memory", f"{ram_gb(build):,.0f} GB (GPU memory {vram_gb(build):,.0f} GB)"),
                   ("Reference", reference or "-"))),
        Heading("Parts and positions" + (" (per node)" if build.nodes > 1 else "")),
        Table((PART_NUMBER_COLUMN, Column("Description", 0.34), Column("Qty", 0.06, RIGHT),
               Column("Position", 0.32)), tuple(_positions(build)), caption="Parts and positions"),
    )
    if build.chassis is not None and build.chassis.airflow:
        doc.add(Paragraph(f"Airflow: {build.chassis.airflow}", "small"))
    doc.add(*[Paragraph(f"Error ({f.code}): {f.message}", "alert") for f in errors])
    doc.add(*lane_blocks(build))  # export/lane_diagram.py: the lane map and the DIMM population, drawn
    doc.add(*power_blocks(build, analysis), *cabling_blocks(build))
    doc.add(*workload_blocks(build, analysis))
    doc.add(Heading("Firmware and BIOS notes"),
            WriteIn("Versions and settings (BIOS, BMC, GPU VBIOS, NIC firmware; Above 4G decoding, Resizable BAR, "
                    "IOMMU, power profile)", lines=6))
    doc.add(Heading("48-hour burn-in"), Paragraph(branding.burn_in_note, "small"), Checklist(BURN_IN_STEPS),
            Heading("Sign-off", 2), SignOff(("Built by", "Burn-in by", "Quality check")))
    return doc
