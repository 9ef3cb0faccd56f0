"""The sizing core (SIZING.md): memory fit, decode/prefill speed, training time and communication.

Qt-free and catalog-free: functions take core dataclasses (ModelArch, Precision, Gpu, SystemSpec, Engine,
EngineEfficiency, TrainingWorkload) and return dataclasses with unit-named fields (bytes, seconds).
Every function broadcasts over numpy arrays; the sweeps evaluate whole chart grids in one call.
"""

from configurator.core.sizing.arch import (
    ArchFigures, arch_figures, custom_arch, kv_bytes_per_token, lora_trainable_params, sliding_layers,
)
from configurator.core.sizing.explain import EXPLANATIONS
from configurator.core.sizing.hardware import (
    IDEAL, RUNTIME_RESERVE_BYTES, Efficiency, ParallelPlan, allreduce_s, capacity_bytes, gather_s, parallel_plan,
    ring_path,
)
from configurator.core.sizing.inference import (
    InferenceResult, InferenceSetup, MemoryBreakdown, evaluate_inference, prepare_inference,
)
from configurator.core.sizing.precision import (
    STANDARD_PRECISIONS, TensorRate, gpu_has_rate, standard_precision, tensor_rate,
)
from configurator.core.sizing.sweeps import (
    DEFAULT_CONTEXTS, DEFAULT_GPU_COUNTS, DEFAULT_PROMPTS, DEFAULT_USERS, ChartGrid, DecodeSweep, TtftSweep,
    UsersFitSweep, chart_grid, decode_sweep, memory_breakdown, ttft_sweep, users_fit_sweep,
)
from configurator.core.sizing.training import (
    OPTIMIZER_BYTES, TrainingResult, TrainingSweep, activation_bytes, evaluate_training, training_sweep,
)

__all__ = [
    "ArchFigures", "arch_figures", "custom_arch", "kv_bytes_per_token", "lora_trainable_params", "sliding_layers",
    "EXPLANATIONS", "IDEAL", "RUNTIME_RESERVE_BYTES", "Efficiency", "ParallelPlan", "allreduce_s",
    "capacity_bytes", "gather_s", "parallel_plan", "ring_path", "InferenceResult", "InferenceSetup",
    "MemoryBreakdown", "evaluate_inference", "prepare_inference", "STANDARD_PRECISIONS", "TensorRate",
    "gpu_has_rate", "standard_precision", "tensor_rate", "DEFAULT_CONTEXTS", "DEFAULT_GPU_COUNTS",
    "DEFAULT_PROMPTS", "DEFAULT_USERS", "ChartGrid", "DecodeSweep", "TtftSweep", "UsersFitSweep", "chart_grid",
    "decode_sweep", "memory_breakdown", "ttft_sweep", "users_fit_sweep", "OPTIMIZER_BYTES", "TrainingResult",
    "TrainingSweep", "activation_bytes", "evaluate_training", "training_sweep",
]
