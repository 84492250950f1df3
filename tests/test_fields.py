"""Fields keep what was typed or refuse it (issue 19, point 5 and two items of point 9).

Each test types as a learner does (QTest key events into the focused field) and looks at what the
learner sees: the status bar, the field, and the controller's state and log.

How each was checked against the old code (the tree before these changes, run with
``PYTHONPATH`` pointing at a copy of it): see each test's docstring.
"""

import pytest
from conftest import sync
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip

from gdviz.ui.widgets import NumberField

REFUSED = ["2.5", "7.9", "1e3", "²", "½", "٣", "-3"]


def type_into(qtbot, field, text):
    """Focus ``field``, select what it holds and type ``text`` key by key. QTest.keyClicks types
    Latin-1 only (it asserts on "٣"): other characters go as the key event a keyboard layout
    sends for them, with their text."""
    field.setFocus(Qt.FocusReason.TabFocusReason)
    editor = field.lineEdit() if hasattr(field, "lineEdit") else field
    qtbot.waitUntil(editor.hasFocus, timeout=2000)
    editor.selectAll()
    for character in text:
        if ord(character) < 256:
            QTest.keyClicks(editor, character)
        else:
            QTest.sendKeyEvent(QTest.KeyAction.Click, editor, Qt.Key.Key_unknown, character,
                               Qt.KeyboardModifier.NoModifier)
    assert editor.text() == text  # kept as typed, key by key: nothing dropped or turned into another number


def message(window):
    return window.status.message.full_text()


def fields(window):
    controls = window.controls
    return {"Run N": controls.run_field, "Inputs": controls.inputs_field, "Outputs": controls.outputs_field,
            "Train on game": controls.example_spin}


@pytest.mark.parametrize("text", REFUSED)
@pytest.mark.parametrize("name, commit", [("Run N", "Enter"), ("Run N", "Run"), ("Inputs", "Enter"),
                                          ("Outputs", "Enter"), ("Outputs", "leave"), ("Train on game", "Enter")])
def test_a_count_field_refuses_what_is_not_a_whole_number_and_changes_nothing(window, qtbot, name, commit, text):
    """Typed as a learner would, then Enter, the Run button or leaving the field: the app lives, the
    status bar names the field and what was refused, the field shows its value again, and nothing
    trains and nothing changes shape, example or undo history.

    Against the old code (each case run on its own): "²" killed pytest with a segmentation fault
    in every field; 29 of the other 36 cases failed: "2.5" and "7.9" ran 1 iteration after a click
    on Run (the button took the focus and the field turned the text into 1 on the way out), "-3"
    ran 1,000 that way; "1e3" was typed as "13" and "½" dropped without a word; "2.5" in Inputs
    built a 1-input network and "٣" was taken as 3; the example field took "2.5" as 2 and "-3" as
    3. The seven that passed were refused already: "-3" with Enter in Run N, Inputs and Outputs
    and on leaving Outputs, and "7.9" in the 1-32 shape fields (read as 79: out of range)."""
    controller = window.controller
    controller.set_mode("example")  # the example field is enabled in example mode only
    sync(qtbot, window)
    field = fields(window)[name]
    assert field.isEnabled()
    before = field.value()
    state = controller.state
    shape, example = (state.data.n_inputs, state.data.n_outputs), state.example
    undo_steps = controller.undo_stack.count()
    type_into(qtbot, field, text)
    if commit == "Enter":
        QTest.keyClick(field.lineEdit(), Qt.Key.Key_Return)
    elif commit == "Run":
        qtbot.mouseClick(window.controls.run_button, Qt.MouseButton.LeftButton)
    else:  # the learner clicks the diagram
        qtbot.mouseClick(window.views.network_view, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not field.hasFocus(), timeout=2000)
    sync(qtbot, window)
    words = f"{name} must be a whole number from {field.minimum():,} to {field.maximum():,}, not {text};"
    assert words in message(window)
    if commit != "leave":  # (the click that leaves the field closes tips)
        assert words in QToolTip.text()  # and beside the field
    assert field.value() == before and field.lineEdit().text() == field.textFromValue(before)
    state = controller.state
    assert controller.log.count == 0 and not state.playing
    assert (state.data.n_inputs, state.data.n_outputs) == shape and state.example == example
    assert controller.undo_stack.count() == undo_steps


