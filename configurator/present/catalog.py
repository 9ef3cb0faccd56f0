"""How a catalog part's specifications read in the window: a label a person understands for every field
(never a raw field name such as ``sockets_supported``), and each value with its unit.

Labels carry the unit the catalog keeps the figure in (db/README.md): GB, TB, W, GB/s, Gb/s, MT/s, TFLOPS.
A field without an entry here (a column added later) gets a label made from its name and unit suffix, so
the part panel never shows an underscore.
"""

from __future__ import annotations

# field -> label (with the unit of the figure)
FIELD_LABELS = {
    "id": "Catalog id", "vendor": "Vendor", "mfr_part_number": "Manufacturer part no.",
    "form_factor": "Form factor", "memory_gb": "Memory (GB)", "memory_type": "Memory type",
    "bandwidth_tb_s": "Memory bandwidth (TB/s)", "fp16_bf16_dense_tflops": "FP16/BF16 dense (TFLOPS)",
    "fp8_dense_tflops": "FP8 dense (TFLOPS)", "fp4_dense_tflops": "FP4 dense (TFLOPS)",
    "int8_dense_tops": "INT8 dense (TOPS)", "tdp_w": "Board power (W)", "slot_width": "Width (slots)",
    "cooling": "Cooling", "nvlink": "GPU-to-GPU link", "ecc": "ECC memory", "pcie_gen": "PCIe generation",
    "launch_year": "Launched", "approx_price_usd": "Street price (USD, approx.)", "sellable": "Sold",
    "cpu": "Processor", "socket": "CPU socket", "chipset": "Chipset", "sockets": "CPU sockets",
    "cores": "Cores", "memory_channels": "Memory channels", "dimms_per_channel": "DIMMs per channel",
    "max_memory_gb": "Most memory (GB)", "ecc_required": "Needs registered ECC memory",
    "pcie_lanes": "PCIe lanes", "pcie_x16_slots": "PCIe x16 slots", "cpu_tdp_w": "CPU power (W)",
    "base_load_w": "Base load (W)", "segment": "Segment", "board": "Motherboard", "m2_sockets": "M.2 sockets",
    "kind": "Kind", "rack_units": "Height (U)", "sockets_supported": "Takes CPU sockets",
    "slot_positions": "Slot positions", "max_gpus": "Most GPUs", "max_gpu_width": "Widest GPU (slots)",
    "sxm_gpus": "Board takes GPUs", "nic_slots": "NIC slots", "psu_bays": "PSU bays", "psu_form": "PSU form",
    "psu_redundancy": "PSU redundancy", "max_psu_w": "Largest PSU (W)", "circuit": "Default wall circuit",
    "airflow": "Airflow", "server_airflow": "Server fan wall", "host_classes": "Takes platforms of",
    "host_boards": "Ships with host boards", "u2_bays": "U.2 bays", "e3s_bays": "E3.S bays",
    "form": "Form", "watts": "Output at 200-240 V (W)", "watts_at_120v": "Output at 100-127 V (W)",
    "efficiency": "Efficiency", "conn_12v2x6": "12V-2x6 connectors", "conn_8pin": "8-pin connectors",
    "capacity_gb": "Capacity (GB)", "speed_mts": "Speed (MT/s)", "registered": "Registered (RDIMM)",
    "ranks": "Ranks", "capacity_tb": "Capacity (TB)", "interface": "Interface", "power_w": "Power (W)",
    "fabric": "Fabric", "speed_gbps": "Speed per port (Gb/s)", "ports": "Ports",
    "aggregate_gbps": "Total line rate (Gb/s)", "gpus": "For GPUs", "ways": "GPUs joined",
    "bandwidth_gb_s": "Bandwidth per GPU (GB/s)", "spacing_slots": "Slot spacing", "pieces": "Bridges per set",
    "years": "Years", "per": "Priced per", "description": "Description",
    "params_b": "Parameters (billions)", "active_params_b": "Active parameters (billions)", "layers": "Layers",
    "hidden": "Hidden size", "heads": "Attention heads", "kv_heads": "KV heads", "head_dim": "Head size",
    "intermediate": "MLP size", "vocab": "Vocabulary", "tied_embeddings": "Tied embeddings",
    "experts": "Experts", "experts_active": "Experts per token", "shared_experts": "Shared experts",
    "expert_intermediate": "Expert MLP size", "dense_layers": "Dense layers", "dense_intermediate":
    "Dense MLP size", "attention": "Attention", "kv_lora_rank": "KV compression rank",
    "qk_rope_head_dim": "RoPE head size", "sliding_window": "Sliding window (tokens)",
    "max_context": "Longest context (tokens)", "shipped_precision": "Published weights",
    "sliding_window_layers": "Sliding-window layers", "moe_layers": "MoE layers",
    "attention_sinks": "Attention sinks", "q_lora_rank": "Query compression rank",
    "bits_per_weight": "Bits per weight", "family": "Family", "compute": "Runs at",
    "default_parallel": "Multi-GPU", "memory_fraction": "Memory share", "cuda_graphs": "CUDA graphs",
}
UNIT_SUFFIXES = (  # field-name ending -> unit, for fields without a label above
    ("_tb_s", "TB/s"), ("_gb_s", "GB/s"), ("_gbps", "Gb/s"), ("_tflops", "TFLOPS"), ("_tops", "TOPS"),
    ("_mts", "MT/s"), ("_gb", "GB"), ("_tb", "TB"), ("_w", "W"), ("_usd", "USD"), ("_s", "s"),
)
ZERO_MEANS = {  # field -> what a 0 in it says (instead of a bare "0")
    "watts_at_120v": "does not run on 100-127 V",
    "rack_units": "tower",
    "max_gpu_width": "modules on a board",
    "years": "one-off",
}


