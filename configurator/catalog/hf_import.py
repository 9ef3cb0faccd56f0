"""Import a model architecture from a Hugging Face ``config.json`` (offline: a local file, nothing downloaded).

``arch_from_config(data, model_id)`` turns the parsed JSON into a core ``ModelArch``: dense and GQA models
(Llama, Mistral, Qwen2/3, Gemma 1-3, Phi-3, ...), MoE models (Mixtral, Qwen2/3-MoE, Llama 4, gpt-oss, DeepSeek)
and MLA (DeepSeek-V2/V3/R1). Parameter counts are computed from the dimensions (core/sizing/param_count.py).
Anything the sizing cannot represent is refused with a ConfiguratorError naming the config field; the window's
import action and ``configurator catalog import-model`` both call ``import_model_file``.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

from configurator.core.errors import ConfiguratorError
from configurator.core.parts import ModelArch
from configurator.core.sizing.param_count import count_params


class ModelImportError(ConfiguratorError):
    pass


# model_type -> family rules. Text configs nested in a multimodal config are read from "text_config".
DENSE_TYPES = {"llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2", "gemma3_text", "phi3", "olmo2", "granite",
               "mistral3_text"}
MOE_TYPES = {"mixtral", "qwen2_moe", "qwen3_moe", "llama4_text", "gpt_oss", "deepseek_v2", "deepseek_v3"}
WRAPPER_TYPES = {"gemma3": "gemma3_text", "llama4": "llama4_text", "mistral3": "mistral"}  # text_config inside
TIED_BY_DEFAULT = {"gemma", "gemma2", "gemma3_text"}  # transformers' default tie_word_embeddings for these
# Fields that mean an architecture the sizing does not model (state-space / linear attention / hybrid layers).
UNSUPPORTED_FIELDS = ("ssm_cfg", "mamba_d_state", "ssm_state_size", "linear_key_head_dim", "linear_num_key_heads",
                      "rwkv_version", "attn_layer_indices", "hybrid_override_pattern", "conv_kernel")
LAYER_TYPES = {"full_attention": "full", "sliding_attention": "sliding", "chunked_attention": "sliding"}
PRECISIONS = {"bfloat16": "bf16", "float16": "fp16", "float32": "fp32"}
# transformers' config defaults where published configs leave a field out (Gemma 3's text_config omits these:
# Gemma3TextConfig, huggingface/transformers configuration_gemma3.py; shared/data/models-2026.md)
TYPE_DEFAULTS = {"gemma3_text": {"vocab_size": 262208, "max_position_embeddings": 131072,
                                 "sliding_window_pattern": 6, "tie_word_embeddings": True}}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


def _need(cfg: dict, *names, kind=int):
    """The first of ``names`` present (an alias list), as ``kind``; refuse naming the field if none."""
    for name in names:
        if name in cfg and cfg[name] is not None:
            value = cfg[name]
            if kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ModelImportError(f"config.json field '{name}': {value!r} is not a whole number of at least 1")
            return value
    raise ModelImportError(f"config.json has no '{names[0]}' (needed for the {kind.__name__} it gives)")


def _opt(cfg: dict, name: str):
    value = cfg.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ModelImportError(f"config.json field '{name}': {value!r} is not a whole number")
    return value


def _model_type(data: dict) -> tuple[str, dict]:
    mtype = data.get("model_type")
    if not isinstance(mtype, str):
        raise ModelImportError("config.json has no 'model_type' (not a Hugging Face model config?)")
    if mtype in WRAPPER_TYPES:
        text = data.get("text_config")
        if not isinstance(text, dict):
            raise ModelImportError(f"config.json field 'text_config': a '{mtype}' config needs its text model there")
        inner = dict(text)
        inner.setdefault("model_type", WRAPPER_TYPES[mtype])
        for key in ("tie_word_embeddings", "torch_dtype", "quantization_config"):
            if key in data and key not in inner:
                inner[key] = data[key]
        return _model_type(inner) if inner["model_type"] in WRAPPER_TYPES else (inner["model_type"], inner)
    if mtype not in DENSE_TYPES | MOE_TYPES:
        known = ", ".join(sorted(DENSE_TYPES | MOE_TYPES | set(WRAPPER_TYPES)))
        raise ModelImportError(f"config.json field 'model_type': '{mtype}' is not an architecture the sizing knows "
                               f"({known})")
    return mtype, data


def _sliding(cfg: dict, mtype: str, layers: int) -> tuple[int | None, int | None]:
    """(window tokens, layers that use it) or (None, None)."""
    types = cfg.get("layer_types")
    window = cfg.get("sliding_window") or cfg.get("attention_chunk_size")
    if isinstance(types, list):
        unknown = sorted({str(t) for t in types if t not in LAYER_TYPES})
        if unknown:
            raise ModelImportError(f"config.json field 'layer_types': {', '.join(unknown)} is not a layer kind the "
                                   f"sizing knows (full_attention, sliding_attention, chunked_attention)")
        if len(types) != layers:
            raise ModelImportError(f"config.json field 'layer_types': {len(types)} entries for {layers} layers")
        n = sum(LAYER_TYPES[t] == "sliding" for t in types)
        return (int(window), n) if n and window else (None, None)
    if mtype.startswith("qwen") and not cfg.get("use_sliding_window", False):
        return None, None  # Qwen configs carry a sliding_window value that is off unless use_sliding_window
    if mtype == "llama4_text":
        chunk = cfg.get("attention_chunk_size")
        nope = cfg.get("no_rope_layers")
        if chunk and isinstance(nope, list) and len(nope) == layers:
            return int(chunk), sum(1 for x in nope if x)  # RoPE layers are chunked, NoPE layers see everything
        if chunk:
            step = int(cfg.get("no_rope_layer_interval", 4))
            return int(chunk), layers - layers // step
        return None, None
    if not window:
        return None, None
    if mtype == "gemma3_text":
        pattern = int(cfg.get("sliding_window_pattern", 6))
        return int(window), layers - layers // pattern  # every pattern-th layer is global
    if mtype == "gemma2":
        return int(window), layers // 2  # alternating
    return int(window), layers


def _moe(cfg: dict, mtype: str, layers: int, intermediate: int) -> dict:
    experts = cfg.get("num_local_experts") or cfg.get("n_routed_experts") or cfg.get("num_experts")
    if not experts:
        raise ModelImportError(f"config.json has no 'num_local_experts' / 'n_routed_experts' / 'num_experts' for a "
                               f"'{mtype}' mixture-of-experts model")
    k = cfg.get("num_experts_per_tok") or cfg.get("experts_per_token")
    if not k:
        raise ModelImportError("config.json has no 'num_experts_per_tok' (experts each token is routed to)")
    expert_width = cfg.get("moe_intermediate_size") or (
        cfg.get("intermediate_size") if mtype in ("mixtral", "gpt_oss", "llama4_text") else None)
    if not expert_width:
        raise ModelImportError("config.json has no 'moe_intermediate_size' (the width of one expert)")
    shared = cfg.get("n_shared_experts") or 0
    if mtype == "qwen2_moe" and cfg.get("shared_expert_intermediate_size"):
        # one shared expert of its own width: counted as that many expert widths
        shared = max(1, round(cfg["shared_expert_intermediate_size"] / expert_width))
    if mtype == "llama4_text":
        shared = 1  # transformers Llama4TextMoe always adds one shared expert of intermediate_size
    dense_layers = int(cfg.get("first_k_dense_replace") or 0)
    moe_layers = None
    dense_width = None
    if mtype == "llama4_text":
        step = int(cfg.get("interleave_moe_layer_step", 1))
        listed = cfg.get("moe_layers")
        count = len(listed) if isinstance(listed, list) else len(range(step - 1, layers, step))
        if count != layers:
            moe_layers = count
            dense_layers = 0 if step == 1 else 1
            dense_width = _need(cfg, "intermediate_size_mlp")
    elif mtype in ("qwen2_moe", "qwen3_moe"):
        step = int(cfg.get("decoder_sparse_step", 1))
        only = cfg.get("mlp_only_layers") or []
        count = sum(1 for i in range(layers) if i not in only and (i + 1) % step == 0)
        if count != layers:
            moe_layers = count
            dense_width = intermediate
    elif dense_layers:
        dense_width = intermediate
    return {"experts": int(experts), "experts_active": int(k), "shared_experts": int(shared),
            "expert_intermediate": int(expert_width), "dense_layers": dense_layers,
            "dense_intermediate": dense_width, "moe_layers": moe_layers}


def _shipped(cfg: dict) -> str:
    quant = cfg.get("quantization_config")
    if isinstance(quant, dict):
        method = str(quant.get("quant_method", "")).lower()
        if method == "mxfp4":
            return "mxfp4"
        if method == "fp8":
            return "fp8"
        if method in ("bitsandbytes", "nf4") and quant.get("load_in_4bit"):
            return "nf4"
        raise ModelImportError(f"config.json field 'quantization_config': quant_method '{method}' is not a "
                               f"precision the catalog knows (mxfp4, fp8)")
    return PRECISIONS.get(str(cfg.get("torch_dtype") or cfg.get("dtype") or ""), "")


def arch_from_config(data: dict, model_id: str, name: str | None = None, source: str = "") -> ModelArch:
    if not isinstance(data, dict):
        raise ModelImportError("config.json does not hold a JSON object")
    if not ID_RE.match(model_id or ""):
        raise ModelImportError(f"model id '{model_id}' must be lower-case letters, digits, '.', '-' or '_' "
                               f"(at most 80 characters)")
    mtype, cfg = _model_type(data)
    cfg = {**TYPE_DEFAULTS.get(mtype, {}), **{k: v for k, v in cfg.items() if v is not None}}
    for field in UNSUPPORTED_FIELDS:
        if field in cfg:
            raise ModelImportError(f"config.json field '{field}': state-space / linear-attention layers are not "
                                   f"something the sizing models")
    hidden = _need(cfg, "hidden_size", "d_model", "n_embd")
    layers = _need(cfg, "num_hidden_layers", "n_layer", "num_layers")
    heads = _need(cfg, "num_attention_heads", "n_head")
    kv_heads = _opt(cfg, "num_key_value_heads") or heads
    vocab = _need(cfg, "vocab_size")
    intermediate = _need(cfg, "intermediate_size", "ffn_dim", "moe_intermediate_size")
    mla = mtype in ("deepseek_v2", "deepseek_v3") or cfg.get("kv_lora_rank") is not None
    if mla:
        kv_lora = _need(cfg, "kv_lora_rank")
        rope = _need(cfg, "qk_rope_head_dim")
        nope = _need(cfg, "qk_nope_head_dim")
        v_head = _opt(cfg, "v_head_dim") or nope
        if v_head != nope:
            raise ModelImportError(f"config.json field 'v_head_dim': {v_head} differs from qk_nope_head_dim {nope}; "
                                   f"the sizing keeps one head_dim for both")
        head_dim = nope
    else:
        kv_lora = rope = None
        head_dim = _opt(cfg, "head_dim") or hidden // heads
        if heads % kv_heads:
            raise ModelImportError(f"config.json field 'num_key_value_heads': {kv_heads} does not divide the "
                                   f"{heads} attention heads")
    moe = _moe(cfg, mtype, layers, intermediate) if mtype in MOE_TYPES else {}
    if mtype in ("deepseek_v2", "deepseek_v3") and moe and not moe["dense_layers"]:
        moe["dense_intermediate"] = None
    window, window_layers = _sliding(cfg, mtype, layers)
    tied = cfg.get("tie_word_embeddings", mtype in TIED_BY_DEFAULT)
    if not isinstance(tied, bool):
        raise ModelImportError(f"config.json field 'tie_word_embeddings': {tied!r} is not true or false")
    max_ctx = _opt(cfg, "max_position_embeddings")
    arch = ModelArch(
        id=model_id, name=name or str(data.get("_name_or_path") or model_id), hidden=hidden, layers=layers,
        heads=heads, kv_heads=heads if mla else kv_heads, head_dim=head_dim,
        # catalog convention: the dense FFN width, or the expert width when every layer is MoE
        intermediate=(moe["dense_intermediate"] or moe["expert_intermediate"]) if moe else intermediate,
        vocab=vocab, tied_embeddings=tied,
        experts=moe.get("experts"), experts_active=moe.get("experts_active"),
        shared_experts=moe.get("shared_experts"), expert_intermediate=moe.get("expert_intermediate"),
        dense_layers=moe.get("dense_layers"), dense_intermediate=moe.get("dense_intermediate"),
        attention="mla" if mla else "gqa", kv_lora_rank=kv_lora, qk_rope_head_dim=rope,
        sliding_window=window, params_b=1.0, active_params_b=1.0, source=source or "imported config.json",
        max_context=max_ctx, shipped_precision=_shipped(cfg), sliding_window_layers=window_layers,
        moe_layers=moe.get("moe_layers"), attention_sinks=mtype == "gpt_oss",
        q_lora_rank=_opt(cfg, "q_lora_rank") if mla else None,
    )
    counts = count_params(arch)
    return replace(arch, params_b=round(counts.total / 1e9, 3), active_params_b=round(counts.active / 1e9, 3))


def default_id(path: Path, data: dict) -> str:
    """An id from the config's _name_or_path (or the folder name): 'Qwen/Qwen3-8B' -> 'qwen3-8b'."""
    raw = str(data.get("_name_or_path") or "") if isinstance(data, dict) else ""
    base = raw.rstrip("/").split("/")[-1] if raw else (path.parent.name if path.name == "config.json" else path.stem)
    slug = re.sub(r"[^a-z0-9._-]+", "-", base.lower()).strip("-.")
    return slug[:80] or "imported-model"


def import_model_file(path: str | Path, model_id: str | None = None, name: str | None = None) -> ModelArch:
    """Read a local config.json and return its architecture (nothing is stored here)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelImportError(f"{path}: cannot read the file ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelImportError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    mid = model_id or default_id(path, data)
    return arch_from_config(data, mid, name=name, source=f"imported from {path.name} ({path.resolve()})")
