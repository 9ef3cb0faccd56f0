"""Rules over positions and totals (issue 18): every rule has a build that breaks it and a valid neighbour that
stays clean, and where placement refuses the same fault, the drop is refused with the finding's sentence."""

from __future__ import annotations

import pytest

from configurator.core.rules import check
from tests.unit.test_build_helpers import CLUSTER, SXM_SERVER, WORKSTATION, make

MAXQ = "rtx-pro-6000-maxq"
AM5 = dict(platform="plat-ryzen-9950x-x870e", memory=[{"id": "ram-ddr5-udimm-32gb", "quantity": 2}])
PCIE_SERVER = dict(chassis="chassis-4u-pcie-8gpu", platform="plat-epyc-9554-sp5-1s",
                   psus=[{"id": "psu-crps-3000w", "quantity": 4}], memory=[{"id": "ram-ddr5-rdimm-128gb",
                                                                             "quantity": 12}])
H100_BRIDGE, H200_4WAY, H200_2WAY = ("bridge-nvlink-h100-2way", "bridge-nvlink-h200nvl-4way",
                                     "bridge-nvlink-h200nvl-2way")
NEW_CODES = {"NVLINK_NONE", "NVLINK_SPACING", "NVLINK_BRIDGES_PER_CARD", "NVLINK_PARTIAL", "PLATFORM_CLASS",
             "PASSIVE_COOLING", "SLOT_COVERED", "SLOT_NO_CONNECTOR", "MEMORY_TYPE", "MEMORY_SPEED", "DRIVE_BAYS",
             "FABRIC_BANDWIDTH", "POWER_CONNECTORS", "POWER_PHASE", "PCIE_LINK"}


def cards(gpu: str, *slots: int) -> list[dict]:
    return [{"id": gpu, "slot": s} for s in slots]


def found(build, code: str, severity: str | None = None):
    return [f for f in check(build) if f.code == code and (severity is None or f.severity == severity)]


def messages(build, code: str) -> list[str]:
    return [f.message for f in found(build, code)]


