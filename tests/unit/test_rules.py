"""Each rule fires on a build made to break it, with the stated severity, and stays quiet otherwise."""

from __future__ import annotations

from dataclasses import replace

import pytest

from configurator.core.rules import check, has_errors
from tests.unit.test_build_helpers import CLUSTER, SXM_SERVER, WORKSTATION, codes, make

WE, MAXQ = "rtx-pro-6000-we", "rtx-pro-6000-maxq"


def cards(gpu: str, *slots: int) -> list[dict]:
    return [{"id": gpu, "slot": s} for s in slots]


@pytest.mark.parametrize("base", [WORKSTATION, SXM_SERVER, CLUSTER], ids=["workstation", "sxm", "cluster"])
def test_builds_that_respect_every_rule_have_no_finding(catalog, base):
    assert check(make(catalog, base)) == []


CASES = [
    # (id, base, changes, code, severity)
    ("no-chassis", WORKSTATION, {"chassis": None}, "MISSING_PART", "error"),
    ("no-platform", WORKSTATION, {"platform": None}, "MISSING_PART", "error"),
    ("no-psu", WORKSTATION, {"psus": []}, "MISSING_PART", "error"),
    ("no-memory", WORKSTATION, {"memory": []}, "MISSING_PART", "error"),
    ("no-drive", WORKSTATION, {"storage": []}, "MISSING_PART", "warning"),
    ("no-services", WORKSTATION, {"services": []}, "MISSING_PART", "info"),
    ("one-node-cluster", CLUSTER, {"nodes": 1}, "CLUSTER_NODES", "warning"),
    ("cluster-no-fabric", CLUSTER, {"network": []}, "NIC_PER_GPU", "error"),
    ("cluster-few-nics", CLUSTER, {"network": [{"id": "nic-cx7-ndr-400g", "quantity": 4}]}, "NIC_PER_GPU", "warning"),
    ("pcie-chassis-for-sxm", SXM_SERVER, {"chassis": "chassis-4u-pcie-8gpu"}, "CHASSIS_KIND", "error"),
    ("socket", WORKSTATION, {"platform": "plat-epyc-9554-sp5-1s"}, "PLATFORM_CHASSIS", "error"),
    ("sxm-in-tower", WORKSTATION, {"gpus": cards("h100-sxm", 1)}, "SXM_IN_PCIE", "error"),
    ("pcie-on-board", SXM_SERVER, {"gpus": [{"id": "l40s", "quantity": 8}]}, "PCIE_ON_BOARD", "error"),
    ("wrong-board-gpu", SXM_SERVER, {"gpus": [{"id": "h100-sxm", "quantity": 8}]}, "SXM_BOARD_GPU", "error"),
    ("overlap", WORKSTATION, {"gpus": cards(MAXQ, 1, 2)}, "SLOT_WIDTH", "error"),
    ("past-end", WORKSTATION, {"gpus": cards(MAXQ, 8)}, "SLOT_WIDTH", "error"),
    ("too-wide", WORKSTATION, {"chassis": "chassis-4u-pcie-8gpu", "platform": "plat-epyc-9554-sp5-1s",
                               "gpus": cards("rtx-4090", 1)}, "SLOT_WIDTH", "error"),
    ("five-gpus-in-tower", WORKSTATION, {"gpus": [{"id": MAXQ, "quantity": 5}]}, "CHASSIS_GPU_LIMIT", "error"),
    ("six-on-hgx", SXM_SERVER, {"gpus": [{"id": "b200-sxm", "quantity": 6}]}, "SXM_BOARD_COUNT", "error"),
    ("x16-slots", WORKSTATION, {"gpus": cards(MAXQ, 1, 3, 5, 7),
                                "network": [{"id": "nic-cx7-400gbe", "quantity": 4}]}, "PCIE_SLOTS", "error"),
    ("lanes", WORKSTATION, {"gpus": cards(MAXQ, 1, 3, 5, 7),
                            "storage": [{"id": "nvme-samsung-990pro-2tb", "quantity": 17}]}, "PCIE_LANES", "warning"),
    ("mixed-cards", WORKSTATION, {"gpus": cards(MAXQ, 1) + cards("rtx-pro-5000-48gb", 5)}, "GPU_MIX", "warning"),
    ("mixed-board", SXM_SERVER, {"chassis": "chassis-hgx-h100-8gpu", "psus": [{"id": "psu-crps-3000w", "quantity": 6}],
                                 "gpus": [{"id": "h100-sxm", "quantity": 4}, {"id": "h200-sxm", "quantity": 4}]},
     "GPU_MIX", "error"),
    ("bridge-on-rtx", WORKSTATION, {"bridges": [{"id": "bridge-nvlink-h100-2way"}]}, "NVLINK_NONE", "error"),
    ("bridge-option", WORKSTATION, {"chassis": "chassis-4u-pcie-8gpu", "platform": "plat-epyc-9554-sp5-1s",
                                    "psus": [{"id": "psu-crps-2000w", "quantity": 2}], "memory":
                                    [{"id": "ram-ddr5-rdimm-64gb", "quantity": 12}],
                                    "gpus": cards("h100-nvl", 1, 3)}, "NVLINK_OPTION", "info"),
    ("open-air-stacked", WORKSTATION, {"gpus": cards(WE, 1, 3), "psus": [{"id": "psu-atx-1600w", "quantity": 2}]},
     "OPEN_AIR_STACK", "error"),
    ("open-air-spaced", WORKSTATION, {"gpus": cards(WE, 1, 5), "psus": [{"id": "psu-atx-1600w", "quantity": 2}]},
     "OPEN_AIR_STACK", "warning"),
    ("passive-in-tower", WORKSTATION, {"gpus": cards("l40s", 1)}, "PASSIVE_COOLING", "error"),  # no fan wall
    ("nic-slots", WORKSTATION, {"network": [{"id": "nic-intel-x710-t2l", "quantity": 2}]}, "NIC_SLOTS", "error"),
    ("psu-too-small", WORKSTATION, {"gpus": cards(MAXQ, 1, 3, 5, 7), "psus": [{"id": "psu-atx-1300w"}]},
     "PSU_HEADROOM", "error"),
    ("psu-no-headroom", WORKSTATION, {"psus": [{"id": "psu-atx-1300w"}]}, "PSU_HEADROOM", "warning"),
    ("high-line-psu-on-120v", SXM_SERVER, {"circuit": "120v-20a"}, "PSU_HEADROOM", "error"),
    ("psu-bays", SXM_SERVER, {"psus": [{"id": "psu-crps-3300w", "quantity": 8}]}, "PSU_BAYS", "error"),
    ("server-psu-in-tower", WORKSTATION, {"psus": [{"id": "psu-crps-2000w"}]}, "PSU_FORM", "error"),
    ("psu-too-big", SXM_SERVER, {"psus": [{"id": "psu-crps-5500w", "quantity": 6}]}, "PSU_FORM", "error"),
    ("single-psu", SXM_SERVER, {"psus": [{"id": "psu-crps-3300w", "quantity": 1}]}, "PSU_REDUNDANCY", "warning"),
    ("odd-n-plus-n", SXM_SERVER, {"chassis": "chassis-hgx-h100-4gpu", "gpus": [{"id": "h100-sxm", "quantity": 4}],
                                  "psus": [{"id": "psu-crps-3000w", "quantity": 3}]}, "PSU_REDUNDANCY", "warning"),
    ("wall-120v", WORKSTATION, {"gpus": cards(MAXQ, 1, 3, 5, 7), "psus": [{"id": "psu-atx-1600w", "quantity": 2}]},
     "WALL_CIRCUIT", "error"),
    ("dimm-slots", WORKSTATION, {"memory": [{"id": "ram-ddr5-rdimm-64gb", "quantity": 9}]}, "DIMM_SLOTS", "error"),
    ("dimm-balance", WORKSTATION, {"memory": [{"id": "ram-ddr5-rdimm-96gb", "quantity": 6}]}, "DIMM_BALANCE",
     "warning"),
    ("dimm-mix", WORKSTATION, {"memory": [{"id": "ram-ddr5-rdimm-64gb", "quantity": 4},
                                          {"id": "ram-ddr5-rdimm-96gb", "quantity": 4}]}, "DIMM_MIX", "warning"),
    ("ram-below-2x", WORKSTATION, {"memory": [{"id": "ram-ddr5-rdimm-32gb", "quantity": 8}]}, "RAM_VS_VRAM", "warning"),
]


