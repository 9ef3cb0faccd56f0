"""Completeness and the cluster fabric: parts every build needs, NICs per GPU, node count."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from configurator.core.configuration.spec import fabric_nics
from configurator.core.rules.findings import Finding, error, info, warning
from configurator.core.workload import TRAINING

if TYPE_CHECKING:
    from configurator.core.configuration import Build


def missing_parts(build: "Build") -> Iterator[Finding]:
    if build.chassis is None:
        yield error("MISSING_PART", "The build has no chassis.")
    if build.platform is None:
        yield error("MISSING_PART", "The build has no CPU platform (processor and motherboard).")
    if not build.psus:
        yield error("MISSING_PART", "The build has no power supply.")
    if not build.memory:
        yield error("MISSING_PART", "The build has no system memory.")
    if not build.gpus:
        yield warning("MISSING_PART", "The build has no GPU.")
    if not build.storage:
        yield warning("MISSING_PART", "The build has no drive for the operating system and models.")
    kinds = {i.part.kind for i in build.services}
    if "burn_in" not in kinds:
        yield info("MISSING_PART", "No burn-in service: every system we ship normally gets the 48-hour burn-in.")
    if "warranty" not in kinds:
        yield info("MISSING_PART", "No warranty line: add the included 3-year warranty or an extension.")


def cluster_fabric(build: "Build") -> Iterator[Finding]:
    if build.nodes < 2:
        if build.kind == "cluster":
            yield warning("CLUSTER_NODES", "A cluster of one node is a single server: set two or more nodes.")
        return
    fabric = fabric_nics(build)
    per_node = sum(q for _, q in fabric)
    floor = build.param("fabric_nic_min_gbps")
    gpus = build.gpus_per_node
    if per_node == 0:
        yield error("NIC_PER_GPU", f"The {build.nodes} nodes have no fabric network card (at least {floor:g} Gb/s): "
                    f"they cannot work together. Add InfiniBand NDR or 400GbE NICs.", *build.gpu_counts())
        return
    want = int(build.param("nics_per_gpu_cluster") * gpus)
    # any workload that trains across the nodes (not only the one shown): the findings do not change with the selection
    if any(w.workload.kind == TRAINING for w in build.workloads) and per_node < want:
        yield warning("NIC_PER_GPU", f"Multi-node training wants one fabric NIC per GPU ({want} per node); each node "
                      f"has {per_node}. Gradient exchange between nodes will slow training down.",
                      *[n.id for n, _ in fabric])


RULES = [missing_parts, cluster_fabric]
