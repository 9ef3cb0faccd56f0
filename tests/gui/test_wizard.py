"""The wizard: large buttons, the questions of each branch, proposals from the core, one click chooses."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from configurator.core.configuration import Build, SXM_SERVER, WORKSTATION
from configurator.core.recommend import Request, recommend
from configurator.ui.views.wizard import BUTTON_HEIGHT, WizardDialog


@pytest.fixture
def wizard(qtbot, app_context):
    w = WizardDialog(app_context)
    qtbot.addWidget(w)
    w.show()
    return w


def click(qtbot, wizard, name):
    qtbot.mouseClick(wizard.button(name), Qt.MouseButton.LeftButton)


def test_every_answer_is_a_large_button(wizard):
    buttons = [b for b in wizard.mode_page.findChildren(QPushButton) if b.objectName().startswith("mode-")]
    assert len(buttons) == 4
    assert all(b.minimumHeight() >= BUTTON_HEIGHT for b in buttons)
    assert not wizard.button("repeat-last").isVisible()  # nothing asked yet: no "same as last time"


def test_small_team_inference_ends_in_workstation_proposals_and_a_click_chooses(qtbot, wizard, catalog):
    for name in ("mode-infer", "model-llama-3.1-70b", "users-8", "precision-q4_k_m", "show-proposals"):
        click(qtbot, wizard, name)
    assert wizard.current_page() is wizard.proposals_page
    expected = recommend(Request("infer", "llama-3.1-70b", "q4_k_m", users=8, context=8192), catalog)
    assert [p.tier for p in wizard.recommendation.proposals] == [p.tier for p in expected.proposals]
    assert [p.price_total for p in wizard.recommendation.proposals] == [p.price_total for p in expected.proposals]
    for p in expected.proposals:
        assert p.summary in wizard.button(f"proposal-{p.tier}").accessibleName()
    with qtbot.waitSignal(wizard.build_chosen, timeout=2000) as blocker:
        click(qtbot, wizard, "proposal-better")
    chosen = blocker.args[0]
    assert isinstance(chosen, Build) and chosen is wizard.chosen_build
    assert chosen.kind == WORKSTATION and chosen.name == expected.proposals[1].build.name
    assert wizard.result() == WizardDialog.DialogCode.Accepted


def test_full_fine_tune_asks_for_data_and_proposes_servers(qtbot, wizard):
    for name in ("mode-train", "model-llama-3.1-70b", "tokens-1e+08", "show-proposals"):
        click(qtbot, wizard, name)
    props = wizard.recommendation.proposals
    assert props and all(p.build.kind != WORKSTATION for p in props)
    assert props[0].build.kind == SXM_SERVER and props[0].build.gpus_per_node == 8


def test_back_returns_to_the_previous_question(qtbot, wizard):
    assert not wizard.back_button.isEnabled()
    click(qtbot, wizard, "mode-infer")
    assert wizard.current_page() is wizard.model_page
    qtbot.mouseClick(wizard.back_button, Qt.MouseButton.LeftButton)
    assert wizard.current_page() is wizard.mode_page
    click(qtbot, wizard, "mode-pretrain")
    click(qtbot, wizard, "model-llama-3.1-8b")
    assert wizard.button("tokens-default") is not None
