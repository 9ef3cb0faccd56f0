"""A build with several workloads on paper and on the command line: the quote PDF and the build sheet carry a
section per workload with its own figures, `configurator check` reports every workload (text and JSON, the old
keys kept), and the file keeps the workloads through the commands."""

from __future__ import annotations

import json

import pytest

from configurator.cli import run
from configurator.core.analysis import analyze
from configurator.core.buildfile import load, save
from configurator.core.workload import TRAINING, InferenceWorkload, TrainingWorkload, Workload
from configurator.present import memory
from configurator.present.sentences import memory_fit
from tests.export.conftest import EXAMPLES, pdf_pages, squeeze

SOURCE = EXAMPLES / "ws-2x-rtxpro6000-maxq.json"  # 2 x RTX PRO 6000 Max-Q (96 GB each)


@pytest.fixture(autouse=True)
def _catalog(monkeypatch, catalog_path):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))


def _two_workloads(catalog, tmp_path, third_does_not_fit: bool = False):
    """The example's inference (unnamed) plus a named QLoRA 70B fine-tune; optionally a full fine-tune of 70B
    that needs far more memory than the two cards hold."""
    build = load(SOURCE, catalog)
    build.add_workload(Workload(kind=TRAINING, training=TrainingWorkload(mode="qlora", model_id="llama-3.1-70b",
                                                                          tokens=2e7)),
                       name="QLoRA 70B on our tickets", select=False)
    if third_does_not_fit:
        build.add_workload(Workload(kind=TRAINING, inference=InferenceWorkload(),
                                    training=TrainingWorkload(mode="full", model_id="llama-3.1-70b")), select=False)
    path = save(build, tmp_path / "two.json")
    return path, build, analyze(build, catalog)


def test_quote_and_build_sheet_carry_every_workload_with_its_figures(tmp_path, capsys, catalog):
    path, build, analysis = _two_workloads(catalog, tmp_path)
    assert [w.title for w in analysis.workloads] == ["Llama 3.1 70B inference", "QLoRA 70B on our tickets"]
    assert all(w.fits for w in analysis.workloads)
    quote, sheet = tmp_path / "q.pdf", tmp_path / "sheet.pdf"
    assert run(["quote", str(path), "-o", str(quote), "--build-sheet", str(sheet)]) == 0
    capsys.readouterr()
    for pdf in (quote, sheet):
        flat = squeeze(" ".join(pdf_pages(pdf)))
        assert squeeze("2 of 2 workloads fit") in flat, pdf.name
        for i, w in enumerate(analysis.workloads, 1):
            assert squeeze(f"Workload {i}: {w.title}") in flat, (pdf.name, w.title)
            # each workload's own memory figure, in the words the window uses
            mem = (w.inference or w.training).result.memory
            assert squeeze(memory_fit(mem)) in flat, (pdf.name, w.title)
        inference, qlora = analysis.workloads
        assert squeeze("Concurrent users") in flat and squeeze("Training (qlora)") in flat
        assert squeeze("Expected time to train") in flat and squeeze("Expected speed per user") in flat
    # the two memory figures differ: the sections are not one workload printed twice
    assert memory_fit(inference.inference.result.memory) != memory_fit(qlora.training.result.memory)


def test_one_workload_documents_read_as_before(tmp_path, capsys):
    sheet = tmp_path / "sheet.pdf"
    assert run(["build-sheet", str(SOURCE), "-o", str(sheet)]) == 0
    capsys.readouterr()
    flat = squeeze(" ".join(pdf_pages(sheet)))
    assert squeeze("Workload") in flat and "Workload1:" not in flat and "workloadsfit" not in flat