def test_run_n_runs_exactly_the_number_typed(window, qtbot):
    """"12" then a click on Run: 12 iterations. "1,000" (as the field shows it) is 1,000.

    Against the old code this passed for "12" (the guard against refusing everything)."""
    field = window.controls.run_field
    type_into(qtbot, field, "12")
    qtbot.mouseClick(window.controls.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.controller.log.count == 12 and not window.controller.state.playing, timeout=20000)
    sync(qtbot, window)
    assert window.controller.log.count == 12 and field.value() == 12
    assert QApplication.focusWidget() is not field.lineEdit()  # Space now plays or pauses
    type_into(qtbot, field, "1,000")
    QTest.keyClick(field.lineEdit(), Qt.Key.Key_Return)
    assert field.value() == 1000 and field.typed_value() == 1000


@pytest.mark.qt_no_exception_capture  # the injected fault is reported through sys.excepthook, on purpose
def test_an_override_that_raises_still_answers_qt(window, qtbot, monkeypatch):
    """A fault inside the field's validate (here injected) neither kills the app nor goes unsaid:
    the key is kept, the status bar names the fault, and the field then refuses nothing it cannot read.

    Against the old code: the test failed (no word of the fault), then the process died with a
    segmentation fault when the window closed (the exception inside QValidator.validate, called as
    the field lost the focus)."""
    field = window.controls.run_field

    def broken(self, text):
        raise ZeroDivisionError("injected")

    monkeypatch.setattr(NumberField, "_number", broken)
    field.setFocus()
    qtbot.waitUntil(field.lineEdit().hasFocus, timeout=2000)
    field.lineEdit().selectAll()
    QTest.keyClicks(field.lineEdit(), "5")
    assert field.lineEdit().text() == "5"
    assert "Internal error in NumberField.validate: ZeroDivisionError: injected" in message(window)
    QTest.keyClick(field.lineEdit(), Qt.Key.Key_Return)  # keyPressEvent raises now too: still answered
    sync(qtbot, window)
    assert window.controller.log.count == 0


def test_a_new_shape_says_that_alpha_moved_and_why(window, qtbot):
    """A fresh 1 → 3 network (the preset box's "custom", or ``load_shape``) on the 3 → 3 network:
    alpha moves from 0.01 to the new network's own; the status bar says so with the new value,
    the old one and the reason, and the alpha field shows it. (The Shape fields now keep the
    data and its alpha: issue 21; see tests/test_data_editor_window.py.)

    Against the old code: the status bar said nothing (alpha went from 0.01 to 0.5 silently)."""
    controller = window.controller
    old = controller.state.alpha
    controller.load_shape(1, 3)
    sync(qtbot, window)
    state = controller.state
    assert (state.data.n_inputs, state.data.n_outputs) == (1, 3) and state.alpha != old
    assert message(window).startswith(f"Alpha set to {state.alpha:g} (was {old:g}): half the largest stable alpha "
                                      "for this data (")
    assert window.controls.alpha_edit.text() == f"{state.alpha:g}"


def test_a_refusal_goes_once_its_field_takes_a_value(window, qtbot):
    """Alpha "abc" is refused in the status bar; alpha 0.02 typed next takes it away. The same
    for Run N: "2.5" refused, then "50" taken. A later message of something else stays.

    Against the old code: the alpha message stayed in the status bar after 0.02 was taken (and
    "2.5" was not refused at all)."""
    alpha = window.controls.alpha_edit
    type_into(qtbot, alpha, "abc")
    QTest.keyClick(alpha, Qt.Key.Key_Return)
    assert "alpha 'abc' is not a number" in message(window)
    type_into(qtbot, alpha, "0.02")
    QTest.keyClick(alpha, Qt.Key.Key_Return)
    sync(qtbot, window)
    assert window.controller.state.alpha == 0.02
    assert message(window) == ""
    field = window.controls.run_field
    type_into(qtbot, field, "2.5")
    QTest.keyClick(field.lineEdit(), Qt.Key.Key_Return)
    assert "Run N must be a whole number" in message(window)
    type_into(qtbot, field, "50")
    QTest.keyClick(field.lineEdit(), Qt.Key.Key_Return)
    assert field.value() == 50 and message(window) == ""
    type_into(qtbot, alpha, "x")
    QTest.keyClick(alpha, Qt.Key.Key_Return)
    window.status.show_message("Saved")
    type_into(qtbot, alpha, "0.03")
    QTest.keyClick(alpha, Qt.Key.Key_Return)
    assert message(window) == "Saved"


