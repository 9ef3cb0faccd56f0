"""The models people deploy in 2026 (issue 14): in the catalog with what their architectures need, and each
parameter count (computed from the dimensions) within 2% of the size its publisher gives."""

from __future__ import annotations

import math

import pytest

from configurator.core.sizing import arch_figures, kv_bytes_per_token, sliding_layers
from configurator.core.sizing.param_count import count_params
from tests.unit.test_sizing_common import model

# Publisher's headline sizes (billions, total / active), from the model cards and READMEs cited in
# shared/data/models-2026.md section 1. gpt-oss: OpenAI leaves the 0.58B input embedding out of "active"
# (models-2026.md section 3), so its active count is compared under that convention.
PUBLISHED = {
    "llama-3.3-70b": (70, 70), "llama-4-scout": (109, 17), "llama-4-maverick": (400, 17), "qwen3-8b": (8.2, 8.2),
    "qwen3-32b": (32.8, 32.8), "qwen3-30b-a3b": (30.5, 3.3), "qwen3-235b-a22b": (235, 22), "gpt-oss-20b": (21, 3.6),
    "gpt-oss-120b": (117, 5.1), "deepseek-r1": (671, 37), "gemma-3-27b": (27, 27), "mistral-small-3.1-24b": (24, 24),
}
ACTIVE_WITHOUT_INPUT_EMBEDDING = {"gpt-oss-20b", "gpt-oss-120b"}
# Exact checkpoint totals quoted in models-2026.md section 3 (safetensors parameter counts): the dimensions must
# reproduce them closely (biases, sinks and QK-norm vectors are the only tensors the count leaves out).
CHECKPOINT = {"llama-3.3-70b": 70_553_706_496, "qwen3-8b": 8_190_735_360, "qwen3-32b": 32_762_123_264,
              "qwen3-30b-a3b": 30_532_122_624, "qwen3-235b-a22b": 235_093_634_560, "gpt-oss-120b": 116_829_156_672,
              "gpt-oss-20b": 20_914_757_184}


@pytest.mark.parametrize("model_id", sorted(PUBLISHED))
def test_parameter_counts_within_2_percent_of_the_published_size(model_id):
    m = model(model_id)
    counts = count_params(m)
    total, active = PUBLISHED[model_id]
    assert counts.total / 1e9 == pytest.approx(total, rel=0.02)
    got = counts.active_without_input_embedding if model_id in ACTIVE_WITHOUT_INPUT_EMBEDDING else counts.active
    assert got / 1e9 == pytest.approx(active, rel=0.02)
    # the catalog holds the counts of its own dimensions
    assert m.params_b == pytest.approx(counts.total / 1e9, abs=0.0006)
    assert m.active_params_b == pytest.approx(counts.active / 1e9, abs=0.0006)
    if model_id in CHECKPOINT:
        assert counts.total == pytest.approx(CHECKPOINT[model_id], rel=0.001)


def test_architectures_carry_what_they_need():
    scout, mav = model("llama-4-scout"), model("llama-4-maverick")
    assert scout.shared_experts == 1 and scout.moe_layer_count == 48
    assert mav.moe_layer_count == 24 and mav.dense_intermediate == 16384  # dense and MoE layers alternate
    assert sliding_layers(scout) == 36 and scout.sliding_window == 8192  # chunked attention; 12 NoPE global
    oss = model("gpt-oss-120b")
    assert oss.attention_sinks and sliding_layers(oss) == 18 and oss.sliding_window == 128
    assert oss.shipped_precision == "mxfp4" and model("deepseek-r1").shipped_precision == "fp8"
    gemma = model("gemma-3-27b")
    assert sliding_layers(gemma) == 52 and gemma.sliding_window == 1024 and gemma.tied_embeddings
    r1 = model("deepseek-r1")
    assert r1.attention == "mla" and r1.q_lora_rank == 1536 and r1.shared_experts == 1 and r1.dense_layers == 3
    assert kv_bytes_per_token(r1, 2.0) == 61 * (512 + 64) * 2
    for mid in PUBLISHED:
        assert model(mid).max_context and model(mid).max_context >= 40960


def test_hybrid_attention_caps_the_kv_cache_at_the_window():
    oss = model("gpt-oss-120b")
    fig = arch_figures(oss, 4.25 / 8, 2.0)
    per_layer = 2 * 8 * 64 * 2.0  # K and V, 8 KV heads of 64, fp16
    assert fig.kv_bytes_per_user(131072) == pytest.approx(18 * per_layer * 131072 + 18 * per_layer * 128)
    full = kv_bytes_per_token(oss, 2.0) * 131072
    assert fig.kv_bytes_per_user(131072) < 0.51 * full


def test_moe_expert_accounting_matches_the_dimensions():
    for mid in ("qwen3-30b-a3b", "qwen3-235b-a22b", "gpt-oss-120b", "deepseek-r1", "llama-4-maverick"):
        m = model(mid)
        fig = arch_figures(m, 2.0, 2.0)
        width = m.expert_intermediate
        one_expert = 3 * m.hidden * width * m.moe_layer_count
        assert fig.expert_bytes / 2.0 == pytest.approx(one_expert, rel=1e-3), mid
        assert math.isfinite(fig.read_bytes(1))
