"""Lesson mode (issue 23, point 1): Help → Lesson walks through the chapter in steps read from
resources/lesson.json; each step's set-up reaches the state it describes, and the three ideas of
weight_delta = delta × input (stopping, negative reversal, scaling) are shown by numbers read
from the window after each step's experiment."""

import json
import re

import pytest
from conftest import run, shown, sync

from gdviz.core.lesson import TABS, LessonError, edge, parse_lesson
from gdviz.core.presets import PRESETS
from gdviz.ui import lesson_panel
from gdviz.ui.resources import resource_path

LESSON = parse_lesson(resource_path("lesson.json").read_text(encoding="utf-8"))


def number(text: str) -> float:
    return float(text.replace("−", "-"))


def cells(model):
    """Every cell of a weights table as the learner reads it (a number, or None for "–")."""
    out = []
    for r in range(model.rowCount()):
        row = []
        for c in range(model.columnCount()):
            text = model.data(model.index(r, c))
            row.append(None if text in ("–", "") else number(text))
        out.append(row)
    return out


def bound(window) -> float:
    """The stable bound the Learning box writes under alpha ("Stable below 0.02699 = …")."""
    match = re.search(r"Stable below ([0-9.e−-]+)", window.controls.alpha_hint.text())
    assert match, window.controls.alpha_hint.text()
    return number(match.group(1))


def open_at(window, qtbot, index):
    panel = lesson_panel.open_lesson(window)
    panel.go(index)
    sync(qtbot, window)
    return panel


def step_index(title_part):
    return next(k for k, step in enumerate(LESSON.steps) if title_part in step.title)


def test_the_lesson_has_about_ten_steps_from_one_data_file():
    assert 8 <= len(LESSON.steps) <= 12
    titles = " ".join(step.title for step in LESSON.steps)
    for idea in ("One input", "Many inputs", "Stopping", "Negative reversal", "Scaling", "Many outputs",
                 "Freezing", "alpha too big", "erratum"):
        assert idea in titles
    for step in LESSON.steps:
        assert step.question.endswith("?")


@pytest.mark.parametrize("index", range(len(LESSON.steps)), ids=[s.title for s in LESSON.steps])
def test_every_step_sets_the_window_up_as_it_says(window, qtbot, index):
    panel = open_at(window, qtbot, index)
    step, setup = LESSON.steps[index], LESSON.steps[index].setup
    state = window.controller.state
    preset = PRESETS[setup["preset"]]
    assert state.preset in (preset.name, None)  # None: the data edited by the step (a custom network)
    assert (state.data.input_names, state.data.output_names) == (preset.inputs, preset.outputs)
    assert state.iteration == 0 and window.controller.log.count == 0
    assert state.alpha == setup.get("alpha", preset.alpha)
    assert state.mode == setup.get("mode", state.mode)
    example = setup.get("example", 0)
    assert state.example == example
    expected_inputs = dict(zip(preset.inputs, preset.data().inputs[example], strict=True))
    expected_inputs.update(setup.get("inputs", {}))
    assert dict(zip(state.data.input_names, state.data.inputs[example], strict=True)) == expected_inputs
    for name, value in setup.get("weights", {}).items():
        assert state.weights[edge(name, preset.inputs, preset.outputs)] == value
    frozen = {edge(name, preset.inputs, preset.outputs) for name in setup.get("frozen", ())}
    assert all(state.frozen[e] for e in frozen)
    assert state.as_printed == setup.get("as_printed", False)
    assert window.views.tabs.currentIndex() == TABS.index(setup.get("tab", "curves"))
    assert window.views.error_plot.log_scale.isChecked() == setup.get("log_scale", False)
    highlight = setup.get("highlight")
    assert window.views.network_view.selected == (edge(highlight, preset.inputs, preset.outputs)
                                                   if highlight else None)
    text = panel.text.toPlainText()
    assert step.question in text and step.answer not in text
    panel.answer_button.click()
    assert step.answer in panel.text.toPlainText()
    assert f"Step {index + 1} of {len(LESSON.steps)}" in panel.heading.text()


def test_stopping_an_input_of_0_leaves_its_weight_alone(window, qtbot):
    """After the step's experiment (three Steps), the weight_delta of nfans→win reads 0 at each and
    its weight still reads −0.1, while the other weights moved. Checked: with the step's input
    of nfans at 1.2 instead of 0, weight_delta reads −0.168 and this fails."""
    open_at(window, qtbot, step_index("Stopping"))
    tables = window.tables
    nfans = window.controller.state.data.input_names.index("nfans")
    before = cells(tables.weight_model)[0]
    for _ in range(3):
        window.step()
        sync(qtbot, window)
        assert cells(tables.delta_model)[0][nfans] == 0
    after = cells(tables.weight_model)[0]
    assert after[nfans] == before[nfans] == -0.1
    assert all(after[i] != before[i] for i in range(3) if i != nfans)


def test_negative_reversal_a_negative_input_turns_its_weight_around(window, qtbot):
    """One Step: the same delta for every weight, and the weight_delta of the negative input
    nfans has the other sign from the positive inputs' — its weight moves the other way."""
    open_at(window, qtbot, step_index("Negative reversal"))
    before = cells(window.tables.weight_model)[0]
    window.step()
    sync(qtbot, window)
    deltas = cells(window.tables.delta_model)[0]
    after = cells(window.tables.weight_model)[0]
    toes, wlrec, nfans = deltas
    assert toes < 0 and wlrec < 0 and nfans > 0  # the sign flip
    assert after[0] > before[0] and after[2] < before[2]  # toes' weight up, nfans' down
    assert nfans / toes == pytest.approx(-1.2 / 8.5)


