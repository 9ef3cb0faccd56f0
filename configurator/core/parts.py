"""Catalog part dataclasses: what the catalog repository returns and the core computes with.

Each field is a column of the matching `db/<kind>.csv` source file (same name, same order not required).
Optional numbers are ``None`` when the source leaves them blank (for example FP4 on Hopper).
Every spec row keeps its ``source``. Prices are not on the parts: see ``PriceInfo``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Gpu:
    id: str
    name: str
    vendor: str
    form_factor: str  # "SXM", "PCIe" or "OAM"
    memory_gb: float  # marketed GB, treated as GiB visible to the driver (SIZING.md 2)
    memory_type: str
    bandwidth_tb_s: float
    fp16_bf16_dense_tflops: float
    fp8_dense_tflops: float | None
    fp4_dense_tflops: float | None
    int8_dense_tops: float | None
    tdp_w: float
    slot_width: int | None  # PCIe slots covered by the card; None for SXM/OAM modules
    cooling: str
    nvlink: str
    ecc: bool
    pcie_gen: int
    launch_year: int
    approx_price_usd: float | None
    source: str
    notes: str = ""
    sellable: bool = True  # False: reference GPU kept only for calibration rows

    @property
    def is_pcie(self) -> bool:
        return self.form_factor == "PCIe"

    @property
    def is_module(self) -> bool:
        """SXM or OAM: only on a baseboard (HGX / OAM UBB), never in a PCIe slot."""
        return self.form_factor in ("SXM", "OAM")

    @property
    def open_air(self) -> bool:
        """Open-air (flow-through) coolers exhaust into the case; stacking them starves the neighbours."""
        return self.cooling.lower().startswith("open-air")

    @property
    def bridge_capable(self) -> bool:
        return self.nvlink.lower().startswith("bridge")

    @property
    def memory_class(self) -> str:
        return "hbm" if "hbm" in self.memory_type.lower() else "gddr"

    @property
    def gpu_class(self) -> str:
        """Class used to pick engine efficiency factors, e.g. 'nvidia-hbm', 'amd-gddr'."""
        memory = "lpddr" if "lpddr" in self.memory_type.lower() else self.memory_class
        return f"{self.vendor.lower()}-{memory}"


@dataclass(frozen=True)
class ModelArch:
    id: str
    name: str
    hidden: int
    layers: int
    heads: int
    kv_heads: int
    head_dim: int
    intermediate: int
    vocab: int
    tied_embeddings: bool
    experts: int | None
    experts_active: int | None
    shared_experts: int | None
    expert_intermediate: int | None
    dense_layers: int | None
    dense_intermediate: int | None
    attention: str  # "gqa" or "mla"
    kv_lora_rank: int | None
    qk_rope_head_dim: int | None
    sliding_window: int | None
    params_b: float  # total parameters, billions
    active_params_b: float  # parameters used per token (MoE), billions
    source: str
    # Added 2026-12 for the models people deploy in 2026 (shared/data/models-2026.md); blank = not known / none.
    max_context: int | None = None  # max_position_embeddings of the config: longest context the model takes
    shipped_precision: str = ""  # precision id of the published weights ("bf16", "fp8", "mxfp4")
    sliding_window_layers: int | None = None  # layers that cap attention at sliding_window (None: all, or
    # Gemma-2's alternating half; 0 with a window: none). Llama 4 chunked attention counts as a window.
    moe_layers: int | None = None  # MoE layers when not every layer after dense_layers is one (Maverick 24 of 48)
    attention_sinks: bool = False  # learned per-head sink logits (gpt-oss): no cache or FLOP effect worth counting
    q_lora_rank: int | None = None  # MLA query compression rank (DeepSeek-V3/R1 1536), for the parameter count

    @property
    def is_moe(self) -> bool:
        return bool(self.experts)

    @property
    def moe_layer_count(self) -> int:
        """MoE layers: ``moe_layers`` where given, else every layer after the leading dense ones."""
        if not self.experts:
            return 0
        if self.moe_layers is not None:
            return int(self.moe_layers)
        return self.layers - int(self.dense_layers or 0)


@dataclass(frozen=True)
class Precision:
    id: str  # fp32, bf16, fp16, fp8, int8, fp4, nvfp4, mxfp4, q8_0, ..., nf4
    name: str
    bits_per_weight: float  # effective over a whole model (GGUF recipes include scales)
    family: str  # "float", "int", "gguf", "microscaling", "nf4"
    compute: str  # tensor rate it can run at: "fp32", "fp16", "fp8", "fp4", "int8"
    source: str

    @property
    def bytes_per_weight(self) -> float:
        return self.bits_per_weight / 8.0


@dataclass(frozen=True)
class Platform:
    """A CPU platform: processor(s) plus motherboard, sold as one line item."""

    id: str
    name: str
    vendor: str
    cpu: str
    socket: str  # "sWRX9" (WRX90), "LGA4677" (W790), "SP5"
    chipset: str
    sockets: int
    cores: int  # total over all sockets
    memory_channels: int  # total over all sockets
    dimms_per_channel: int
    max_memory_gb: int
    memory_type: str  # "DDR5 RDIMM"
    ecc_required: bool  # registered ECC DIMMs only
    pcie_gen: int
    pcie_lanes: int  # usable CPU lanes for slots, total over all sockets
    pcie_x16_slots: int  # physical x16 slots on the board
    cpu_tdp_w: float  # total over all sockets
    base_load_w: float  # board, fans, drives, BMC: what the PSU feeds besides CPU and cards
    segment: str  # "workstation" or "server"
    source: str
    notes: str = ""


@dataclass(frozen=True)
class Chassis:
    id: str
    name: str
    kind: str  # "tower", "pcie_server", "hgx"
    rack_units: int  # 0 for a tower
    sockets_supported: str  # comma list of platform sockets that fit, e.g. "sWRX9,LGA4677"
    slot_positions: int  # physical expansion-slot positions (each one slot wide)
    max_gpus: int  # PCIe GPUs it holds (tower/pcie_server) or SXM sockets on the board (hgx)
    max_gpu_width: int  # widest card a GPU position takes, in slots
    sxm_gpus: str  # hgx: comma list of GPU ids the baseboard takes; empty otherwise
    nic_slots: int  # slots for NICs beside the GPUs (hgx: dedicated x16 slots)
    psu_bays: int
    psu_form: str  # "atx" or "server"
    psu_redundancy: str  # "none", "n+1", "n+n"
    max_psu_w: float  # largest single PSU the bays take
    circuit: str  # default wall circuit id (circuits.csv): tower "120v-15a", servers "240v-30a"...
    base_load_w: float  # fans, baseboard, switches (HGX NVSwitch), beyond the platform's own
    airflow: str  # notes the rules and the build sheet show
    source: str
    notes: str = ""


@dataclass(frozen=True)
class Psu:
    id: str
    name: str
    form: str  # "atx" or "server"
    watts: float  # at 200-240 V input
    watts_at_120v: float  # server units derate on low-line input
    efficiency: str  # "80 PLUS Titanium"
    source: str
    notes: str = ""


@dataclass(frozen=True)
class Memory:
    id: str
    name: str
    capacity_gb: int
    memory_type: str  # "DDR5 RDIMM"
    speed_mts: int
    ecc: bool
    registered: bool
    source: str
    notes: str = ""


@dataclass(frozen=True)
class Storage:
    id: str
    name: str
    capacity_tb: float
    interface: str  # "NVMe PCIe 5.0 x4"
    form: str  # "M.2 2280", "U.2", "E1.S"
    pcie_lanes: int
    power_w: float
    source: str
    notes: str = ""


@dataclass(frozen=True)
class Nic:
    id: str
    name: str
    fabric: str  # "infiniband" or "ethernet"
    speed_gbps: float  # per port
    ports: int
    pcie_gen: int
    pcie_lanes: int
    slot_width: int
    power_w: float
    source: str
    notes: str = ""


@dataclass(frozen=True)
class Bridge:
    """NVLink bridge between identical bridge-capable PCIe cards."""

    id: str
    name: str
    gpus: str  # comma list of GPU ids it connects
    ways: int  # cards joined by one bridge set (2 or 4)
    bandwidth_gb_s: float  # per GPU, both directions
    source: str
    notes: str = ""


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    kind: str  # "burn_in", "warranty", "support"
    years: int  # 0 for one-off services
    per: str  # "system", "node", "gpu"
    description: str
    source: str


@dataclass(frozen=True)
class Engine:
    """A serving engine; its efficiency factors per GPU class are EngineEfficiency rows."""

    id: str  # llama.cpp, vllm, trtllm, sglang
    name: str
    default_parallel: str  # "layer" (llama.cpp split) or "tp"
    memory_fraction: float  # share of GPU memory the engine lets itself use (vLLM 0.9)
    cuda_graphs: bool
    source: str
    notes: str = ""


@dataclass(frozen=True)
class EngineEfficiency:
    engine_id: str
    gpu_class: str  # Gpu.gpu_class, or "*" for the default
    eff_mem: float  # achieved / peak memory bandwidth at decode
    eff_compute: float  # achieved / peak tensor rate at decode
    eff_prefill: float  # achieved / peak tensor rate at prefill
    t_layer_us: float  # fixed cost per layer per decode step (launches, syncs)
    calibrated_on: str  # what rows of measured_calibration.csv fixed it, or "assumption"
    source: str
    # Serving under load (SIZING.md 3b; written by tools/calibrate_engines.py). Defaults leave the older formula.
    eff_attn: float = 0.0  # achieved / peak bandwidth of the attention kernels reading the KV cache (0: eff_mem)
    t_step_us: float = 0.0  # host cost per engine step (scheduling, sampling, launches)
    t_seq_us: float = 0.0  # host cost per running sequence per step
    fp8_scale: float = 1.0  # GEMM efficiency at the FP8 rate relative to eff_compute / eff_prefill (16-bit)
    fp4_scale: float = 1.0  # the same at the FP4 rate
    grouped_gemm: float = 1.0  # MoE expert GEMMs relative to a dense GEMM of the same tokens


@dataclass(frozen=True)
class TrainingEfficiency:
    """Share of the dense tensor peak that training kernels reach while computing (before pipeline bubbles and
    exposed communication), per compute rate; written by tools/calibrate_training.py."""

    compute: str  # tensor rate: "fp16" (BF16/FP16), "fp8", "fp32" (TF32)
    gpu_class: str  # Gpu.gpu_class, or "*" for every GPU
    efficiency: float  # achieved hardware FLOP/s / dense peak of that rate
    calibrated_on: str  # rows of measured_training.csv that fixed it, or "assumption"
    source: str


@dataclass(frozen=True)
class CloudRate:
    gpu_id: str
    usd_per_gpu_hour: Decimal
    basis: str  # "assumption": editable in the app; what the figure is based on
    source: str


@dataclass(frozen=True)
class Circuit:
    id: str  # "120v-15a", "120v-20a", "240v-30a", ...
    name: str
    volts: float
    amps: float
    peak_w: float  # volts x amps
    continuous_w: float  # 80% of peak for continuous loads (NEC 210.19/210.20)
    source: str


@dataclass(frozen=True)
class RuleParam:
    key: str
    value: float
    unit: str
    description: str
    source: str


@dataclass(frozen=True)
class PriceInfo:
    part_id: str
    list_price: Decimal
    currency: str
    price_basis: str  # "msrp", "list", "estimate"
    source: str
    cost: Decimal | None = None  # dealer cost: internal edition only


# kind name (CLI, catalog tabs, db/<kind>.csv) -> dataclass
PART_KINDS: dict[str, type] = {
    "gpus": Gpu,
    "models": ModelArch,
    "precisions": Precision,
    "platforms": Platform,
    "chassis": Chassis,
    "psus": Psu,
    "memory": Memory,
    "storage": Storage,
    "network": Nic,
    "bridges": Bridge,
    "services": Service,
    "engines": Engine,
}

# kinds a customer can buy: each id of these has a price row
SELLABLE_KINDS = ("gpus", "platforms", "chassis", "psus", "memory", "storage", "network", "bridges", "services")
