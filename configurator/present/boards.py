"""How a GPU baseboard is named, by its vendor: NVIDIA's HGX boards join SXM modules over NVLink (NVSwitch);
AMD's OAM universal baseboards (UBB) join OAM modules over Infinity Fabric. A board of unknown vendor is a
plain "GPU board"."""

from __future__ import annotations

# vendor (gpus.csv vendor, upper case) -> (board, module form, GPU-to-GPU fabric)
BOARDS = {
    "NVIDIA": ("HGX board", "SXM", "NVLink"),
    "AMD": ("OAM board", "OAM", "Infinity Fabric"),
}
OTHER = ("GPU board", "module", "")


def _board(vendor: str) -> tuple[str, str, str]:
    return BOARDS.get((vendor or "").strip().upper(), OTHER)


def board_label(vendor: str, sockets: int) -> str:
    """'HGX board · 8 SXM sockets · NVLink', 'OAM board · 8 OAM sockets · Infinity Fabric'."""
    board, form, fabric = _board(vendor)
    word = "socket" if sockets == 1 else "sockets"
    return " · ".join(filter(None, (board, f"{sockets} {form} {word}", fabric)))


def board_fabric(vendor: str) -> str:
    """'NVLink', 'Infinity Fabric' (the GPUs' own links on the board; '' when unknown)."""
    return _board(vendor)[2]


def board_cabling(vendor: str) -> str:
    """The build sheet's line on the GPU links of a baseboard."""
    if _board(vendor)[0] == "HGX board":
        return "NVLink: through the HGX baseboard (NVSwitch); no external NVLink cables."
    if _board(vendor)[0] == "OAM board":
        return "Infinity Fabric: through the OAM universal baseboard (UBB); no external GPU cables."
    return "GPU links: through the GPU baseboard; no external GPU cables."


def board_name(vendor: str) -> str:
    """'HGX board' (NVIDIA), 'OAM board' (AMD), 'GPU board' (other)."""
    return _board(vendor)[0]