# (id, code, severity, faulty build (base, changes), valid neighbour (base, changes), words the finding says)
CASES = [
    ("bridge-on-card-without-nvlink", "NVLINK_NONE", "error", (WORKSTATION, {"bridges": [{"id": H100_BRIDGE}]}),
     (WORKSTATION, {**PCIE_SERVER, "gpus": cards("h100-nvl", 1, 3), "bridges": [{"id": H100_BRIDGE}]}),
     "has no NVLink"),
    ("bridge-spacing", "NVLINK_SPACING", "error",
     (WORKSTATION, {**PCIE_SERVER, "gpus": cards("h100-nvl", 1, 5), "bridges": [{"id": H100_BRIDGE}]}),
     (WORKSTATION, {**PCIE_SERVER, "gpus": cards("h100-nvl", 5, 7), "bridges": [{"id": H100_BRIDGE}]}),
     "are 4 apart"),
    ("bridge-sets-per-card", "NVLINK_BRIDGES_PER_CARD", "error",
     (WORKSTATION, {**PCIE_SERVER, "gpus": cards("h200-nvl", 1, 3, 5, 7),
                    "bridges": [{"id": H200_4WAY}, {"id": H200_2WAY}]}),
     (WORKSTATION, {**PCIE_SERVER, "gpus": cards("h200-nvl", 1, 3, 5, 7), "bridges": [{"id": H200_4WAY}]}),
     "need 6 card attachments"),
    ("bridged-group-partly", "NVLINK_PARTIAL", "warning",
     (WORKSTATION, {**PCIE_SERVER, "gpus": cards("h100-nvl", 1, 3, 5, 7), "bridges": [{"id": H100_BRIDGE}]}),
     (WORKSTATION, {**PCIE_SERVER, "gpus": cards("h100-nvl", 1, 3, 5, 7),
                    "bridges": [{"id": H100_BRIDGE, "quantity": 2}]}),
     "2 H100 NVL cards of 4 are bridged"),
    ("workstation-board-in-hgx", "PLATFORM_CLASS", "error", (SXM_SERVER, {"platform": "plat-xeon-w9-3595x-w790"}),
     (SXM_SERVER, {"platform": "plat-xeon-8480p-2s", "memory": [{"id": "ram-ddr5-rdimm-128gb", "quantity": 32}]}),
     "workstation board with the same LGA4677 socket is not one"),
    ("server-board-in-tower", "PLATFORM_CLASS", "error", (WORKSTATION, {"platform": "plat-xeon-8480p-2s"}),
     (WORKSTATION, {"platform": "plat-xeon-w9-3595x-w790"}), "is a server platform"),
    ("passive-card-in-tower", "PASSIVE_COOLING", "error", (WORKSTATION, {"gpus": cards("l40s", 1, 5)}),
     (WORKSTATION, {**PCIE_SERVER, "gpus": cards("l40s", 1, 3)}), "has no server airflow"),
    ("nic-under-coolers", "SLOT_COVERED", "error",
     (WORKSTATION, {"gpus": cards(MAXQ, 1, 3, 5, 7), "network": [{"id": "nic-intel-x710-t2l"}],
                    "psus": [{"id": "psu-atx-1600w", "quantity": 2}]}),
     (WORKSTATION, {"gpus": cards(MAXQ, 1, 3, 5), "network": [{"id": "nic-intel-x710-t2l"}],
                    "psus": [{"id": "psu-atx-1600w", "quantity": 2}]}),
     "leave no board slot free"),
    ("card-between-slots", "SLOT_NO_CONNECTOR", "error", (WORKSTATION, {**AM5, "gpus": cards(MAXQ, 2)}),
     (WORKSTATION, {**AM5, "gpus": cards(MAXQ, 1)}), "Position 2 of the"),
    ("rdimm-on-desktop-board", "MEMORY_TYPE", "error",
     (WORKSTATION, {**AM5, "memory": [{"id": "ram-ddr5-rdimm-32gb", "quantity": 2}]}),
     (WORKSTATION, {**AM5, "memory": [{"id": "ram-ddr5-udimm-ecc-32gb", "quantity": 2}]}), "unbuffered (UDIMM)"),
    ("ddr4-on-ddr5-board", "MEMORY_TYPE", "error",
     (WORKSTATION, {"memory": [{"id": "ram-ddr4-rdimm-64gb", "quantity": 8}]}), (WORKSTATION, {}), "DDR4 RDIMM"),
    ("two-dimms-per-channel", "MEMORY_SPEED", "warning",
     (WORKSTATION, {**AM5, "memory": [{"id": "ram-ddr5-udimm-32gb", "quantity": 4}]}), (WORKSTATION, AM5),
     "run at DDR5-3600 (2 DIMMs per channel)"),
    ("server-2dpc", "MEMORY_SPEED", "warning",
     (SXM_SERVER, {"platform": "plat-xeon-8480p-2s", "memory": [{"id": "ram-ddr5-rdimm-64gb", "quantity": 32}]}),
     (SXM_SERVER, {"platform": "plat-xeon-8480p-2s", "memory": [{"id": "ram-ddr5-rdimm-128gb", "quantity": 16}]}),
     "DDR5-4400"),
    ("m2-sockets", "DRIVE_BAYS", "error", (WORKSTATION, {"storage": [{"id": "nvme-samsung-990pro-2tb", "quantity": 5}]}),
     (WORKSTATION, {"storage": [{"id": "nvme-samsung-990pro-2tb", "quantity": 4}]}), "has 4 M.2 sockets"),
    ("e3s-without-bays", "DRIVE_BAYS", "error",
     (SXM_SERVER, {"storage": [{"id": "nvme-samsung-pm1743-7680gb-e3s", "quantity": 2}]}),
     (SXM_SERVER, {"storage": [{"id": "nvme-samsung-pm1743-7680gb", "quantity": 2}]}), "has no E3.S bays"),
    ("u2-bays", "DRIVE_BAYS", "error", (WORKSTATION, {"storage": [{"id": "nvme-kioxia-cm7r-7680gb", "quantity": 3}]}),
     (WORKSTATION, {"storage": [{"id": "nvme-kioxia-cm7r-7680gb", "quantity": 2}]}), "3 U.2/U.3 drives do not fit"),
    ("fabric-200g-per-gpu", "FABRIC_BANDWIDTH", "warning",
     (CLUSTER, {"network": [{"id": "nic-cx6-hdr-200g", "quantity": 8}]}), (CLUSTER, {}),
     "Each GPU gets 200 Gb/s"),
    # two 100 GbE ports on a controller that carries 100 Gb/s in all: below the fabric floor (200 Gb/s), as a
    # single 100 GbE card is, so the cluster has no fabric NIC at all
    ("capped-two-port-card-is-no-fabric", "NIC_PER_GPU", "error",
     (CLUSTER, {"network": [{"id": "nic-intel-e810-cqda2", "quantity": 8}]}), (CLUSTER, {}),
     "no fabric network card (at least 200 Gb/s)"),
    ("two-slow-ports-are-not-a-fast-link", "FABRIC_BANDWIDTH", "warning",
     (CLUSTER, {"network": [{"id": "nic-cx7-2x200gbe", "quantity": 8}]}), (CLUSTER, {}),
     "several slower ports are not a 400 Gb/s link"),
    ("gpu-power-cables", "POWER_CONNECTORS", "error", (WORKSTATION, {"gpus": cards(MAXQ, 1, 3, 5)}),
     (WORKSTATION, {"gpus": cards(MAXQ, 1, 3, 5), "psus": [{"id": "psu-atx-1600w", "quantity": 2}]}),
     "take 3 12V-2x6 power connectors; the power supplies provide 2"),
    ("b200-on-one-phase", "POWER_PHASE", "error", (SXM_SERVER, {"circuit": "240v-30a"}), (SXM_SERVER, {}),
     "one 240 V 30 A (NEMA L6-30) circuit per PSU pair (3 circuits"),
    ("two-gpus-split-x16", "PCIE_LINK", "warning", (WORKSTATION, {**AM5, "gpus": cards(MAXQ, 1, 4)}),
     (WORKSTATION, {**AM5, "gpus": cards(MAXQ, 1)}), "GPU 2 (RTX PRO 6000 Blackwell Max-Q Workstation Edition, slot 4) "
     "runs at x8 instead of x16: PCI_E2 shares its lanes with slot 1"),
    ("m2-takes-slot-lanes", "PCIE_LINK", "warning",
     (WORKSTATION, {"platform": "plat-xeon-w9-3595x-w790", "gpus": cards(MAXQ, 1, 6)}),
     (WORKSTATION, {"platform": "plat-xeon-w9-3595x-w790", "gpus": cards(MAXQ, 1, 4)}), "shares its lanes with M.2_1"),
]


