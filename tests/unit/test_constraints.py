"""Physical constraints have one source: a refused drop and the finding on a build holding the same fault
read the same sentence, and neither placement nor the rules check a constraint themselves."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from configurator.core.configuration import constraints, placement
from configurator.core.rules import check
from tests.unit.test_build_helpers import SXM_SERVER, WORKSTATION, make

MAXQ, B200 = "rtx-pro-6000-maxq", "b200-sxm"
TR, EPYC = "plat-tr-pro-9975wx-wrx90", "plat-epyc-9554-sp5-1s"
PCIE_SERVER = dict(chassis="chassis-4u-pcie-8gpu", platform=EPYC, psus=[{"id": "psu-crps-2000w", "quantity": 2}],
                   memory=[{"id": "ram-ddr5-rdimm-64gb", "quantity": 12}])
H100_BOARD = dict(chassis="chassis-hgx-h100-8gpu", psus=[{"id": "psu-crps-3000w", "quantity": 6}])
BRIDGE = "bridge-nvlink-h100-2way"


def cards(gpu: str, *slots: int) -> list[dict]:
    return [{"id": gpu, "slot": s} for s in slots]


def b200s(n: int, *slots: int) -> list[dict]:
    return [{"id": B200, "quantity": n}] * bool(n) + cards(B200, *slots)


# (id, code, (base, changes) the part is dragged onto, part, slot, (base, changes) of a build holding the fault).
# Both builds are read by the build-file loader, which places what it is given without asking placement.
CASES = [
    ("chassis-kind", "CHASSIS_KIND", (WORKSTATION, {}), "chassis-hgx-h100-8gpu", None,
     (WORKSTATION, {"chassis": "chassis-hgx-h100-8gpu"})),
    ("platform-socket", "PLATFORM_CHASSIS", (WORKSTATION, {}), EPYC, None, (WORKSTATION, {"platform": EPYC})),
    ("chassis-socket", "PLATFORM_CHASSIS", (SXM_SERVER, {"chassis": None, "platform": TR}), "chassis-hgx-b200-8gpu",
     None, (SXM_SERVER, {"platform": TR})),
    ("sxm-in-pcie", "SXM_IN_PCIE", (WORKSTATION, {}), "h100-sxm", 3,
     (WORKSTATION, {"gpus": cards(MAXQ, 1, 5) + cards("h100-sxm", 3)})),
    ("pcie-on-board", "PCIE_ON_BOARD", (SXM_SERVER, {"gpus": b200s(7)}), "l40s", 8,
     (SXM_SERVER, {"gpus": b200s(7) + cards("l40s", 8)})),
    ("board-model", "SXM_BOARD_GPU", (SXM_SERVER, {"gpus": b200s(7)}), "h100-sxm", None,
     (SXM_SERVER, {"gpus": b200s(7) + cards("h100-sxm", 8)})),
    ("board-mix", "GPU_MIX", (SXM_SERVER, {**H100_BOARD, "gpus": [{"id": "h100-sxm", "quantity": 4}]}), "h200-sxm",
     None, (SXM_SERVER, {**H100_BOARD, "gpus": [{"id": "h100-sxm", "quantity": 4}, {"id": "h200-sxm",
                                                                                  "quantity": 4}]})),
    ("board-full", "SXM_BOARD_COUNT", (SXM_SERVER, {}), B200, None, (SXM_SERVER, {"gpus": b200s(9)})),
    ("board-no-socket", "SXM_BOARD_SOCKET", (SXM_SERVER, {"gpus": b200s(7)}), B200, 9,
     (SXM_SERVER, {"gpus": b200s(7, 9)})),
    ("board-socket-filled", "SXM_BOARD_SOCKET", (SXM_SERVER, {}), B200, 3, (SXM_SERVER, {"gpus": b200s(6, 3, 3)})),
    ("too-wide", "SLOT_WIDTH", (WORKSTATION, PCIE_SERVER), "rtx-4090", 9,
     (WORKSTATION, {**PCIE_SERVER, "gpus": cards(MAXQ, 1, 5) + cards("rtx-4090", 9)})),
    ("past-end", "SLOT_WIDTH", (WORKSTATION, {}), MAXQ, 8, (WORKSTATION, {"gpus": cards(MAXQ, 1, 5, 8)})),
    ("no-such-slot", "SLOT_WIDTH", (WORKSTATION, {}), MAXQ, 12, (WORKSTATION, {"gpus": cards(MAXQ, 1, 5, 12)})),
    ("covered", "SLOT_WIDTH", (WORKSTATION, {}), MAXQ, 2, (WORKSTATION, {"gpus": cards(MAXQ, 1, 2, 5)})),
    ("no-room", "SLOT_WIDTH", (WORKSTATION, {"gpus": cards("rtx-4090", 1, 4)}), "rtx-4090", None,
     (WORKSTATION, {"gpus": [{"id": "rtx-4090", "quantity": 3}]})),
    ("gpu-limit", "CHASSIS_GPU_LIMIT", (WORKSTATION, {"gpus": cards(MAXQ, 1, 3, 5, 7)}), MAXQ, None,
     (WORKSTATION, {"gpus": [{"id": MAXQ, "quantity": 5}]})),
    ("nic-slots", "NIC_SLOTS", (WORKSTATION, {"network": [{"id": "nic-intel-x710-t2l"}]}), "nic-intel-x710-t2l", None,
     (WORKSTATION, {"network": [{"id": "nic-intel-x710-t2l", "quantity": 2}]})),
    ("bridge-without-cards", "NVLINK_MISMATCH", (WORKSTATION, {"gpus": []}), BRIDGE, None,
     (WORKSTATION, {"gpus": [], "bridges": [{"id": BRIDGE}]})),
    ("bridge-on-card-without-nvlink", "NVLINK_NONE", (WORKSTATION, {}), BRIDGE, None,
     (WORKSTATION, {"bridges": [{"id": BRIDGE}]})),
    ("bridges-past-cards", "NVLINK_MISMATCH",
     (WORKSTATION, {**PCIE_SERVER, "gpus": cards("h100-nvl", 1, 3), "bridges": [{"id": BRIDGE}]}), BRIDGE, None,
     (WORKSTATION, {**PCIE_SERVER, "gpus": cards("h100-nvl", 1, 3), "bridges": [{"id": BRIDGE, "quantity": 2}]})),
    ("psu-form", "PSU_FORM", (WORKSTATION, {}), "psu-crps-2000w", None,
     (WORKSTATION, {"psus": [{"id": "psu-crps-2000w"}]})),
    ("psu-rating", "PSU_FORM", (SXM_SERVER, {}), "psu-crps-5500w", None,
     (SXM_SERVER, {"psus": [{"id": "psu-crps-5500w", "quantity": 6}]})),
    ("psu-bays", "PSU_BAYS", (WORKSTATION, {"psus": [{"id": "psu-atx-1600w", "quantity": 2}]}), "psu-atx-1600w", None,
     (WORKSTATION, {"psus": [{"id": "psu-atx-1600w", "quantity": 3}]})),
    ("dimm-slots", "DIMM_SLOTS", (WORKSTATION, {}), "ram-ddr5-rdimm-64gb", None,
     (WORKSTATION, {"memory": [{"id": "ram-ddr5-rdimm-64gb", "quantity": 9}]})),
]


def _messages(findings, code: str) -> list[str]:
    return [f.message for f in findings if f.code == code and f.severity == "error"]


@pytest.mark.parametrize("code,start,part,slot,broken", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_refused_drop_and_finding_read_the_same(catalog, code, start, part, slot, broken):
    build = make(catalog, start[0], **start[1])
    result = build.can_place(part, slot)
    assert not result, f"placement let {part} in"
    findings = check(make(catalog, broken[0], **broken[1]))
    assert result.reasons[0] in _messages(findings, code), (result.reasons, [(f.code, f.message) for f in findings])


def test_a_refused_move_reads_as_the_overlap_finding(catalog):
    build = make(catalog, WORKSTATION)  # cards in slots 1 and 5
    refused = build.can_move(5, 2)
    assert not refused
    overlap = check(make(catalog, WORKSTATION, gpus=cards(MAXQ, 1, 2)))
    assert refused.reasons[0] in _messages(overlap, "SLOT_WIDTH")


@pytest.mark.parametrize("change,code", [
    (dict(memory_type="DDR4 RDIMM"), "MEMORY_TYPE"),
    (dict(memory_type="DDR5 UDIMM", ecc=False, registered=False), "ECC_REQUIRED"),
], ids=["ddr4", "udimm"])
def test_dimm_kind_reads_the_same_refused_and_found(catalog, change, code):
    """No such DIMM is in the catalog, so a changed one is offered to placement and added unchecked."""
    dimm = replace(catalog.memory_module("ram-ddr5-rdimm-64gb"), id="odd-dimm", **change)
    build = make(catalog, WORKSTATION, memory=[])
    _, reasons = placement.check_place(build, "memory", dimm, None)
    assert reasons
    build.put_item("memory", dimm, 8)
    assert reasons[0] in _messages(check(build), code)


def test_a_problem_names_its_parts_and_reads_as_sentences(catalog):
    chassis = catalog.chassis("chassis-tower-ws")
    gpu = catalog.gpu("rtx-4090")
    problem = constraints.gpu_limit(chassis, 5, ["rtx-4090"])
    assert problem.code == "CHASSIS_GPU_LIMIT" and problem.parts == ("chassis-tower-ws", "rtx-4090")
    assert constraints.gpu_limit(chassis, 4) is None  # the limit itself fits
    one = constraints.nic_slots(chassis, 2)
    assert "has 1 slot for network cards; 2 network cards do not fit" in one.text
    assert constraints.no_room(chassis, gpu).text.endswith("3 free neighbouring slot positions left for the "
                                                           f"{gpu.name}.")
    assert constraints.card_covered(gpu, 4, gpu, 1) is None  # 1-3 and 4-6 touch but do not overlap
    assert constraints.card_covered(gpu, 3, gpu, 1).text.startswith("Slot 3 is covered")


# -- the structure: placement and the rules call constraints, and check nothing physical themselves ------------
CORE = Path(placement.__file__).resolve().parents[1]
CONSTRAINTS = CORE / "configuration" / "constraints.py"
PLACEMENT = CORE / "configuration" / "placement.py"
RULE_FILES = [CORE / "rules" / name for name in ("physical.py", "power.py", "memory.py", "slots.py", "topology.py",
                                                  "drives.py", "connectors.py", "memory_population.py", "network.py")]

# The part fields the constraints read to decide what physically fits: no other file compares them.
LIMIT_FIELDS = {"slot_width", "max_gpu_width", "slot_positions", "max_gpus", "sxm_gpus", "sockets_supported",
                "socket", "nic_slots", "psu_bays", "psu_form", "max_psu_w", "form", "ways", "dimms_per_channel",
                "ecc_required", "ecc", "registered", "memory_type"}
TABLES = {"CHASSIS_KINDS", "KIND_WORDS", "PSU_FORMS"}
RULES_ONLY = {"board_populated"}  # a board fills one module at a time: only a whole build can be short


def _problem_functions(tree: ast.Module) -> dict[str, set[str]]:
    """Public constraint functions (those returning a Problem) -> the module functions each calls."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and "Problem" in ast.unparse(
                node.returns or ast.Constant(None)):
            found[node.name] = {n.func.id for n in ast.walk(node)
                                if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return found


def _codes(tree: ast.Module) -> set[str]:
    return {n.args[0].value for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
            and n.func.id == "_problem" and n.args and isinstance(n.args[0], ast.Constant)}


def _imports(tree: ast.Module) -> tuple[set[str], set[str]]:
    """(names the constraints module goes by, names imported from it) in a module."""
    aliases, imported = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                if node.module.endswith("configuration.constraints"):
                    imported.add(a.asname or a.name)
                elif node.module.endswith("configuration") and a.name == "constraints":
                    aliases.add(a.asname or a.name)
    return aliases, imported


def _constraints_called(tree: ast.Module) -> set[str]:
    """Names of constraints functions a module calls (as ``c.x``/``constraints.x`` or imported by name)."""
    aliases, imported = _imports(tree)
    called = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in aliases:
            called.add(n.attr)
        elif isinstance(n, ast.Name) and n.id in imported:
            called.add(n.id)
    return called


def reimplementations(source: str, shared_codes: set[str]) -> list[str]:
    """What in ``source`` decides a physical constraint itself instead of asking constraints."""
    tree = ast.parse(source)
    aliases, _ = _imports(tree)
    found = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in aliases:
            continue  # c.nic_slots(...) asks the constraint of that name
        if isinstance(n, ast.Attribute) and n.attr in LIMIT_FIELDS:
            found.append(f"line {n.lineno}: reads .{n.attr}")
        elif isinstance(n, ast.Name) and n.id in TABLES:
            found.append(f"line {n.lineno}: uses {n.id}")
        elif (isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "error" and n.args
              and isinstance(n.args[0], ast.Constant) and n.args[0].value in shared_codes):
            found.append(f"line {n.lineno}: words its own {n.args[0].value} error")
    return found


def _reach(functions: dict[str, set[str]], called: set[str]) -> set[str]:
    """The constraint functions ``called`` use, directly or through another constraint function."""
    reached, todo = set(), [f for f in called if f in functions]
    while todo:
        f = todo.pop()
        if f not in reached:
            reached.add(f)
            todo.extend(g for g in functions[f] if g in functions)
    return reached


def uncovered(constraints_source: str, placement_source: str, rule_sources: list[str]) -> dict[str, set[str]]:
    """Constraint functions that placement or the rules never reach (so that side checks it itself, or not)."""
    tree = ast.parse(constraints_source)
    functions = _problem_functions(tree)
    by_placement = _reach(functions, _constraints_called(ast.parse(placement_source)))
    by_rules = _reach(functions, set().union(*(_constraints_called(ast.parse(s)) for s in rule_sources)))
    return {"placement": set(functions) - by_placement - RULES_ONLY, "rules": set(functions) - by_rules}


def test_placement_and_rules_do_not_check_a_constraint_themselves():
    shared = _codes(ast.parse(CONSTRAINTS.read_text()))
    assert {"SLOT_WIDTH", "CHASSIS_GPU_LIMIT", "SXM_BOARD_GPU", "PSU_BAYS", "DIMM_SLOTS"} <= shared
    for path in (PLACEMENT, *RULE_FILES):
        assert reimplementations(path.read_text(), shared) == [], path.name


def test_every_constraint_is_asked_by_placement_and_by_the_rules():
    gaps = uncovered(CONSTRAINTS.read_text(), PLACEMENT.read_text(), [p.read_text() for p in RULE_FILES])
    assert gaps == {"placement": set(), "rules": set()}
    assert len(_problem_functions(ast.parse(CONSTRAINTS.read_text()))) >= 20  # the parse found the functions


def test_the_structural_checks_catch_a_reimplementation():
    """The two checks above can fail: a rule that compares widths itself, or words its own SLOT_WIDTH error, is
    caught, and so is a placement that stops asking a constraint."""
    rogue = ('def slot_width(build):\n'
             '    if gpu.slot_width > build.chassis.max_gpu_width:\n'
             '        yield error("SLOT_WIDTH", "too wide")\n'
             '    if chassis.kind not in CHASSIS_KINDS[build.kind]:\n'
             '        yield error("CHASSIS_KIND", "wrong chassis")\n')
    found = reimplementations(rogue, {"SLOT_WIDTH", "CHASSIS_KIND"})
    assert len(found) == 5 and any("max_gpu_width" in f for f in found) and any("SLOT_WIDTH" in f for f in found)
    assert reimplementations('yield warning("GPU_MIX", "mixed cards")', {"GPU_MIX"}) == []  # a warning: rules' own
    source = PLACEMENT.read_text()
    assert "c.gpu_limit(" in source
    without = source.replace("c.gpu_limit(chassis, n)", "None")
    gaps = uncovered(CONSTRAINTS.read_text(), without, [p.read_text() for p in RULE_FILES])
    assert gaps["placement"] == {"gpu_limit"}
