"""The inter-node link a cluster is sized with follows what the NIC really carries (ports x speed, capped by the
controller's own total: Nic.total_gbps), as the FABRIC_BANDWIDTH rule reads it."""

from __future__ import annotations

from configurator.core.configuration.spec import fabric_nics, nic_link, to_system_spec
from tests.unit.test_build_helpers import CLUSTER, make


def test_a_two_port_card_capped_by_its_controller_is_sized_at_its_cap(catalog):
    e810 = catalog.nic("nic-intel-e810-cqda2")
    assert e810.ports * e810.speed_gbps > e810.total_gbps  # the catalog row: 2 x 100 GbE, 100 Gb/s in all
    assert nic_link(e810).bandwidth_gb_s == e810.total_gbps / 8.0


def test_a_capped_card_is_not_taken_for_a_fabric_nic_it_cannot_be(catalog):
    floor = make(catalog, CLUSTER).param("fabric_nic_min_gbps")
    e810 = catalog.nic("nic-intel-e810-cqda2")
    assert e810.total_gbps < floor <= e810.ports * e810.speed_gbps
    build = make(catalog, CLUSTER, network=[{"id": "nic-intel-e810-cqda2", "quantity": 8}])
    assert fabric_nics(build) == []
    assert to_system_spec(build).inter_link is None