@pytest.mark.parametrize("base,changes,code,severity", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule_fires_on_a_build_that_breaks_it(catalog, base, changes, code, severity):
    findings = check(make(catalog, base, **changes))
    assert code in codes(findings, severity), [(f.severity, f.code) for f in findings]
    found = next(f for f in findings if f.code == code and f.severity == severity)
    assert not found.message[0].islower() and found.message.endswith(".")  # a sentence


def test_findings_name_the_parts_involved(catalog):
    findings = check(make(catalog, WORKSTATION, gpus=cards(WE, 1, 3, 5, 7),
                          psus=[{"id": "psu-atx-1600w", "quantity": 2}]))
    stack = next(f for f in findings if f.code == "OPEN_AIR_STACK")
    assert set(stack.parts) == {WE, "chassis-tower-ws"}
    wall = next(f for f in findings if f.code == "WALL_CIRCUIT")
    assert "1,440 W continuously" in wall.message and "120v-15a" in wall.parts
    assert has_errors(findings) and findings[0].severity == "error"


def test_a_240v_circuit_carries_what_a_120v_one_cannot(catalog):
    heavy = dict(gpus=cards(MAXQ, 1, 3, 5, 7), psus=[{"id": "psu-atx-1600w", "quantity": 2}])
    assert "WALL_CIRCUIT" in codes(check(make(catalog, WORKSTATION, **heavy)))
    assert "WALL_CIRCUIT" not in codes(check(make(catalog, WORKSTATION, circuit="240v-20a", **heavy)))


def test_ram_below_vram_gets_the_stronger_message(catalog):
    below = next(f for f in check(make(catalog, WORKSTATION, memory=[{"id": "ram-ddr5-rdimm-32gb", "quantity": 4}]))
                 if f.code == "RAM_VS_VRAM")
    assert "less than the GPU memory" in below.message


def _with_memory(catalog, module):
    build = make(catalog, WORKSTATION, memory=[])
    build.put_item("memory", module, 8)
    return check(build)


def test_memory_type_ecc_and_capacity(catalog):
    rdimm = catalog.memory_module("ram-ddr5-rdimm-64gb")
    udimm = replace(rdimm, id="udimm", memory_type="DDR5 UDIMM", ecc=False, registered=False)
    assert "ECC_REQUIRED" in codes(_with_memory(catalog, udimm), "error")
    ddr4 = replace(rdimm, id="ddr4", memory_type="DDR4 RDIMM")
    assert "MEMORY_TYPE" in codes(_with_memory(catalog, ddr4), "error")
    huge = replace(rdimm, id="huge", capacity_gb=512)
    assert "MEMORY_CAPACITY" in codes(_with_memory(catalog, huge), "error")
    assert not codes(_with_memory(catalog, rdimm)) & {"ECC_REQUIRED", "MEMORY_TYPE", "MEMORY_CAPACITY"}


class _Tuned:
    """The real catalog with some rule parameters changed."""

    def __init__(self, catalog, **params):
        self._catalog, self._params = catalog, params

    def rule_param(self, key):
        return self._params.get(key, self._catalog.rule_param(key))

    def __getattr__(self, name):
        return getattr(self._catalog, name)


def test_thresholds_come_from_the_catalog(catalog):
    assert "RAM_VS_VRAM" in codes(check(make(_Tuned(catalog, ram_vs_vram_ratio_recommended=3.0), WORKSTATION)))
    assert "PSU_HEADROOM" in codes(check(make(_Tuned(catalog, psu_transient_factor=1.5), WORKSTATION)))
    assert "WALL_CIRCUIT" in codes(check(make(_Tuned(catalog, psu_wall_efficiency=0.5), WORKSTATION)))
    two_open_air = dict(gpus=cards(WE, 1, 5), psus=[{"id": "psu-atx-1600w", "quantity": 2}])
    assert "OPEN_AIR_STACK" not in codes(check(make(_Tuned(catalog, tower_max_open_air_gpus=2), WORKSTATION,
                                                    **two_open_air)))


def test_bridges_need_identical_cards_of_their_list(catalog):
    server = dict(chassis="chassis-4u-pcie-8gpu", platform="plat-epyc-9554-sp5-1s",
                  psus=[{"id": "psu-crps-2000w", "quantity": 2}], memory=[{"id": "ram-ddr5-rdimm-64gb", "quantity": 12}])
    bridge = [{"id": "bridge-nvlink-h100-2way"}]
    pair = make(catalog, WORKSTATION, **server, gpus=cards("h100-nvl", 1, 3), bridges=bridge)
    assert "NVLINK_MISMATCH" not in codes(check(pair)) and "NVLINK_OPTION" not in codes(check(pair))
    mixed = make(catalog, WORKSTATION, **server, gpus=cards("h100-nvl", 1) + cards("h100-pcie", 3), bridges=bridge)
    assert "NVLINK_MISMATCH" in codes(check(mixed), "error")
    two_bridges = make(catalog, WORKSTATION, **server, gpus=cards("h100-nvl", 1, 3),
                       bridges=[{"id": "bridge-nvlink-h100-2way", "quantity": 2}])
    assert "NVLINK_MISMATCH" in codes(check(two_bridges), "error")
