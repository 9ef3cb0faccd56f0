"""The wording of the lane map and the DIMM diagram (build sheet and window): lane widths, memory speeds, a DIMM's
short label and the sentence that says the speed all DIMMs run at and why it is lower than the platform's best.

Plain values in, text out (stdlib only): the figures come from core/configuration/lanes.py.
"""

from __future__ import annotations

from configurator.present.numbers import count


def lane_width(lanes: int) -> str:
    """'x16', 'x8'; 'none' for a position without a connector (0 lanes)."""
    return f"x{lanes}" if lanes > 0 else "none"


def speed(mts: int | None) -> str:
    """'4800 MT/s' (memory speed in megatransfers per second, written without a thousands separator as on DIMM
    labels); 'unknown' when the catalog has no figure."""
    return f"{mts} MT/s" if mts else "unknown"


def dimm_short(capacity_gb: int, ranks: int) -> str:
    """The label inside a DIMM slot of the diagram: '64 GB 2R' (capacity as the module's datasheet gives it)."""
    return f"{capacity_gb} GB {ranks}R"


def dimm_legend(name: str, memory_type: str, ranks: int, rated_mts: int, n: int) -> str:
    """One module kind under the diagram: '8 x 64 GB DDR5-6400 ECC RDIMM 2Rx4 (DDR5 RDIMM, 2 ranks, rated 6400
    MT/s)'."""
    return f"{n} x {name} ({memory_type}, {count(ranks, 'rank')}, rated {speed(rated_mts)})"


def channel_name(channel: int) -> str:
    return f"Ch {channel}"


def memory_speed_line(dimms: int, speed_mts: int | None, rated_mts: int | None, limits: tuple[str, ...]) -> str:
    """What every DIMM runs at, against the platform's best, with the reasons it is lower:
    'All 8 DIMMs run at 5600 MT/s; the platform's best is 6400 MT/s, lower because of DDR5-5600 modules.'"""
    if dimms == 0:
        return "No DIMMs in the build."
    who = "The DIMM runs" if dimms == 1 else f"All {dimms} DIMMs run"
    if speed_mts is None:
        return f"{who} at a speed the catalog does not list for this platform."
    text = f"{who} at {speed(speed_mts)}"
    if rated_mts is None:
        return text + "."
    if speed_mts >= rated_mts:
        return text + ", the platform's best."
    why = f", lower because of {' and '.join(limits)}" if limits else ""
    return text + f"; the platform's best is {speed(rated_mts)}{why}."


def channels_line(channels: int, slots_per_channel: int, sockets: int) -> str:
    """'24 channels (12 per CPU), 2 slots each (A, B)'."""
    per = f" ({channels // sockets} per CPU)" if sockets > 1 and channels % sockets == 0 else ""
    names = ", ".join(slot_name(i) for i in range(slots_per_channel))
    each = f"{count(slots_per_channel, 'slot')} each ({names})"
    return f"{count(channels, 'channel')}{per}, {each}"


def slot_name(index: int) -> str:
    """The channel's slots as the core names them: A, B, then 3, 4, ... (index from 0)."""
    return "AB"[index] if index < 2 else str(index + 1)