def test_the_controls_below_the_alpha_hint_hold_still_when_it_grows(window, qtbot):
    """Alpha 0.1 is above the bound: the hint's warning takes two lines (measured below) where the
    bound alone took one, and the border turns red; a refused alpha's message, likewise. The
    speed slider and the as-printed box under it stay where they were, to the pixel.

    Against the old code: the slider moved down 12 px at the warning and up 2 px at the refusal
    (the border's style sheet made the alpha field 2 px shorter)."""
    controls = window.controls
    hint = controls.alpha_hint
    panel = controls.widget()

    def places():
        return [widget.mapTo(panel, widget.rect().topLeft()).y() for widget in (controls.speed_slider,
                                                                               controls.as_printed_box)]

    def lines(text):
        metrics = hint.fontMetrics()
        box = metrics.boundingRect(0, 0, hint.contentsRect().width(), 10_000, Qt.TextFlag.TextWordWrap, text)
        return box.height() // metrics.lineSpacing()

    QApplication.processEvents()
    before = places()
    assert lines(hint.text()) == 1
    for typed, words in (("0.1", "will overshoot"), ("1e400", "must be a finite number")):
        type_into(qtbot, controls.alpha_edit, typed)
        QTest.keyClick(controls.alpha_edit, Qt.Key.Key_Return)
        sync(qtbot, window)
        assert words in hint.text() and lines(hint.text()) == 2
        QApplication.processEvents()
        assert places() == before


def test_a_hint_too_long_for_its_lines_ends_with_an_ellipsis_and_keeps_its_height(qtbot):
    """A hint that needs more lines than it keeps shows their start and "…", whole in its tooltip;
    its height never changes; a short text is shown whole, with no tooltip.

    Checked by making HintLabel._elide set the whole text: the "…" assertion fails."""
    from gdviz.ui.widgets import HintLabel

    hint = HintLabel(lines=2)
    qtbot.addWidget(hint)
    hint.resize(200, hint.height())
    hint.show()
    qtbot.waitExposed(hint)
    height = hint.height()
    long_text = " ".join(["Stable below 0.02699 = the bound for one whole cycle over the examples"] * 3)
    hint.setText(long_text)
    assert hint.height() == height and hint.text() == long_text and hint.toolTip() == long_text
    shown = super(HintLabel, hint).text()
    assert shown.endswith("…") and long_text.startswith(shown[:-1].rstrip())
    metrics = hint.fontMetrics()
    box = metrics.boundingRect(0, 0, hint.contentsRect().width(), 10_000, Qt.TextFlag.TextWordWrap, shown)
    assert box.height() <= 2 * metrics.lineSpacing()
    hint.setText("Stable below 0.02699.")
    assert super(HintLabel, hint).text() == "Stable below 0.02699." and hint.toolTip() == ""
    assert hint.height() == height


@pytest.mark.parametrize("text", ["٣", "1_0", "²", "0x10", "1e", "nan", "-inf"])
def test_a_decimal_field_refuses_what_float_reads_but_nobody_wrote(text):
    """Alpha and the table cells read numbers with parse_number: "٣" is 3 and "1_0" is 10 to
    Python's float, so the old parse_number took them (this test failed for both)."""
    from gdviz.ui.parsing import parse_number

    with pytest.raises(ValueError, match="alpha"):
        parse_number(text, "alpha")


@pytest.mark.parametrize("text, value", [("0.01", 0.01), ("-3", -3.0), ("1e-3", 1e-3), ("\u22120.3", -0.3),
                                         (".5", 0.5), ("+2", 2.0), ("1E5", 1e5)])
def test_a_decimal_field_takes_a_decimal_number_and_the_windows_own_minus(text, value):
    """The minus sign the tables write (U+2212) is read back as a minus (the old code refused it)."""
    from gdviz.ui.parsing import parse_number

    assert parse_number(text, "alpha") == value


def test_run_commits_an_alpha_still_being_typed_before_it_runs(window, qtbot):
    """Alpha 0.02 typed but not entered, then a click on Run: the run uses 0.02, the alpha the field
    shows (Run takes no focus from a click, so the panel commits the field itself).

    Checked by removing the focus move from ControlsPanel.run_count: the run used 0.01 while the
    field showed 0.02."""
    window.controls.run_field.setValue(3)
    type_into(qtbot, window.controls.alpha_edit, "0.02")
    qtbot.mouseClick(window.controls.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.controller.log.count == 3 and not window.controller.state.playing, timeout=20000)
    sync(qtbot, window)
    assert window.controller.log.alpha.tolist() == [0.02] * 3
    assert window.controls.alpha_edit.text() == "0.02"