def test_scaling_a_big_input_makes_the_bound_small_and_training_overshoot(window, qtbot):
    """The bound written under alpha drops at least tenfold (it is 2/‖x‖²: toes ×10 makes ‖x‖²
    ≈ 97 × larger), alpha 0.01 is now above it, and after Run 20 the error has grown."""
    open_at(window, qtbot, step_index("Many inputs"))
    book = bound(window)
    open_at(window, qtbot, step_index("Scaling"))
    scaled = bound(window)
    assert scaled * 10 <= book
    assert book == pytest.approx(2 / (8.5**2 + 0.65**2 + 1.2**2), rel=1e-3)
    assert window.controller.state.alpha > scaled
    run(qtbot, window, 20)
    errors = window.controller.log.column("error_total")
    assert errors[-1] > errors[0] * 1000  # overshooting further each step (56 → 286,468 here)


def test_back_next_and_resuming(window, qtbot):
    panel = open_at(window, qtbot, 0)
    assert not panel.back_button.isEnabled()
    panel.next_button.click()
    sync(qtbot, window)
    assert panel.index == 1 and window.controller.state.data.input_names == ("toes", "wlrec", "nfans")
    run(qtbot, window, 5)  # the learner trains freely
    panel.close()
    shown(qtbot)
    again = lesson_panel.open_lesson(window)
    assert again is panel and again.index == 1
    assert window.controller.last_iteration == 5  # reopening resumes: the learner's work stays
    assert int(window.settings.value(lesson_panel.STEP_KEY)) == 1
    panel.go(len(LESSON.steps) + 3)
    sync(qtbot, window)
    assert panel.index == len(LESSON.steps) - 1 and not panel.next_button.isEnabled()


def test_help_lesson_opens_at_the_step_left_last_time(make_window, qtbot):
    first = make_window()
    lesson_panel.open_lesson(first).go(4)
    sync(qtbot, first)
    second = make_window()
    second.actions.lesson.trigger()
    sync(qtbot, second)
    panel = second.findChild(lesson_panel.LessonPanel)
    assert panel.index == 4 and panel.isVisible()
    assert second.controller.state.data.inputs[0][0] == 85  # step 5's set-up ran


@pytest.mark.parametrize("change, problem", [
    (lambda d: d.update(format="x"), "not a lesson"),
    (lambda d: d["steps"][0].pop("question"), "step 1 must have exactly"),
    (lambda d: d["steps"][1]["setup"].update(preset="letters"), "step 2: 'letters' is not a preset"),
    (lambda d: d["steps"][2]["setup"].update(inputs={"shoes": 1}), "step 3: 'inputs' must give numbers"),
    (lambda d: d["steps"][3]["setup"].update(highlight="nfans->lose"), "step 4: 'nfans->lose' is not a weight"),
    (lambda d: d["steps"][0]["setup"].update(speed=3), "step 1: unknown set-up key 'speed'"),
    (lambda d: d["steps"][0]["setup"].update(alpha=-1), "'alpha' must be a positive number"),
])
def test_a_broken_lesson_file_is_refused_naming_the_step(change, problem):
    document = json.loads(resource_path("lesson.json").read_text(encoding="utf-8"))
    change(document)
    with pytest.raises(LessonError, match=re.escape(problem)):
        parse_lesson(json.dumps(document))


def test_command_line_preset_and_lesson_options():
    from gdviz.ui.app import _window_options

    assert _window_options(["--preset", "multi-out", "--lesson"]) == ("multi-out", True, [])
    assert _window_options(["--preset=single", "s.gdviz"]) == ("single", False, ["s.gdviz"])
    assert _window_options([]) == (None, False, [])
    for wrong in (["--preset", "letters"], ["--preset"]):
        with pytest.raises(ValueError, match="is not a preset; one of single"):
            _window_options(wrong)


def test_gdviz_preset_opens_on_that_preset(make_window, qtbot):
    win = make_window("multi-out")
    sync(qtbot, win)
    assert win.controller.state.preset == "multi-out"


def test_the_lesson_file_is_packaged():
    """An installed gdviz has resources/lesson.json: pyproject's package data for gdviz.resources
    covers it. Checked: with only "*.svg" and "*.png" listed, this fails."""
    import fnmatch
    from pathlib import Path

    import tomllib

    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["gdviz.resources"]
    assert any(fnmatch.fnmatch("lesson.json", pattern) for pattern in patterns)
    assert "Pillow>=10" in pyproject["project"]["dependencies"]


def test_freezing_the_frozen_weight_never_moves_and_the_error_still_falls(window, qtbot):
    open_at(window, qtbot, step_index("Freezing"))
    before = cells(window.tables.weight_model)[0]
    run(qtbot, window, 100)
    after = cells(window.tables.weight_model)[0]
    assert after[0] == before[0]  # toes→win, frozen
    assert after[1] != before[1] and after[2] != before[2]
    errors = window.controller.log.column("error_total")
    assert errors[-1] < errors[0] / 100


def test_an_alpha_too_big_is_above_the_bound_and_the_error_grows(window, qtbot):
    open_at(window, qtbot, step_index("alpha too big"))
    assert window.controller.state.alpha == 0.1 > bound(window)
    assert "overshoot" in window.controls.alpha_hint.text()
    run(qtbot, window, 30)
    errors = window.controller.log.column("error_total")
    assert errors[-1] > errors[0]


def test_many_inputs_shows_the_three_printed_iterations(window, qtbot):
    """The step's three Steps give the preds the chapter prints, read from the diagram's label."""
    open_at(window, qtbot, step_index("Many inputs"))
    labels = []
    for _ in range(3):
        window.step()
        sync(qtbot, window)
        labels.append(window.views.network_view.output_label(0))
    assert labels == ["win  0.86 / 1", "win  0.9637575 / 1", "win  0.99061772 / 1"]
