"""Importing a model from a Hugging Face config.json (issue 14): dense, GQA, MoE and MLA are recognised, anything
unknown is refused naming the field, the model is kept in the user database, and build files that use it carry
it. The configs below are the published config.json values as read in shared/data/models-2026.md."""

from __future__ import annotations

import json

import pytest

from configurator import cli
from configurator.catalog.hf_import import ModelImportError, arch_from_config, import_model_file
from configurator.core.buildfile import file_format
from configurator.store.userdb import UserDatabase, user_database_path
from tests.unit.test_build_helpers import EXAMPLES

QWEN3_8B = {  # Qwen/Qwen3-8B: dense, GQA 32/8
    "architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "_name_or_path": "Qwen/Qwen3-8B",
    "hidden_size": 4096, "intermediate_size": 12288, "num_hidden_layers": 36, "num_attention_heads": 32,
    "num_key_value_heads": 8, "head_dim": 128, "vocab_size": 151936, "tie_word_embeddings": False,
    "max_position_embeddings": 40960, "sliding_window": None, "use_sliding_window": False,
    "torch_dtype": "bfloat16", "rope_theta": 1000000,
}
QWEN3_30B_A3B = {  # MoE, 128 experts top-8, every layer MoE
    "model_type": "qwen3_moe", "hidden_size": 2048, "intermediate_size": 6144, "moe_intermediate_size": 768,
    "num_experts": 128, "num_experts_per_tok": 8, "decoder_sparse_step": 1, "mlp_only_layers": [],
    "num_hidden_layers": 48, "num_attention_heads": 32, "num_key_value_heads": 4, "head_dim": 128,
    "vocab_size": 151936, "tie_word_embeddings": False, "max_position_embeddings": 40960, "torch_dtype": "bfloat16",
}
DEEPSEEK_R1 = {  # MLA, 256 routed + 1 shared, 3 leading dense layers, FP8 weights
    "model_type": "deepseek_v3", "hidden_size": 7168, "intermediate_size": 18432, "moe_intermediate_size": 2048,
    "num_hidden_layers": 61, "num_attention_heads": 128, "num_key_value_heads": 128, "q_lora_rank": 1536,
    "kv_lora_rank": 512, "qk_nope_head_dim": 128, "qk_rope_head_dim": 64, "v_head_dim": 128,
    "first_k_dense_replace": 3, "n_routed_experts": 256, "n_shared_experts": 1, "num_experts_per_tok": 8,
    "vocab_size": 129280, "tie_word_embeddings": False, "max_position_embeddings": 163840,
    "quantization_config": {"quant_method": "fp8", "fmt": "e4m3", "activation_scheme": "dynamic",
                            "weight_block_size": [128, 128]},
}
GPT_OSS_20B = {  # MoE with alternating sliding (128) / full layers, attention sinks, MXFP4 experts
    "model_type": "gpt_oss", "hidden_size": 2880, "intermediate_size": 2880, "head_dim": 64,
    "num_attention_heads": 64, "num_key_value_heads": 8, "num_hidden_layers": 24, "num_local_experts": 32,
    "experts_per_token": 4, "num_experts_per_tok": 4, "sliding_window": 128,
    "layer_types": ["sliding_attention", "full_attention"] * 12, "max_position_embeddings": 131072,
    "vocab_size": 201088, "tie_word_embeddings": False,
    "quantization_config": {"quant_method": "mxfp4", "modules_to_not_convert": [
        "model.layers.*.self_attn", "model.layers.*.mlp.router", "model.embed_tokens", "lm_head"]},
}
LLAMA4_SCOUT = {  # multimodal wrapper; text_config: all 48 layers MoE with a shared expert, chunked attention
    "model_type": "llama4", "torch_dtype": "bfloat16",
    "text_config": {
        "model_type": "llama4_text", "hidden_size": 5120, "intermediate_size": 8192, "intermediate_size_mlp": 16384,
        "num_hidden_layers": 48, "num_attention_heads": 40, "num_key_value_heads": 8, "head_dim": 128,
        "num_local_experts": 16, "num_experts_per_tok": 1, "interleave_moe_layer_step": 1,
        "moe_layers": list(range(48)), "no_rope_layers": [1, 1, 1, 0] * 12, "attention_chunk_size": 8192,
        "vocab_size": 202048, "max_position_embeddings": 262144, "tie_word_embeddings": False},
}
GEMMA3_27B = {  # the shipped text_config omits vocab, max positions, pattern and tying (transformers defaults)
    "model_type": "gemma3",
    "text_config": {"model_type": "gemma3_text", "hidden_size": 5376, "intermediate_size": 21504,
                    "num_attention_heads": 32, "num_hidden_layers": 62, "num_key_value_heads": 16, "head_dim": 128,
                    "sliding_window": 1024, "query_pre_attn_scalar": 168, "torch_dtype": "bfloat16"},
}


