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
        "Per GPU of the fullest pipeline stage, mixed-precision AdamW at 16 bytes per trainable parameter: 2 bf16 "
        "weights + 2 bf16 gradients + 12 fp32 master/momentum/variance (fp32 gradients: 18), divided by tensor and "
        "pipeline parallelism (experts also by expert parallelism). ZeRO as DeepSpeed counts it: ZeRO-1/2 keep the "
        "full bf16 gradients plus an fp32 gradient partition (4 + 16/d), ZeRO-3/FSDP 18/d + 2 gathered layers. "
        "LoRA: frozen base in bf16 (QLoRA: NF4 4.13 bits) + adapters r(d_in+d_out) on every linear layer. "
        "Activations (Megatron, Korthikanti et al.): about 34 s b h per layer with FlashAttention, / TP with "
        "sequence parallel, / CP, times the micro-batches in flight on the first stage; 2 s b h with full "
        "recompute; plus fp32 logits on the last stage."
    ),
    "throughput": (
        "Decode step for B users = GEMMs + attention + fixed costs, which add: GEMMs max(weights read / (bandwidth "
        "x eff_mem), 2 x active params x B / (peak x eff_compute)); attention reads every user's KV cache "
        "(memory-bound); then layers x t_layer, two tensor-parallel all-reduces per layer (about 10 us each on "
        "NVLink, 25 us on Infinity Fabric) and the engine's host cost per step. MoE reads E(1-(1-k/E)^B) experts "
        "per layer. Per-user tok/s = 1/step, aggregate = B/step. The ceiling: eff = 1, no fixed costs. Layer split "
        "(llama.cpp) runs stages one after another: no batch-1 speed-up. Efficiencies are calibrated per engine "
        "and GPU class; read the figure as a range."
    ),
    "serving": (
        "Serving under load: a simulation of the engine's continuous batching. Each step carries every running "
        "request's next token plus prompt chunks up to the engine's token budget; requests are admitted by KV "
        "capacity as the engine does it (vLLM pages and preempts, TensorRT-LLM reserves prompt + full output, "
        "llama.cpp has fixed slots). Time to first token includes queueing; p50/p95 over the requests. Replicas "
        "share nothing, tensor parallel inside one. While a slider moves, a closed-form estimate stands in."
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
        "Model FLOPs = 6 x active params per token (LoRA 4) + attention 12 x L x s x a x head_dim per token (PaLM "
        "MFU convention, no causal halving); the GPUs run causal attention (half) and any recompute on top. Step = "
        "hardware FLOPs / (peak x kernel efficiency, calibrated on published training runs) per micro-batch and "
        "stage, x (micro-batches + pipeline bubble), + exposed communication. The layout (TP x PP x CP x EP x DP, "
        "ZeRO stage, recompute) is the fastest that fits unless set by hand; MFU is the result."
    ),
    "allreduce": (
        "Communication per step for the chosen layout: tensor-parallel all-gathers/reduce-scatters per layer on the "
        "link inside the TP group, pipeline point-to-point, expert all-to-alls, context-parallel K/V passes, and "
        "the data-parallel gradient sync (all-reduce 2(n-1)/n x bytes / bus bandwidth, NCCL-tests; ZeRO-2 "
        "reduce-scatter + all-gather; ZeRO-3 "
        "gathers every micro-batch) on the slowest path (NVLink, a bridge pair, PCIe, or NICs x speed / GPUs per "
        "node). Share = communication / (compute + communication); the dashed curve is the part not hidden."
    ),
}
