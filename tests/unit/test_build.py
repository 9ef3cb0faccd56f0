"""The build model: placement with reasons, remove/move/quantities, change events, the sizing view."""

from __future__ import annotations

import pytest

from configurator.core.configuration import Build, BuildEvent, to_system_spec
from configurator.core.errors import InvalidInputError
from configurator.core.system import IB_NDR, NVLINK5, PCIE5
from tests.unit.test_build_helpers import CLUSTER, SXM_SERVER, WORKSTATION, make


@pytest.fixture
def tower(catalog):
    b = Build(catalog, "workstation")
    assert b.place("chassis-tower-ws")
    assert b.place("plat-tr-pro-9975wx-wrx90")
    return b


def test_gpus_land_in_next_free_positions_by_width(tower):
    slots = [tower.place("rtx-pro-6000-maxq").slot for _ in range(4)]
    assert slots == [1, 3, 5, 7]  # 2-slot cards in an 8-position tower
    full = tower.place("rtx-pro-6000-maxq")
    assert not full and "at most 4 GPUs" in full.reasons[0]
    assert tower.gpus_per_node == 4


def test_place_at_a_covered_slot_says_which_card_covers_it(tower):
    assert tower.place("rtx-pro-6000-maxq", slot=2).slot == 2
    result = tower.can_place("rtx-pro-6000-maxq", slot=3)
    assert not result and "Slot 3 is covered by the RTX PRO 6000 Blackwell Max-Q" in result.reasons[0]
    past_end = tower.can_place("rtx-pro-6000-maxq", slot=8)
    assert "run past the last position" in past_end.reasons[0]
    assert "there is no slot 12" in tower.can_place("rtx-pro-6000-maxq", slot=12).reasons[0]
    assert tower.gpus_per_node == 1  # can_place changed nothing


def test_three_slot_cards_need_three_positions(tower):
    assert [tower.place("rtx-4090").slot for _ in range(2)] == [1, 4]
    assert not tower.place("rtx-4090")  # a third would need positions 7-9 of 8
    assert tower.gpus_per_node == 2
    assert "3 free neighbouring slot positions" in tower.can_place("rtx-4090").reasons[0]


def test_module_gpu_refused_in_a_tower_and_pcie_card_on_a_board(catalog, tower):
    reasons = tower.can_place("h100-sxm").reasons
    assert reasons and "SXM/OAM module" in reasons[0]
    hgx = Build(catalog, "sxm_server")
    assert "Choose a chassis first" in hgx.can_place("h100-sxm").reasons[0]
    assert hgx.place("chassis-hgx-h100-8gpu")
    assert "PCIe card" in hgx.can_place("l40s").reasons[0]
    assert "takes only h100-sxm, h200-sxm" in hgx.can_place("b200-sxm").reasons[0]
    assert [hgx.place("h100-sxm").slot for _ in range(8)] == list(range(1, 9))
    assert "All 8 GPU sockets" in hgx.can_place("h100-sxm").reasons[0]


def test_board_takes_identical_gpus_only(catalog):
    hgx = Build(catalog, "sxm_server")
    hgx.place("chassis-hgx-h100-8gpu")
    hgx.place("h100-sxm")
    assert "identical GPUs" in hgx.can_place("h200-sxm").reasons[0]


def test_chassis_and_platform_reasons(catalog, tower):
    assert "not a chassis for a workstation" in tower.can_place("chassis-hgx-h100-8gpu").reasons[0]
    assert "SP5" in tower.can_place("plat-epyc-9554-sp5-1s").reasons[0]
    assert "not a hardware part" in tower.can_place("llama-3.1-8b").reasons[0]
    assert "no part 'nope'" in tower.can_place("nope").reasons[0]
    server = Build(catalog, "sxm_server")
    server.place("plat-tr-pro-9975wx-wrx90")
    assert "socket" in server.can_place("chassis-hgx-h100-8gpu").reasons[0]


def test_item_limits_come_from_the_chassis_and_platform(tower):
    assert tower.set_quantity("psu-atx-1600w", 2)
    assert "2 PSU bays" in tower.place("psu-atx-1600w").reasons[0]
    assert "takes ATX power supplies" in tower.can_place("psu-crps-2000w").reasons[0]
    assert tower.set_quantity("ram-ddr5-rdimm-64gb", 8)
    assert "8 DIMM slots" in tower.place("ram-ddr5-rdimm-64gb").reasons[0]
    assert "limit of 1024" in tower.set_quantity("nvme-samsung-990pro-2tb", 5000).reasons[0]
    assert tower.quantity("nvme-samsung-990pro-2tb") == 0


