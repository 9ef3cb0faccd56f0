"""Networking per GPU for multi-node training (FABRIC_BANDWIDTH, warning).

Bandwidth per GPU is what the node's fabric NICs carry (ports x port speed, capped by the controller where its
datasheet says so: Nic.total_gbps) shared by the node's GPUs, against the reference of one 400 Gb/s link per GPU
(db/rule_params.csv fabric_gbps_per_gpu). A GPU's traffic in a collective runs over one port, so ports slower than
the reference are named too: two 100 GbE ports are two 100 Gb/s links, not a 400 Gb/s one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from configurator.core.configuration.spec import fabric_nics
from configurator.core.rules.findings import Finding, warning
from configurator.core.workload import TRAINING
from configurator.present import count

if TYPE_CHECKING:
    from configurator.core.configuration import Build


def _gbps(value: float) -> str:
    return f"{value:,.0f} Gb/s"


def _reference_nic(build: "Build", reference: float):
    """A catalog NIC with one port at the reference speed (the fix), InfiniBand first."""
    listing = getattr(build.catalog, "list", None)
    if listing is None:
        return None
    found = [n for n in listing("network") if n.ports == 1 and n.speed_gbps >= reference]
    found.sort(key=lambda n: (n.speed_gbps, n.fabric != "infiniband", n.id))
    return found[0] if found else None


def fabric_bandwidth(build: "Build") -> Iterator[Finding]:
    # any workload of the build that trains (the findings do not change with the selected one)
    if build.nodes < 2 or not build.gpus or not any(w.workload.kind == TRAINING for w in build.workloads):
        return
    nics = fabric_nics(build)
    if not nics:
        return  # NIC_PER_GPU: no fabric at all
    reference = build.param("fabric_gbps_per_gpu")
    gpus = build.gpus_per_node
    total = sum(n.total_gbps * q for n, q in nics)
    per_gpu = total / gpus
    # every port at what it can carry (a controller slower than its ports shares itself among them), fastest first;
    # a GPU's rail is one port: the fastest ``gpus`` ports are the rails
    ports = sorted((n.total_gbps / n.ports for n, q in nics for _ in range(q * n.ports)), reverse=True)
    slowest = ports[min(gpus, len(ports)) - 1]
    ids = [n.id for n, _ in nics]
    fix_nic = _reference_nic(build, reference)
    fix = (f" One {fix_nic.name} per GPU ({count(gpus, 'card')} per node) gives the reference."
           if fix_nic is not None else "")
    ids += [fix_nic.id] if fix_nic is not None else []
    what = " + ".join(f"{q} x " + (f"{n.ports} x " if n.ports > 1 else "") + _gbps(n.speed_gbps)
                      + (f" (each card carries {_gbps(n.aggregate_gbps)} in all)" if n.aggregate_gbps else "")
                      for n, q in nics)
    if per_gpu < reference:
        yield warning("FABRIC_BANDWIDTH", f"Each GPU gets {_gbps(per_gpu)} to the other nodes ({what} for "
                      f"{count(gpus, 'GPU')}); multi-node training wants {_gbps(reference)} per GPU. Gradient "
                      f"exchange will be the bottleneck.{fix}", *ids)
    elif slowest < reference:
        yield warning("FABRIC_BANDWIDTH", f"The fabric adds up to {_gbps(per_gpu)} per GPU, but over "
                      f"{_gbps(slowest)} ports ({what}): one GPU's traffic runs over one port, and several slower "
                      f"ports are not a {_gbps(reference)} link.{fix}", *ids)


RULES = [fabric_bandwidth]
