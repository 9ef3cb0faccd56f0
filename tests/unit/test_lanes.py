"""The lane map and the DIMM population (core/configuration/lanes.py) on real catalog builds."""

from __future__ import annotations

from configurator.core.buildfile import load
from configurator.core.configuration.lanes import COVERED, FREE, GPU, NIC, NO_CONNECTOR, dimm_population, lane_map
from tests.unit.test_build_helpers import EXAMPLES, SXM_SERVER, WORKSTATION, make

AM5 = dict(platform="plat-ryzen-9950x-x870e", memory=[{"id": "ram-ddr5-udimm-32gb", "quantity": 2}],
           psus=[{"id": "psu-atx-1600w", "quantity": 1}])
MAXQ = "rtx-pro-6000-maxq"


def cards(gpu: str, *slots: int) -> list[dict]:
    return [{"id": gpu, "slot": s} for s in slots]


def test_the_tower_example_map_reads_slot_by_slot(catalog):
    m = lane_map(load(EXAMPLES / "ws-2x-rtxpro6000-maxq.json", catalog))
    assert m.kind == "tower" and len(m.slots) == 8  # 7 board slots + the case's 8th bracket position
    states = [s.state for s in m.slots]
    assert states == [GPU, COVERED, NIC, FREE, GPU, COVERED, FREE, NO_CONNECTOR]
    assert m.gpu(1).position == 1 and m.gpu(2).position == 5 and m.gpu(2).lanes == 16
    assert m.slots[1].covered_by == "GPU 1" and m.slots[2].part_id == "nic-intel-x710-t2l"
    assert m.slots[2].lanes == 8 and not m.slots[2].narrowed  # an x8 card in an x16 slot gets all it uses
    assert [s.drive_id for s in m.m2] == ["nvme-samsung-9100pro-4tb"] * 2 + [None, None]
    assert "PCIEX16(G5)_5: GPU 2 runs at x16" in m.lines()


def test_two_cards_on_a_desktop_board_split_its_x16(catalog):
    one = lane_map(make(catalog, WORKSTATION, **AM5, gpus=cards(MAXQ, 1)))
    assert one.gpu(1).lanes == 16 and not one.gpu(1).narrowed
    two = lane_map(make(catalog, WORKSTATION, **AM5, gpus=cards(MAXQ, 1, 4)))
    assert (two.gpu(1).lanes, two.gpu(2).lanes) == (8, 8)
    assert two.gpu(1).narrowed and two.gpu(1).shared_with == ("slot 4",)
    assert two.gpu(2).label == "GPU 2 runs at x8 (shares lanes with slot 1)"
    assert two.gpu(2).name == "PCI_E2"


def test_an_m2_drive_narrows_the_slot_that_shares_with_its_socket(catalog):
    drives = [{"id": "nvme-samsung-990pro-2tb", "quantity": 3}]
    three = lane_map(make(catalog, WORKSTATION, **AM5, gpus=cards(MAXQ, 1), storage=drives,
                          network=[{"id": "nic-cx6dx-1x100gbe"}]))
    nic = next(s for s in three.slots if s.state == NIC)
    assert nic.position == 7 and nic.lanes == 4 and nic.narrowed  # a x16 card in the chipset's x4 slot
    four = lane_map(make(catalog, WORKSTATION, **AM5, gpus=cards(MAXQ, 1), network=[{"id": "nic-cx6dx-1x100gbe"}],
                         storage=[{"id": "nvme-samsung-990pro-2tb", "quantity": 4}]))
    nic = next(s for s in four.slots if s.state == NIC)
    assert nic.lanes == 2 and nic.shared_with == ("M.2_4",)


def test_a_nic_goes_first_where_it_narrows_no_card(catalog):
    m = lane_map(make(catalog, WORKSTATION, **AM5, gpus=cards("rtx-4090", 1), network=[{"id": "nic-intel-x710-t2l"}]))
    # the 4090 covers 1-3; slot 4 would take 8 of slot 1's lanes: the NIC goes to slot 7 instead
    assert next(s for s in m.slots if s.state == NIC).position == 7 and m.gpu(1).lanes == 16


def test_hgx_sockets_and_nic_slots(catalog):
    m = lane_map(make(catalog, SXM_SERVER))
    gpus = [s for s in m.slots if s.group == GPU]
    nics = [s for s in m.slots if s.group == NIC]
    assert len(gpus) == 8 and all(s.lanes == 16 and s.link == "HGX board" for s in gpus)
    assert len(nics) == 10 and sum(s.state == NIC for s in nics) == 8


def test_dimm_population_states_the_speed(catalog):
    one = dimm_population(make(catalog, WORKSTATION, **AM5))
    assert (one.speed_mts, one.dimms_per_channel, one.limits) == (5600, 1, ())
    assert [ch.count for ch in one.channels] == [1, 1]
    four = dimm_population(make(catalog, WORKSTATION, **{**AM5, "memory": [{"id": "ram-ddr5-udimm-32gb",
                                                                           "quantity": 4}]}))
    assert (four.speed_mts, four.rated_mts, four.dimms_per_channel) == (3600, 5600, 2)
    assert four.limits == ("2 DIMMs per channel",) and four.limited_by_population
    assert [d.slot for d in four.channels[0].dimms] == ["A", "B"]
    xeon = dimm_population(make(catalog, SXM_SERVER, platform="plat-xeon-8480p-2s",
                                memory=[{"id": "ram-ddr5-rdimm-64gb", "quantity": 32}]))
    assert (xeon.speed_mts, xeon.dimms_per_channel) == (4400, 2)
    slow = dimm_population(make(catalog, WORKSTATION))  # DDR5-5600 modules on a DDR5-6400 platform
    assert slow.speed_mts == 5600 and slow.limits == ("DDR5-5600 modules",) and not slow.limited_by_population
    tall = dimm_population(make(catalog, WORKSTATION, memory=[{"id": "ram-ddr5-rdimm-256gb", "quantity": 8}]))
    assert tall.speed_mts == 5600 and "4-rank modules" in tall.limits


def test_a_pcie_server_map_and_partial_builds(catalog):
    server = make(catalog, WORKSTATION, chassis="chassis-4u-pcie-8gpu", platform="plat-epyc-9554-sp5-1s",
                  psus=[{"id": "psu-crps-3000w", "quantity": 4}], gpus=cards("l40s", 1, 3),
                  network=[{"id": "nic-cx7-ndr-400g"}])
    m = lane_map(server)
    gpu_slots = [s for s in m.slots if s.group == GPU]
    assert len(gpu_slots) == 16 and [s.state for s in gpu_slots[:5]] == [GPU, COVERED, GPU, COVERED, FREE]
    assert m.gpu(2).link == "PCIe switch" and m.gpu(2).lanes == 16
    nic_slots = [s for s in m.slots if s.group == NIC]
    assert len(nic_slots) == 4 and nic_slots[0].label == "NIC 1 runs at x16" and nic_slots[1].state == FREE
    bare = make(catalog, WORKSTATION, platform=None, memory=[], storage=[])
    assert lane_map(bare).kind == "tower" and lane_map(bare).gpu(1).lanes == 16  # x16 without board rows
    assert dimm_population(bare).channels == () and lane_map(make(catalog, WORKSTATION, chassis=None)).slots == ()