@pytest.mark.parametrize("code,severity,faulty,valid,words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_faulty_build_has_the_finding_and_its_neighbour_does_not(catalog, code, severity, faulty, valid, words):
    bad = make(catalog, faulty[0], **faulty[1])
    hits = found(bad, code, severity)
    assert hits, [(f.severity, f.code, f.message) for f in check(bad)]
    assert any(words in f.message for f in hits), [f.message for f in hits]
    assert all(f.parts for f in hits)  # the parts it names are highlighted in the build view
    good = make(catalog, valid[0], **valid[1])
    assert code not in {f.code for f in check(good)}, [(f.code, f.message) for f in check(good) if f.code == code]


# (id, code, build (base, changes) the part is dropped on, part, slot, faulty build holding the same fault)
REFUSED = [
    ("bridge-on-rtx", "NVLINK_NONE", (WORKSTATION, {}), H100_BRIDGE, None,
     (WORKSTATION, {"bridges": [{"id": H100_BRIDGE}]})),
    ("bridge-spacing", "NVLINK_SPACING", (WORKSTATION, {**PCIE_SERVER, "gpus": cards("h100-nvl", 1, 5)}),
     H100_BRIDGE, None,
     (WORKSTATION, {**PCIE_SERVER, "gpus": cards("h100-nvl", 1, 5), "bridges": [{"id": H100_BRIDGE}]})),
    ("second-bridge-set", "NVLINK_BRIDGES_PER_CARD",
     (WORKSTATION, {**PCIE_SERVER, "gpus": cards("h200-nvl", 1, 3, 5, 7), "bridges": [{"id": H200_4WAY}]}),
     H200_2WAY, None,
     (WORKSTATION, {**PCIE_SERVER, "gpus": cards("h200-nvl", 1, 3, 5, 7),
                    "bridges": [{"id": H200_4WAY}, {"id": H200_2WAY}]})),
    ("hgx-host", "PLATFORM_CLASS", (SXM_SERVER, {"platform": None}), "plat-xeon-w9-3595x-w790", None,
     (SXM_SERVER, {"platform": "plat-xeon-w9-3595x-w790"})),
    ("hgx-chassis", "PLATFORM_CLASS", (SXM_SERVER, {"chassis": None, "platform": "plat-xeon-w9-3595x-w790"}),
     "chassis-hgx-b200-8gpu", None, (SXM_SERVER, {"platform": "plat-xeon-w9-3595x-w790"})),
    ("passive", "PASSIVE_COOLING", (WORKSTATION, {"gpus": cards("l40s", 1)}), "l40s", 5,
     (WORKSTATION, {"gpus": cards("l40s", 1, 5)})),
    ("nic-under-coolers", "SLOT_COVERED", (WORKSTATION, {"gpus": cards(MAXQ, 1, 3, 5, 7)}), "nic-intel-x710-t2l",
     None, (WORKSTATION, {"gpus": cards(MAXQ, 1, 3, 5, 7), "network": [{"id": "nic-intel-x710-t2l"}]})),
    ("gpu-over-the-nic-slot", "SLOT_COVERED",
     (WORKSTATION, {"gpus": cards(MAXQ, 1, 3, 5), "network": [{"id": "nic-intel-x710-t2l"}]}), MAXQ, 7,
     (WORKSTATION, {"gpus": cards(MAXQ, 1, 3, 5, 7), "network": [{"id": "nic-intel-x710-t2l"}]})),
    ("no-connector", "SLOT_NO_CONNECTOR", (WORKSTATION, {**AM5, "gpus": []}), MAXQ, 2,
     (WORKSTATION, {**AM5, "gpus": cards(MAXQ, 2)})),
    ("rdimm-on-am5", "MEMORY_TYPE", (WORKSTATION, {**AM5, "memory": []}), "ram-ddr5-rdimm-32gb", None,
     (WORKSTATION, {**AM5, "memory": [{"id": "ram-ddr5-rdimm-32gb", "quantity": 1}]})),
    ("fifth-m2", "DRIVE_BAYS", (WORKSTATION, {"storage": [{"id": "nvme-samsung-990pro-2tb", "quantity": 4}]}),
     "nvme-samsung-990pro-2tb", None, (WORKSTATION, {"storage": [{"id": "nvme-samsung-990pro-2tb", "quantity": 5}]})),
    ("e3s", "DRIVE_BAYS", (SXM_SERVER, {}), "nvme-samsung-pm1743-7680gb-e3s", None,
     (SXM_SERVER, {"storage": [{"id": "nvme-micron-7450pro-1920gb", "quantity": 2},
                               {"id": "nvme-samsung-pm1743-7680gb-e3s", "quantity": 1}]})),
]


@pytest.mark.parametrize("code,start,part,slot,broken", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_placement_refuses_with_the_findings_sentence(catalog, code, start, part, slot, broken):
    build = make(catalog, start[0], **start[1])
    result = build.can_place(part, slot)
    assert not result, f"placement let {part} in"
    assert result.reasons[0] in messages(make(catalog, broken[0], **broken[1]), code), result.reasons


def test_a_move_that_breaks_the_bridge_spacing_is_refused_as_the_finding_reads(catalog):
    bridged = make(catalog, WORKSTATION, **PCIE_SERVER, gpus=cards("h100-nvl", 1, 3), bridges=[{"id": H100_BRIDGE}])
    refused = bridged.can_move(3, 7)
    assert not refused
    apart = make(catalog, WORKSTATION, **PCIE_SERVER, gpus=cards("h100-nvl", 1, 7), bridges=[{"id": H100_BRIDGE}])
    assert refused.reasons[0] in messages(apart, "NVLINK_SPACING")
    assert bridged.can_move(3, 3) and make(catalog, WORKSTATION, **PCIE_SERVER, gpus=cards("h100-nvl", 1, 3)).can_move(
        3, 7)  # without a bridge the card may go anywhere free


def test_fewer_psus_than_the_cards_need_cables_for_is_refused(catalog):
    build = make(catalog, WORKSTATION, gpus=cards(MAXQ, 1, 3, 5), psus=[{"id": "psu-atx-1600w", "quantity": 2}])
    refused = build.set_quantity("psu-atx-1600w", 1)
    assert not refused
    short = make(catalog, WORKSTATION, gpus=cards(MAXQ, 1, 3, 5))
    assert refused.reasons[0] in messages(short, "POWER_CONNECTORS")
    assert build.set_quantity("psu-atx-1600w", 2)  # the same count stays allowed


def test_findings_offer_a_fix_from_the_catalog(catalog):
    passive = found(make(catalog, WORKSTATION, gpus=cards("l40s", 1)), "PASSIVE_COOLING")[0]
    alt = next(p for p in passive.parts if p not in ("l40s", "chassis-tower-ws"))
    assert catalog.gpu(alt).memory_gb == 48 and not catalog.gpu(alt).cooling.startswith("passive")
    host = found(make(catalog, SXM_SERVER, platform="plat-xeon-w9-3595x-w790"), "PLATFORM_CLASS")[0]
    assert "plat-epyc-9555-sp5-2s" in host.parts and catalog.platform("plat-epyc-9555-sp5-2s").name in host.message
    phase = found(make(catalog, SXM_SERVER, circuit="240v-30a"), "POWER_PHASE")[0]
    assert "three-phase feed (208 V 60 A" in phase.message and "3ph-208v-60a" in phase.parts
    fabric = found(make(catalog, CLUSTER, network=[{"id": "nic-cx6-hdr-200g", "quantity": 8}]),
                   "FABRIC_BANDWIDTH")[0]
    fix = catalog.nic("nic-cx7-ndr-400g")
    assert fix.id in fabric.parts and f"One {fix.name} per GPU (8 cards per node)" in fabric.message
    e3s = found(make(catalog, SXM_SERVER, storage=[{"id": "nvme-samsung-pm1743-7680gb-e3s", "quantity": 2}]),
                "DRIVE_BAYS")[0]
    assert "nvme-samsung-pm1743-7680gb" in e3s.parts and "The Samsung PM1743 7.68 TB fits instead." in e3s.message
    speed = found(make(catalog, SXM_SERVER, platform="plat-xeon-8480p-2s",
                       memory=[{"id": "ram-ddr5-rdimm-64gb", "quantity": 32}]), "MEMORY_SPEED")[0]
    assert "16 x 128 GB DDR5-5600 ECC RDIMM 2Rx4" in speed.message


@pytest.mark.parametrize("base", [WORKSTATION, SXM_SERVER, CLUSTER], ids=["workstation", "sxm", "cluster"])
def test_the_clean_builds_stay_clean_of_every_new_rule(catalog, base):
    assert not {f.code for f in check(make(catalog, base))} & NEW_CODES
