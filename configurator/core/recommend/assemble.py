"""Complete builds around a GPU choice: the parts a technician would put with them.

The house defaults are the parts of the shipped example builds (resources/examples): a Threadripper PRO
tower for workstations, dual EPYC 9005 hosts for HGX boards, datacenter NVMe, one NDR 400G NIC per GPU in
cluster nodes, 48-hour burn-in and the included warranty. What depends on the GPUs is sized here: PSUs
(load x the transient factor), the wall circuit of a tower, and system memory (at least the recommended
multiple of the GPU memory, one DIMM per channel, balanced). The rules still judge every result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from configurator.core import parts
from configurator.core.configuration import CLUSTER, SXM_SERVER, WORKSTATION, Build
from configurator.core.configuration.placement import board_gpus
from configurator.core.configuration import fixes, lanes
from configurator.core.workload import Workload

WORKSTATION_CHASSIS = "chassis-tower-ws"
WORKSTATION_PLATFORM = "plat-tr-pro-9975wx-wrx90"
SERVER_PLATFORM = "plat-epyc-9555-sp5-2s"
WORKSTATION_PSUS = ("psu-atx-1300w", "psu-atx-1600w")  # smallest first
TOWER_CIRCUITS = ("120v-15a", "120v-20a", "240v-20a")  # office outlet first; a bigger one only when needed
WORKSTATION_STORAGE = (("nvme-samsung-9100pro-4tb", 2),)
SERVER_STORAGE = (("nvme-micron-7450pro-1920gb", 2), ("nvme-samsung-pm1743-7680gb", 4))
WORKSTATION_NIC = "nic-intel-x710-t2l"
NORTH_SOUTH_NIC = "nic-cx7-2x200gbe"
FABRIC_NIC = "nic-cx7-ndr-400g"
BASE_SERVICES = ("svc-burnin-48h", "svc-warranty-3y-parts")
SERVING_SUPPORT = "svc-support-247-3y"
RACK_SERVICE = "svc-rack-integration"


@dataclass(frozen=True)
class Shape:
    """What a candidate is: a GPU, how many per node, how many nodes, and the build kind."""

    kind: str
    gpu: parts.Gpu
    per_node: int
    nodes: int = 1

    @property
    def total(self) -> int:
        return self.per_node * self.nodes


def board_chassis(catalog, gpu: parts.Gpu, count: int) -> parts.Chassis | None:
    """The HGX/OAM chassis whose board takes ``count`` of this module."""
    for chassis in catalog.list("chassis"):
        if chassis.kind == "hgx" and chassis.max_gpus == count and gpu.id in board_gpus(chassis):
            return chassis
    return None


def _price(catalog, part_id: str):
    info = catalog.price(part_id)
    return info.list_price if info is not None else None


def _memory(build: Build, catalog) -> None:
    """One or two DIMMs per channel, the cheapest module set reaching the recommended RAM (2 x VRAM)."""
    platform = build.platform
    target = build.param("ram_vs_vram_ratio_recommended") * sum(p.gpu.memory_gb for p in build.gpus)
    options = []
    for module in catalog.list("memory"):
        if module.memory_type != platform.memory_type or _price(catalog, module.id) is None:
            continue
        for per_channel in range(1, platform.dimms_per_channel + 1):
            n = platform.memory_channels * per_channel
            size = n * module.capacity_gb
            if size > platform.max_memory_gb:
                continue
            options.append((size < target, _price(catalog, module.id) * n, -size, module.id, n))
    if options:
        _, _, _, module_id, n = min(options)
        build.put_item("memory", catalog.memory_module(module_id), n)


def _tower_power(build: Build, catalog) -> None:
    """ATX PSUs for load x transient factor (one or two bays), and the smallest circuit carrying the draw."""
    from configurator.core.rules.power import power_budget

    load = power_budget(build).load_w
    need = load * build.param("psu_transient_factor")
    for psu_id in WORKSTATION_PSUS:
        psu = catalog.psu(psu_id)
        count = max(1, math.ceil(need / psu.watts_at_120v))
        cables = sum(fit.conn_12v2x6 for fit in (fixes.gpu_fit(build, p.gpu) for p in build.gpus) if fit)
        if cables and psu.conn_12v2x6:  # a native 12V-2x6 cable per card (POWER_CONNECTORS)
            count = max(count, math.ceil(cables / psu.conn_12v2x6))
        if count <= build.chassis.psu_bays:
            build.put_item("psus", psu, count)
            break
    wall = load / build.param("psu_wall_efficiency")
    for circuit_id in TOWER_CIRCUITS:
        if catalog.circuit(circuit_id).continuous_w >= wall:
            if circuit_id != build.chassis.circuit:
                build.set_circuit(circuit_id)
            break


def _server_psus(build: Build, catalog) -> None:
    """Every bay filled with the largest server PSU the chassis takes (redundancy as the chassis is built)."""
    chassis = build.chassis
    fitting = [p for p in catalog.list("psus") if p.form == "server" and p.watts <= chassis.max_psu_w]
    if fitting:
        build.put_item("psus", max(fitting, key=lambda p: p.watts), chassis.psu_bays)


def assemble(catalog, shape: Shape, workload: Workload, serving: bool = False) -> Build | None:
    """A complete build for ``shape`` running ``workload``; None when the catalog has no chassis for it."""
    build = Build(catalog, shape.kind)
    with build.batch():
        if shape.kind == WORKSTATION:
            build.put_chassis(catalog.chassis(WORKSTATION_CHASSIS))
            build.put_platform(catalog.platform(WORKSTATION_PLATFORM))
            for _ in range(shape.per_node):
                if not build.place(shape.gpu.id):
                    return None
            for sid, n in WORKSTATION_STORAGE:
                build.put_item("storage", catalog.find(sid)[1], n)
            if lanes.free_board_slots(build):  # only where a GPU cooler leaves a slot (SLOT_COVERED); the board has 10GbE
                build.put_item("network", catalog.nic(WORKSTATION_NIC), 1)
            _tower_power(build, catalog)
        else:
            chassis = board_chassis(catalog, shape.gpu, shape.per_node)
            if chassis is None:
                return None
            build.put_chassis(chassis)
            build.put_platform(catalog.platform(SERVER_PLATFORM))
            for socket in range(1, shape.per_node + 1):
                build.put_gpu(shape.gpu, socket)
            if shape.kind == CLUSTER:
                build.set_nodes(shape.nodes)
                build.put_item("network", catalog.nic(FABRIC_NIC), shape.per_node)
            build.put_item("network", catalog.nic(NORTH_SOUTH_NIC), 1)
            for sid, n in SERVER_STORAGE:
                build.put_item("storage", catalog.find(sid)[1], n)
            _server_psus(build, catalog)
        _memory(build, catalog)
        services = list(BASE_SERVICES)
        if serving and shape.kind != WORKSTATION:
            services.append(SERVING_SUPPORT)
        if shape.kind == CLUSTER:
            services.append(RACK_SERVICE)
        for sid in services:
            build.put_item("services", catalog.service(sid), 1)
        build.set_workload(workload)
        build.set_name(describe(shape))
    return build


KIND_NAMES = {WORKSTATION: "workstation", SXM_SERVER: "server", CLUSTER: "cluster"}


def describe(shape: Shape) -> str:
    """'2 x RTX PRO 6000 Blackwell Max-Q Workstation Edition workstation', '4 nodes x 8 x H100 SXM5 cluster'."""
    if shape.kind == CLUSTER:
        return f"{shape.nodes} nodes x {shape.per_node} x {shape.gpu.name} cluster ({shape.total} GPUs)"
    return f"{shape.per_node} x {shape.gpu.name} {KIND_NAMES[shape.kind]}"
