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
    mfr_part_number: str = ""  # the manufacturer's part number (db/part_numbers.csv); "" where none is public

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
    mfr_part_number: str = ""  # the manufacturer's part number (db/part_numbers.csv); "" where none is public
    # Technician facts (issue 18). Defaults keep a catalog or a test part without them working.
    board: str = ""  # motherboard model id: its slots are db/board_slots.csv rows with this board
    m2_sockets: int = 0  # M.2 NVMe sockets on the board (drives fill M.2_1, M.2_2, ... in order)

    @property
    def dimm_generation(self) -> str:
        """'DDR5' of memory_type 'DDR5 RDIMM'."""
        return self.memory_type.split()[0] if self.memory_type else ""

    @property
    def dimm_module(self) -> str:
        """'RDIMM' or 'UDIMM' of memory_type 'DDR5 RDIMM' (3DS RDIMMs are RDIMMs)."""
        return self.memory_type.split()[-1] if self.memory_type else ""


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
    vendor: str = ""  # who makes it (db/part_numbers.csv)
    mfr_part_number: str = ""  # the manufacturer's part number (db/part_numbers.csv); "" where none is public
    # Technician facts (issue 18).
    server_airflow: bool = False  # a fan wall pushes air through passive (server-edition) heatsinks
    host_classes: str = ""  # comma list of platform segments the chassis takes ("workstation,desktop"); "" any
    host_boards: str = ""  # hgx: comma list of the platform ids the chassis ships with (its own host board)
    u2_bays: int = 0  # 2.5" NVMe bays (U.2/U.3 drives); a tower counts the board's cabled U.2 ports
    e3s_bays: int = 0  # E3.S NVMe bays


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
    vendor: str = ""  # who makes it (db/part_numbers.csv)
    mfr_part_number: str = ""  # the manufacturer's part number (db/part_numbers.csv); "" where none is public
    # GPU power cables a modular ATX unit provides (server units feed the chassis' power board instead).
    conn_12v2x6: int = 0  # 12V-2x6 (12VHPWR) 16-pin connectors, 600 W each
    conn_8pin: int = 0  # PCIe 8-pin (150 W) / EPS 8-pin connectors usable for cards


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
    vendor: str = ""  # who makes it (db/part_numbers.csv)
    mfr_part_number: str = ""  # the manufacturer's part number (db/part_numbers.csv); "" where none is public
    ranks: int = 2  # ranks per module (1R, 2R; 3DS 4R = 4): sets the speed with more DIMMs per channel

    @property
    def generation(self) -> str:
        """'DDR4' or 'DDR5'."""
        return self.memory_type.split()[0] if self.memory_type else ""

    @property
    def module(self) -> str:
        """'RDIMM' or 'UDIMM'."""
        return self.memory_type.split()[-1] if self.memory_type else ""


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
    vendor: str = ""  # who makes it (db/part_numbers.csv)
    mfr_part_number: str = ""  # the manufacturer's part number (db/part_numbers.csv); "" where none is public

    @property
    def bay(self) -> str:
        """Where the drive goes: 'm2' (board socket), 'u2' (2.5" NVMe bay, U.2 and U.3), 'e3s', 'e1s'."""
        form = self.form.upper().replace(" ", "")
        if form.startswith("M.2"):
            return "m2"
        if form.startswith(("U.2", "U.3")):
            return "u2"
        if form.startswith("E3.S"):
            return "e3s"
        if form.startswith("E1.S"):
            return "e1s"
        return form.lower()


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
    vendor: str = ""  # who makes it (db/part_numbers.csv)
    mfr_part_number: str = ""  # the manufacturer's part number (db/part_numbers.csv); "" where none is public
    aggregate_gbps: float | None = None  # what the controller carries over all ports; None: ports x speed

    @property
    def total_gbps(self) -> float:
        """Line rate of the card: ports x port speed, capped by the controller where its datasheet says so."""
        line = self.speed_gbps * self.ports
        return min(line, self.aggregate_gbps) if self.aggregate_gbps else line


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
    vendor: str = ""  # who makes it (db/part_numbers.csv)
    mfr_part_number: str = ""  # the manufacturer's part number (db/part_numbers.csv); "" where none is public
    spacing_slots: int = 2  # slot positions between the first slots of two neighbouring joined cards
    pieces: int = 1  # physical bridges in one set (H100/A100 PCIe pairs: 3); each card takes one set


@dataclass(frozen=True)
class BoardSlot:
    """One expansion slot of a motherboard (db/board_slots.csv): its position and the lanes it really gets."""

    board: str  # Platform.board
    slot: int  # slot position, as the chassis counts them from 1 (the card's first covered position)
    name: str  # the board's label, e.g. "PCIEX16(G5)_1", "PCI_E2"
    lanes: int  # electrical width when nothing it shares with is used
    link: str  # "CPU", "chipset"
    pcie_gen: int
    shares_with: str  # comma list: slot positions ("4") or M.2 sockets ("M.2_4") whose use narrows this slot
    lanes_shared: int | None  # electrical width while one of ``shares_with`` is used (None: no sharing)
    source: str
    notes: str = ""


@dataclass(frozen=True)
class MemorySpeed:
    """The speed a platform runs its memory at (db/memory_speeds.csv), by DIMMs per channel and ranks."""

    platform_id: str
    dimms_per_channel: int
    ranks: int  # the most ranks of any module in the channel: 1, 2 or 4 (3DS)
    speed_mts: int
    source: str
    notes: str = ""


@dataclass(frozen=True)
class GpuFit:
    """Fit facts of a PCIe GPU not in gpus.csv (which is a copy of shared data): db/gpu_fit.csv."""

    gpu_id: str
    conn_12v2x6: int  # 12V-2x6 / 12VHPWR 16-pin power connectors on the card
    conn_8pin: int  # PCIe 8-pin (or EPS 8-pin) power connectors on the card
    nvlink_connectors: int  # NVLink bridge attachments on the card's top edge (0: no NVLink)
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
    vendor: str = ""  # who makes it (db/part_numbers.csv)
    mfr_part_number: str = ""  # the manufacturer's part number (db/part_numbers.csv); "" where none is public


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

    @property
    def three_phase(self) -> bool:
        """Three-phase feed: circuits.csv gives its peak as sqrt(3) x V x A (a typed-in circuit says ``phases``)."""
        phases = getattr(self, "phases", None)
        if phases in (1, 3):
            return phases == 3
        single = self.volts * self.amps
        return abs(self.peak_w - 1.7320508 * single) < abs(self.peak_w - single)


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