def test_check_reports_every_workload_text_and_json(tmp_path, capsys, catalog):
    path, build, analysis = _two_workloads(catalog, tmp_path, third_does_not_fit=True)
    assert run(["check", str(path)]) == 1  # the full fine-tune does not fit: an error
    out = capsys.readouterr().out
    assert "Workloads: 2 of 3 workloads fit" in out
    assert "Workload Llama 3.1 70B inference: fits" in out
    assert "Workload QLoRA 70B on our tickets: fits" in out
    assert "Workload Llama 3.1 70B full fine-tune: does not fit" in out
    # the error names the workload it is about
    assert "ERROR   WORKLOAD_DOES_NOT_FIT: Llama 3.1 70B full fine-tune: Training Llama 3.1 70B does not fit" in out

    assert run(["check", str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and {f["code"] for f in data["findings"]} >= {"WORKLOAD_DOES_NOT_FIT"}
    assert [(w["title"], w["kind"], w["mode"], w["fits"], w["selected"]) for w in data["workloads"]] == [
        ("Llama 3.1 70B inference", "inference", None, True, True),
        ("QLoRA 70B on our tickets", "training", "qlora", True, False),
        ("Llama 3.1 70B full fine-tune", "training", "full", False, False)]
    full = data["workloads"][2]
    assert full["findings"] == ["WORKLOAD_DOES_NOT_FIT"]
    assert full["memory_total_bytes"] > full["memory_capacity_bytes"]  # raw bytes, not worded
    first = data["workloads"][0]
    assert first["users"] == 4 and first["per_user_tokens_per_s"] > 0
    assert first["memory_total_bytes"] == pytest.approx(float(analysis.workloads[0].inference.result.memory.total_bytes))
    assert memory(first["memory_total_bytes"]) in memory_fit(analysis.workloads[0].inference.result.memory)


def test_check_json_of_a_one_workload_file_keeps_its_keys(capsys):
    assert run(["check", str(SOURCE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"ok", "findings", "workloads"} and data["ok"] is True
    assert len(data["workloads"]) == 1 and data["workloads"][0]["selected"] is True


def test_a_bad_workloads_list_is_one_clear_line(tmp_path, capsys):
    data = json.loads(SOURCE.read_text(encoding="utf-8"))
    workload = data.pop("workload")
    data["schema"] = 2
    data["workloads"] = [workload, {**workload, "name": 7}, "nonsense"]
    data["selected_workload"] = 5
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    assert run(["check", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert "$.workloads[1].name: 7 is not text" in err and "$.workloads[2]: \"nonsense\" is not an object" in err


def test_a_quote_with_options_gives_every_workload_its_figures_on_each_option(tmp_path, catalog):
    from configurator.core.quotes import Customer
    from configurator.export.branding import load_branding
    from configurator.export.issue import issue_and_export_options
    from configurator.store.quotes import QuoteStore
    from configurator.store.userdb import UserDatabase

    options = []
    for tier, name in (("Good", "ws-2x-rtxpro6000-maxq"), ("Better", "hgx-8x-h200")):
        build = load(EXAMPLES / f"{name}.json", catalog)
        build.add_workload(Workload(kind=TRAINING, training=TrainingWorkload(mode="qlora", model_id="llama-3.1-70b",
                                                                              tokens=2e7)),
                           name="QLoRA 70B", select=False)
        options.append((tier, build))
    db = UserDatabase(tmp_path / "user.sqlite")
    try:
        pdf = tmp_path / "options.pdf"
        issue_and_export_options(QuoteStore(db.db), options, catalog, load_branding(), "customer", pdf,
                                 create={"customer": Customer("Jane Roe")})
    finally:
        db.close()
    flat = squeeze(" ".join(pdf_pages(pdf)))
    for i, (_tier, build) in enumerate(options, 1):
        section = flat.split(squeeze(f"Option {i}: expected performance"))[1]
        section = section.split(squeeze(f"Option {i + 1}:"))[0].split(squeeze("Workloads the options"))[0]
        analysis = analyze(build, catalog)
        for w in analysis.workloads:
            assert squeeze(f"{w.title}: fits") in section, (i, w.title)
            assert squeeze(memory_fit((w.inference or w.training).result.memory)) in section, (i, w.title)
    assert squeeze("Workloads the options are sized for") in flat and squeeze("Workload 2: QLoRA 70B") in flat
