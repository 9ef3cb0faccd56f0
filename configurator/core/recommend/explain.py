"""One or two sentences per proposal, with the figures from its analysis: why this build, in numbers.

Inference: capacity (the weights and the KV cache of how many users) and bandwidth (decode speed per user).
Training: memory per GPU against capacity, the link that carries the gradient exchange, and the time.
"""

from __future__ import annotations

from configurator.core.analysis import Analysis
from configurator.core.configuration import Build
from configurator.present import duration, memory, share, tokens, tokens_per_s


def summarize(build: Build, analysis: Analysis, catalog) -> str:
    system = analysis.system
    gpu = system.gpu
    n = system.total_gpus
    if analysis.inference is not None:
        r = analysis.inference.result
        w = build.workload.inference
        precision = catalog.precision(w.precision).name
        weights = r.memory.weights_bytes * r.tp * r.pp
        split = (f"tensor parallel over {r.tp} GPUs on {system.intra_link.name} adds their bandwidth"
                 if r.tp > 1 else
                 f"the layers are split over {r.pp} cards, which adds capacity, not speed" if r.pp > 1 else
                 "one GPU holds everything")
        return (f"{n} x {gpu.name}: {n * gpu.memory_gb:,.0f} GB of GPU memory holds the {memory(weights)} of {precision} "
                f"weights plus the KV cache of up to {r.max_users_at_context:,} users at {w.context_tokens:,} tokens "
                f"each ({w.users:,} asked). Decode is bound by memory bandwidth ({gpu.bandwidth_tb_s:g} TB/s per GPU; "
                f"{split}): about {tokens_per_s(r.per_user_tokens_per_s)} per user at {w.users:,} users "
                f"(ceiling {tokens_per_s(r.ceiling_tokens_per_s)}), {tokens_per_s(r.aggregate_tokens_per_s)} in all.")
    r = analysis.training.result
    t = build.workload.training
    m = r.memory
    state = m.weights_bytes + m.gradients_bytes + m.optimizer_bytes + m.activations_bytes
    where = f"{system.nodes} nodes x {system.gpus_per_node}" if system.nodes > 1 else f"{n}"
    link = system.intra_link.name
    if t.mode in ("lora", "qlora"):
        base = "NF4" if t.mode == "qlora" else "bf16"
        head = (f"{where} x {gpu.name}: {'QLoRA' if t.mode == 'qlora' else 'LoRA'} keeps the frozen {base} base and rank-{t.lora_rank} adapters "
                f"at {memory(state)} per GPU of {gpu.memory_gb:g} GB")
    else:
        what = "full fine-tuning" if t.mode == "full" else "pretraining"
        shard = f"ZeRO-{t.zero_stage} shards" if t.zero_stage else "each GPU holds"
        head = (f"{where} x {gpu.name}: {what} needs 16 bytes per parameter (weights, gradients, AdamW state); "
                f"{shard} them to {memory(state)} per GPU of {gpu.memory_gb:g} GB")
        if t.recompute == "full":
            head += " with full activation recompute"
    comm = ""
    if n > 1:
        two = system.inter_link is not None and system.nodes > 1
        comm = (f" {link} ({system.intra_link.bandwidth_gb_s:g} GB/s per GPU each way)"
                + (f" and {system.inter_link.name} between nodes" if two else "")
                + f" {'carry' if two else 'carries'} the gradient exchange: {share(r.allreduce_share)} of a step.")
    return (f"{head}. About {duration(r.train_time_s)} for {tokens(t.tokens)} at "
            f"{share(t.mfu)} MFU ({tokens_per_s(r.tokens_per_s)}).{comm}")