@pytest.mark.parametrize("config, catalog_id", [
    (QWEN3_8B, "qwen3-8b"), (QWEN3_30B_A3B, "qwen3-30b-a3b"), (DEEPSEEK_R1, "deepseek-r1"),
    (GPT_OSS_20B, "gpt-oss-20b"), (LLAMA4_SCOUT, "llama-4-scout"), (GEMMA3_27B, "gemma-3-27b"),
])
def test_published_configs_import_as_the_catalog_has_them(catalog, config, catalog_id):
    arch = arch_from_config(config, "imported")
    ref = catalog.model(catalog_id)
    for field in ("hidden", "layers", "heads", "kv_heads", "head_dim", "intermediate", "vocab", "tied_embeddings",
                  "experts", "experts_active", "shared_experts", "expert_intermediate", "attention", "kv_lora_rank",
                  "qk_rope_head_dim", "sliding_window", "max_context", "shipped_precision", "q_lora_rank",
                  "attention_sinks"):
        assert getattr(arch, field) == getattr(ref, field), field
    assert arch.params_b == pytest.approx(ref.params_b, abs=0.002)
    assert arch.active_params_b == pytest.approx(ref.active_params_b, abs=0.002)
    assert arch.moe_layer_count == ref.moe_layer_count
    assert (arch.sliding_window_layers or 0) == (ref.sliding_window_layers or 0)


def test_maverick_alternating_dense_and_moe_layers():
    cfg = json.loads(json.dumps(LLAMA4_SCOUT))
    text = cfg["text_config"]
    text.update(num_local_experts=128, interleave_moe_layer_step=2, intermediate_size_mlp=16384)
    del text["moe_layers"]
    arch = arch_from_config(cfg, "mav")
    assert arch.moe_layer_count == 24 and arch.dense_intermediate == 16384
    assert arch.params_b == pytest.approx(400.712, abs=0.01)


@pytest.mark.parametrize("change, field", [
    ({"model_type": "mamba"}, "'model_type'"),
    ({"hidden_size": None}, "'hidden_size'"),
    ({"layer_types": ["linear_attention"] * 36}, "'layer_types'"),
    ({"num_key_value_heads": 5}, "'num_key_value_heads'"),
    ({"ssm_state_size": 16}, "'ssm_state_size'"),
    ({"quantization_config": {"quant_method": "awq"}}, "'quantization_config'"),
    ({"num_hidden_layers": "36"}, "'num_hidden_layers'"),
])
def test_unknown_or_unsupported_configs_are_refused_naming_the_field(change, field):
    cfg = {**QWEN3_8B, **change}
    if change.get("hidden_size", 1) is None:
        del cfg["hidden_size"]
    with pytest.raises(ModelImportError, match=field):
        arch_from_config(cfg, "x")


def test_moe_without_expert_count_is_refused():
    cfg = {k: v for k, v in QWEN3_30B_A3B.items() if k != "num_experts"}
    with pytest.raises(ModelImportError, match="num_local_experts"):
        arch_from_config(cfg, "x")


def _write(tmp_path, config, name="config.json"):
    path = tmp_path / name
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def test_import_file_reads_a_local_config_and_names_it(tmp_path):
    arch = import_model_file(_write(tmp_path, QWEN3_8B))
    assert arch.id == "qwen3-8b" and arch.name == "Qwen/Qwen3-8B" and "config.json" in arch.source
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelImportError, match="not valid JSON"):
        import_model_file(bad)


@pytest.fixture
def run(catalog_path, monkeypatch, capsys):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))

    def go(*argv):
        rc = cli.run(list(argv))
        out, err = capsys.readouterr()
        return rc, out, err

    return go


