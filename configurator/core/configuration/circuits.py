"""The wall circuit a node is fed from: a catalog circuit (db/circuits.csv) or one typed in (volts, amps, phases).

``WallCircuit`` is a ``parts.Circuit`` with ``phases`` (1 or 3): what ``Build.circuit`` returns, so a rule can
tell single- from three-phase feeds. The catalog has no phases column yet; a catalog circuit's phases are read
from its figures (circuits.csv gives three-phase power as sqrt(3) x V x A, single-phase as V x A). A circuit
typed in is computed the same way: V is the line-to-line voltage of a three-phase feed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from configurator.core import parts
from configurator.core.errors import InvalidInputError

CUSTOM_ID = "custom-circuit"
PHASES = (1, 3)
# Share of the breaker rating a continuous load may draw: NEC 210.19/210.20 (80%), as in db/circuits.csv.
CONTINUOUS_SHARE = 0.8
# Plausible ranges for a typed-in circuit: 100 V (Japan) to 480 V (US three-phase industrial); 1 A to 400 A.
VOLTS_RANGE = (100.0, 480.0)
AMPS_RANGE = (1.0, 400.0)


@dataclass(frozen=True)
class WallCircuit(parts.Circuit):
    phases: int = 1


def phases_of(circuit: parts.Circuit) -> int:
    """3 when the catalog's peak watts are sqrt(3) x V x A (three-phase power), else 1."""
    given = getattr(circuit, "phases", None)
    if given in PHASES:
        return given
    single = circuit.volts * circuit.amps
    return 3 if abs(circuit.peak_w - math.sqrt(3) * single) < abs(circuit.peak_w - single) else 1


def from_catalog(circuit: parts.Circuit) -> WallCircuit:
    if isinstance(circuit, WallCircuit):
        return circuit
    values = {f.name: getattr(circuit, f.name) for f in fields(parts.Circuit)}
    return WallCircuit(**values, phases=phases_of(circuit))


def check(volts, amps, phases) -> tuple[float, float, int]:
    """(volts, amps, phases) of a typed-in circuit, or InvalidInputError naming the bad value."""
    for value, what, (low, high) in ((volts, "voltage", VOLTS_RANGE), (amps, "current", AMPS_RANGE)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InvalidInputError(f"the circuit's {what} must be a number, not {value!r}")
        if not low <= value <= high:
            unit = "V" if what == "voltage" else "A"
            raise InvalidInputError(f"a circuit's {what} of {value:g} {unit} is outside {low:g}-{high:g} {unit}")
    if phases not in PHASES or isinstance(phases, bool):
        raise InvalidInputError(f"a circuit has 1 or 3 phases, not {phases!r}")
    return float(volts), float(amps), int(phases)


def custom(volts, amps, phases: int = 1) -> WallCircuit:
    """A circuit typed in: peak V x A (single-phase) or sqrt(3) x V x A (three-phase), 80% of it continuous."""
    volts, amps, phases = check(volts, amps, phases)
    peak_w = volts * amps * (math.sqrt(3) if phases == 3 else 1.0)
    kind = "three-phase" if phases == 3 else "single-phase"
    return WallCircuit(id=CUSTOM_ID, name=f"{volts:g} V {amps:g} A {kind} (entered)", volts=volts, amps=amps,
                       peak_w=peak_w, continuous_w=peak_w * CONTINUOUS_SHARE,
                       source="entered in the build; NEC 210.19/210.20 80% continuous-load rule", phases=phases)


def same_figures(circuit: parts.Circuit, volts: float, amps: float, phases: int) -> bool:
    return (math.isclose(circuit.volts, volts) and math.isclose(circuit.amps, amps)
            and phases_of(circuit) == phases)
