"""Positions: the host board a chassis takes, passive cards outside server airflow, slot connectors and the
board slots GPU coolers leave free for network cards. Each is a physical constraint (``constraints``): placement
refuses the same fault with the same sentence.

- PLATFORM_CLASS (error): an HGX chassis with a board it does not ship with; a board of the wrong class.
- PASSIVE_COOLING (error): a passive (server-edition) card in a chassis without server airflow.
- SLOT_NO_CONNECTOR (error): a card starting at a position with no slot connector.
- SLOT_COVERED (error): network cards with no board slot left that a cooler does not cover (towers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from configurator.core.configuration import constraints as c
from configurator.core.configuration import fixes, lanes
from configurator.core.rules.findings import Finding, error

if TYPE_CHECKING:
    from configurator.core.configuration import Build


def _errors(*problems: c.Problem | None) -> Iterator[Finding]:
    for p in problems:
        if p is not None:
            yield error(p.code, p.text, *p.parts)


def platform_class(build: "Build") -> Iterator[Finding]:
    chassis, platform = build.chassis, build.platform
    if chassis is None or platform is None or c.platform_socket(chassis, platform) is not None:
        return  # a socket mismatch is PLATFORM_CHASSIS
    yield from _errors(c.platform_class(chassis, platform, fixes.host_platforms(build, chassis)))


def airflow(build: "Build") -> Iterator[Finding]:
    chassis = build.chassis
    if chassis is None or build.on_board:
        return
    models = {p.gpu.id: p.gpu for p in build.gpus}.values()
    yield from _errors(*(c.gpu_airflow(chassis, g, fixes.cooled_alternative(build, g)) for g in models))


def slot_room(build: "Build") -> Iterator[Finding]:
    chassis = build.chassis
    if chassis is None or build.on_board:
        return
    connectors = lanes.connector_positions(build)
    yield from _errors(*(c.card_connector(chassis, p.gpu, p.slot, connectors) for p in build.gpus
                         if p.slot is not None and not p.gpu.is_module))
    yield from _errors(c.nic_room(chassis, build.count("network"), lanes.free_board_slots(build),
                                  [i.part.id for i in build.network]))


RULES = [platform_class, airflow, slot_room]
