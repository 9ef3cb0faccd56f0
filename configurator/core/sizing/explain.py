"""Short "how this is computed" notes per chart (UI tooltips). docs/sizing.md has the long form."""

EXPLANATIONS: dict[str, str] = {
    "memory": (
        "Per GPU, in bytes. Capacity: the marketed GB taken as GiB the driver sees. Weights = parameters x bytes "
        "per weight (MoE: all experts resident), split over all GPUs. KV cache = 2 x layers x KV heads x head_dim "
        "x bytes per token (MLA: layers x (kv_lora_rank + rope dim) x bytes), x every user's context; sliding-window "
        "layers hold at most the window; under tensor parallelism each GPU keeps max(1, kv/t) heads. Activations: "
        "the engine's prefill token budget x a few hidden-size buffers + fp32 logits per user. Reserve: 0.75 GiB "
        "runtime, or the engine's unused share (vLLM 10%) if larger."
    ),
    "training_memory": (
        "Per GPU, mixed-precision AdamW at 16 bytes per trainable parameter: 2 bf16 weights + 2 bf16 gradients + "
        "12 fp32 master/momentum/variance (fp32 gradients: 18). 8-bit AdamW: 6 optimizer bytes; SGD: 8. ZeRO-1 "
        "shards the optimizer, ZeRO-2 also gradients, ZeRO-3/FSDP also weights (+2 gathered layers). LoRA: frozen "
        "base in bf16 (QLoRA: NF4 4.13 bits) + adapters r(d_in+d_out) on every linear layer. Activations "
        "(Korthikanti et al.): s b h (34 + 5 a s/h) per layer without recompute, 34 s b h selective "
        "(= FlashAttention), 2 s b h full; plus fp32 logits."
    ),
    "throughput": (
        "Decode step for B users: max(bytes read / (bandwidth x eff_mem), FLOPs / (peak x eff_compute)) + layers x "
        "t_layer + tensor-parallel all-reduces. Bytes = active weights (MoE: E(1-(1-k/E)^B) experts touched per "
        "layer) + every user's KV cache. Per-user tok/s = 1/step, aggregate = B/step. The ceiling is the same with "
        "eff = 1, no per-layer cost and no communication. Layer split (llama.cpp) runs stages one after another: "
        "no batch-1 speed-up. Efficiencies are calibrated per engine and GPU class; read the figure as a range."
    ),
    "users_fit": (
        "Most concurrent users whose KV cache fits next to the weights, activations and reserve, for each context "
        "length (tokens per user). Closed form: free bytes / KV bytes per user."
    ),
    "ttft": (
        "Time to first token = prefill + one decode step (queueing ignored). Prefill FLOPs = 2 x active params x s "
        "+ causal attention 2 x L x s^2 x a x head_dim, at the peak tensor rate of the compute precision x "
        "eff_prefill; short prompts are bounded by reading the weights once per engine chunk instead."
    ),
    "training_time": (
        "FLOPs = 6 x active params per token (LoRA 4, +2 with full recompute) + attention 12 x L x s x a x head_dim "
        "per token (PaLM MFU convention, no causal halving). Time = FLOPs / (GPUs x peak x MFU); MFU is an "
        "editable assumption (40% default; FP8 counted at 70% of it). Data parallel only."
    ),
    "allreduce": (
        "Gradient all-reduce per step: 2(n-1)/n x gradient bytes / bus bandwidth (NCCL-tests); ZeRO-2: reduce-scatter "
        "+ all-gather; ZeRO-3: reduce-scatter + two parameter all-gathers. Within a node the intra-node link "
        "(NVLink4 450 GB/s per direction, PCIe Gen4 25, Gen5 50); across nodes NICs x speed / GPUs per node; the "
        "slower path bounds the ring. Share = all-reduce / (compute + all-reduce); up to the backward pass can overlap."
    ),
}