def test_bridge_needs_identical_bridge_capable_cards(catalog):
    b = Build(catalog, "workstation")
    b.place("chassis-4u-pcie-8gpu")
    b.place("plat-epyc-9554-sp5-1s")
    assert "has 0" in b.can_place("bridge-nvlink-h100-2way").reasons[0]
    b.set_quantity("h100-nvl", 2)
    assert b.place("bridge-nvlink-h100-2way")
    assert "need 4 identical cards" in b.place("bridge-nvlink-h100-2way").reasons[0]


def test_remove_move_and_gpu_quantity(tower):
    assert tower.set_quantity("rtx-pro-6000-maxq", 3)
    assert [p.slot for p in tower.gpus] == [1, 3, 5]
    assert tower.remove("rtx-pro-6000-maxq", slot=3) == 3
    assert tower.move(5, 3)
    assert [p.slot for p in tower.gpus] == [1, 3]
    assert not tower.move(3, 2)  # would overlap the card in slot 1
    assert "no GPU in slot 6" in tower.can_move(6, 7).reasons[0]
    assert tower.set_quantity("rtx-pro-6000-maxq", 1)
    assert [p.slot for p in tower.gpus] == [1]
    assert not tower.set_quantity("rtx-pro-6000-maxq", 5)  # 4 fit: nothing changes
    assert tower.gpus_per_node == 1
    with pytest.raises(InvalidInputError):
        tower.remove("rtx-pro-6000-maxq", slot=7)
    tower.remove("chassis-tower-ws")
    assert tower.chassis is None


def test_listeners_hear_each_change_and_batches_once(tower):
    events: list[BuildEvent] = []
    unsubscribe = tower.subscribe(events.append)
    tower.place("rtx-pro-6000-maxq")
    tower.set_quantity("psu-atx-1600w", 1)
    tower.set_notes("hello")
    assert [(e.section, e.action) for e in events] == [("gpus", "added"), ("psus", "added"), ("notes", "set")]
    assert events[0].slot == 1 and events[0].part_id == "rtx-pro-6000-maxq"
    events.clear()
    tower.set_quantity("rtx-pro-6000-maxq", 3)
    assert events == [BuildEvent("all", "changed")]
    unsubscribe()
    tower.place("nvme-samsung-990pro-2tb")
    assert len(events) == 1
    assert not tower.place("rtx-pro-6000-maxq", slot=2) and len(events) == 1  # refused: no event


def test_a_failing_listener_does_not_silence_the_others(tower):
    heard = []

    def broken(event):
        raise RuntimeError("listener bug")

    tower.subscribe(broken)
    tower.subscribe(heard.append)
    with pytest.raises(RuntimeError):
        tower.set_notes("x")
    assert len(heard) == 1


def test_nodes_only_for_clusters_and_bounded(catalog):
    ws = Build(catalog, "workstation")
    with pytest.raises(InvalidInputError):
        ws.set_nodes(2)
    cl = Build(catalog, "cluster")
    assert cl.nodes == 2
    cl.set_nodes(16)
    with pytest.raises(InvalidInputError):
        cl.set_nodes(10**6)
    with pytest.raises(InvalidInputError):
        cl.set_nodes(0)


def test_system_spec_of_workstation_server_and_cluster(catalog):
    ws = to_system_spec(make(catalog, WORKSTATION))
    assert (ws.gpu.id, ws.gpus_per_node, ws.nodes, ws.intra_link, ws.inter_link) == \
        ("rtx-pro-6000-maxq", 2, 1, PCIE5, None)
    hgx = to_system_spec(make(catalog, SXM_SERVER))
    assert (hgx.gpus_per_node, hgx.intra_link) == (8, NVLINK5)
    cl = to_system_spec(make(catalog, CLUSTER))
    assert (cl.total_gpus, cl.inter_link, cl.nics_per_node) == (32, IB_NDR, 8)
    with pytest.raises(InvalidInputError):
        to_system_spec(Build(catalog))