def field_label(field: str) -> str:
    """'sockets_supported' -> 'Takes CPU sockets'; an unknown 'fan_noise_db' -> 'Fan noise db'."""
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    for suffix, unit in UNIT_SUFFIXES:
        if field.endswith(suffix):
            words = field[: -len(suffix)].replace("_", " ").strip()
            return f"{words.capitalize()} ({unit})"
    return field.replace("_", " ").capitalize()


def spec_value(field: str, value) -> str:
    """A spec as it reads: '—' when blank, yes/no, whole numbers without '.0', grouped thousands, and a word
    where 0 means something (a PSU that does not run on 100-127 V)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)) and value == 0 and field in ZERO_MEANS:
        return ZERO_MEANS[field]
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}" if field not in ("launch_year",) else str(value)
    return str(value)


def _unit_word(field: str) -> str:
    label = field_label(field)
    return label[label.rindex("(") + 1:-1].split(",")[0].lower() if label.endswith(")") else ""


_SEARCH_FIELDS: dict[type, list[tuple[str, str]]] = {}  # part class -> [(field, unit word)]: made once per kind
NOT_SEARCHED = {"id", "name", "source", "notes", "sellable", "approx_price_usd", "description", "airflow"}


def spec_words(part) -> str:
    """Lower-case text of every spec value with its unit ('96 gb', '1.8 tb/s', 'nvlink4 900gb/s'): what the
    catalog filter matches besides id and name, so "96", "80 GB" or "nvlink" find parts by what they are.
    Notes and sources are left out: a note that says "no NVLink" must not match "nvlink"."""
    cls = type(part)
    fields = _SEARCH_FIELDS.get(cls)
    if fields is None:
        import dataclasses

        names = [f.name for f in dataclasses.fields(part)] if dataclasses.is_dataclass(part) else list(vars(part))
        fields = _SEARCH_FIELDS[cls] = [(n, _unit_word(n)) for n in names if n not in NOT_SEARCHED]
    words = []
    values = vars(part)
    for name, unit in fields:
        value = values.get(name)
        if value is None or value == "" or isinstance(value, bool):
            continue
        text = spec_value(name, value).replace(",", "") if isinstance(value, (int, float)) else str(value)
        words.append(f"{text} {unit}" if unit else text)
    return " ".join(words).lower()


def _n(value: float) -> str:
    return f"{value:,g}" if isinstance(value, float) else f"{value:,}"


def key_specs(kind: str, part, price: str = "") -> str:
    """The line under a part's name in the catalog: what a buyer compares first, and the list price.
    'gpus': '96 GB · 1.792 TB/s · $8,565.00'; 'psus': '3,300 W · 200-240 V only · $1,100.00'."""
    g = lambda name, default=None: getattr(part, name, default)  # noqa: E731  (parts of any kind)
    specs: list[str] = []
    if kind == "gpus":
        specs = [f"{_n(g('memory_gb'))} GB", f"{g('bandwidth_tb_s'):g} TB/s"]
    elif kind == "platforms":
        specs = [f"{_n(g('cores'))} cores", f"{_n(g('pcie_lanes'))} PCIe lanes"]
    elif kind == "chassis":
        specs = [f"{_n(g('max_gpus'))} GPUs", f"{g('rack_units')}U" if g("rack_units") else "tower"]
    elif kind == "psus":
        low = g("watts_at_120v") or 0
        specs = [f"{_n(g('watts'))} W", f"{_n(low)} W at 100-127 V" if low else "200-240 V only"]
    elif kind == "memory":
        specs = [f"{_n(g('capacity_gb'))} GB", f"{g('memory_type')}-{g('speed_mts')}"]
    elif kind == "storage":
        specs = [f"{_n(g('capacity_tb'))} TB", str(g("form"))]
    elif kind == "network":
        specs = [f"{g('ports')} x {_n(g('speed_gbps'))} Gb/s", str(g("fabric"))]
    elif kind == "bridges":
        specs = [f"{g('ways')}-way", f"{_n(g('bandwidth_gb_s'))} GB/s"]
    elif kind == "services":
        specs = [f"{g('years')} years" if g("years") else "one-off", f"per {g('per')}"]
    elif kind == "models":
        specs = [f"{g('params_b'):,.3g}B parameters"]
        if g("max_context"):
            specs.append(f"{_n(g('max_context'))} tokens context")
    return " · ".join([*specs, *([price] if price else [])])
