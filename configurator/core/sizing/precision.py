"""Precisions and tensor rates (SIZING.md section 1).

The catalog (db/precisions.csv) is the source of precisions; ``STANDARD_PRECISIONS`` repeats the SIZING.md
figures so the core, its tests and the calibration script work without a built catalog.
"""

from __future__ import annotations

from dataclasses import dataclass

from configurator.core.errors import InvalidInputError
from configurator.core.parts import Gpu, Precision

_SRC = "SIZING.md section 1"
# id: (bits per weight, family, tensor rate)
_TABLE = {
    "fp32": (32, "float", "fp32"), "bf16": (16, "float", "fp16"), "fp16": (16, "float", "fp16"),
    "fp8": (8, "float", "fp8"), "int8": (8, "int", "int8"), "fp4": (4, "float", "fp4"),
    "nvfp4": (4.5, "microscaling", "fp4"), "mxfp4": (4.25, "microscaling", "fp4"),
    "q8_0": (8.5, "gguf", "fp16"), "q6_k": (6.57, "gguf", "fp16"), "q5_k_m": (5.70, "gguf", "fp16"),
    "q4_k_m": (4.90, "gguf", "fp16"), "q4_0": (4.64, "gguf", "fp16"), "q3_k_m": (4.00, "gguf", "fp16"),
    "q2_k": (3.17, "gguf", "fp16"), "iq4_xs": (4.25, "gguf", "fp16"), "nf4": (4.13, "nf4", "fp16"),
}
STANDARD_PRECISIONS: dict[str, Precision] = {
    pid: Precision(pid, pid.upper(), float(bits), family, compute, _SRC) for pid, (bits, family, compute) in _TABLE.items()
}
COMPUTE_RATES = ("fp32", "fp16", "fp8", "fp4", "int8")


def standard_precision(precision_id: str) -> Precision:
    try:
        return STANDARD_PRECISIONS[precision_id]
    except KeyError:
        from configurator.core.errors import UnknownPartError

        raise UnknownPartError(precision_id, "precision") from None


@dataclass(frozen=True)
class TensorRate:
    flops_per_s: float  # dense FLOP/s (OP/s for int8) actually used
    requested: str  # compute rate asked for
    used: str  # compute rate the GPU runs it at
    note: str  # empty, or why it fell back

    @property
    def fell_back(self) -> bool:
        return self.used != self.requested


def gpu_has_rate(gpu: Gpu, compute: str) -> bool:
    return {"fp16": True, "fp32": True, "fp8": gpu.fp8_dense_tflops is not None,
            "fp4": gpu.fp4_dense_tflops is not None, "int8": gpu.int8_dense_tops is not None}.get(compute, False)


def tensor_rate(gpu: Gpu, compute: str) -> TensorRate:
    """Dense tensor rate for ``compute`` on ``gpu``; FP8/FP4/INT8 fall back to the 16-bit rate where absent.

    fp32 training/inference runs at the TF32 tensor rate, taken as half the FP16 dense rate.
    """
    if compute not in COMPUTE_RATES:
        raise InvalidInputError(f"unknown compute precision '{compute}' (one of {', '.join(COMPUTE_RATES)})")
    fp16 = gpu.fp16_bf16_dense_tflops * 1e12
    if compute == "fp16":
        return TensorRate(fp16, compute, compute, "")
    if compute == "fp32":
        return TensorRate(fp16 / 2.0, compute, "fp32", "FP32 runs at the TF32 tensor rate (half the FP16 rate)")
    value = {"fp8": gpu.fp8_dense_tflops, "fp4": gpu.fp4_dense_tflops, "int8": gpu.int8_dense_tops}[compute]
    if value is None:
        if compute == "fp4":
            # FP4 / MXFP4 / NVFP4 weights still run there, weight-only (W4A16): engines dequantise them to 16-bit
            # before each matmul (vLLM's Marlin / Triton kernels for gpt-oss on Hopper, for instance).
            return TensorRate(fp16, compute, "fp16", f"{gpu.name} has no FP4 tensor cores: 4-bit weights run "
                                                     f"weight-only (W4A16), dequantised to 16-bit, at the 16-bit rate")
        return TensorRate(fp16, compute, "fp16", f"{gpu.name} has no {compute.upper()} tensor rate: using the 16-bit rate")
    return TensorRate(value * 1e12, compute, compute, "")