def test_cli_import_keeps_the_model_in_the_user_database_and_size_uses_it(run, tmp_path):
    path = _write(tmp_path, DEEPSEEK_R1)
    rc, out, err = run("catalog", "import-model", str(path), "--id", "my-r1")
    assert rc == 0, err
    assert "my-r1" in out and "MLA" in out and "MoE 256 experts top-8 + 1 shared" in out
    db = UserDatabase(user_database_path())
    try:
        kept = db.imported_model("my-r1")
    finally:
        db.close()
    assert kept is not None and kept.attention == "mla" and kept.params_b == pytest.approx(671.026, abs=0.01)
    rc, out, err = run("size", "--model", "my-r1", "--gpu", "h200-sxm", "--gpus", "8", "--precision", "fp8",
                       "--engine", "vllm", "--parallel", "tp", "--json")
    assert rc == 0, err
    assert json.loads(out)["kv_bytes_per_token"] == 61 * 576 * 2.0  # MLA latent cache at the fp16 default
    rc, out, err = run("size", "--mode", "lora", "--model", "my-r1", "--gpu", "h200-sxm", "--gpus", "8",
                       "--nodes", "4", "--json")
    assert rc == 0, err


def test_cli_refuses_a_catalog_id_and_a_bad_file_with_one_line(run, tmp_path):
    rc, _, err = run("catalog", "import-model", str(_write(tmp_path, QWEN3_8B)), "--id", "qwen3-8b")
    assert rc == 2 and "already a catalog model" in err and len(err.strip().splitlines()) == 1
    rc, _, err = run("catalog", "import-model", str(_write(tmp_path, {**QWEN3_8B, "model_type": "rwkv"}, "b.json")))
    assert rc == 2 and "'model_type'" in err and len(err.strip().splitlines()) == 1
    rc, _, err = run("catalog", "import-model", str(tmp_path / "missing.json"))
    assert rc == 2 and "cannot read" in err


def test_build_files_carry_the_imported_model_to_another_machine(catalog, tmp_path):
    arch = arch_from_config(QWEN3_30B_A3B, "my-moe", name="My MoE")
    data = json.loads((EXAMPLES / "hgx-8x-h200.json").read_text())
    data["models"] = [file_format.arch_to_dict(arch)]
    data["workload"]["inference"]["model_id"] = "my-moe"
    build = file_format.from_dict(data, catalog)  # a catalog that never imported it
    assert build.catalog.model("my-moe") == arch
    text = file_format.dumps(build)
    again = json.loads(text)
    assert again["models"][0]["id"] == "my-moe" and again["workload"]["inference"]["model_id"] == "my-moe"
    assert file_format.dumps(file_format.loads(text, catalog)) == text  # round trip unchanged
    # a file that no longer uses it does not carry it
    plain = json.loads((EXAMPLES / "hgx-8x-h200.json").read_text())
    assert "models" not in json.loads(file_format.dumps(file_format.from_dict(plain, catalog)))


def test_build_file_models_are_checked(catalog):
    data = json.loads((EXAMPLES / "hgx-8x-h200.json").read_text())
    bad = file_format.arch_to_dict(arch_from_config(QWEN3_8B, "qwen3-8b-copy"))
    bad["layers"] = 0
    bad["bogus"] = 1
    data["models"] = [bad, {**file_format.arch_to_dict(catalog.model("qwen3-8b")), "hidden": 1}]
    with pytest.raises(file_format.BuildFileError) as info:
        file_format.from_dict(data, catalog)
    text = str(info.value)
    assert "$.models[0].bogus: unknown key" in text and "$.models[0].layers" in text
    assert "$.models[1].id: 'qwen3-8b' is a catalog model with another architecture" in text


def test_imported_models_are_listed_after_the_catalog(run, tmp_path):
    assert run("catalog", "import-model", str(_write(tmp_path, QWEN3_8B)), "--id", "my-qwen")[0] == 0
    rc, out, _ = run("catalog", "list", "models", "--filter", "qwen")
    lines = out.strip().splitlines()
    assert rc == 0 and lines[-1].startswith("my-qwen") and any(ln.startswith("qwen3-8b ") for ln in lines)
