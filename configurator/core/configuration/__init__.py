"""The build model: three kinds of build, checked placement, change events, and the sizing view."""

from configurator.core.configuration.catalog import Catalog
from configurator.core.configuration.model import (
    CLUSTER,
    ITEM_SECTIONS,
    KINDS,
    SXM_SERVER,
    WORKSTATION,
    Build,
    BuildEvent,
    GpuPlacement,
    Item,
    PlaceResult,
)
from configurator.core.configuration.spec import to_system_spec

__all__ = [
    "Build", "BuildEvent", "Catalog", "GpuPlacement", "Item", "PlaceResult", "to_system_spec",
    "KINDS", "WORKSTATION", "SXM_SERVER", "CLUSTER", "ITEM_SECTIONS",
]
