"""The window as a learner meets it: its size, where the keys go, labels that tell the truth, Undo.

Keys are sent with QTest.keyClick to the focused widget: they go through Qt's shortcut handling
as real keys do, so a shortcut that steals a key from a table shows here.
"""

import pytest
from conftest import same_bits, sync, wait_until_stopped
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from gdviz.core.state import SPEEDS


def focus(qtbot, widget):
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(widget.hasFocus)


# -- screens ---------------------------------------------------------------------------------------
def test_the_window_opens_on_the_screens_available_area(window):
    available = window.screen().availableGeometry()
    assert available.contains(window.frameGeometry())
    assert window.width() >= available.width() - 20 and window.height() >= available.height() - 60


def test_the_window_fits_a_1024_by_640_screen_without_clipping(window, qtbot):
    """No button past the panel's right edge, and every label shown at least as wide as its
    text needs. Checked against a broken build: a label held to 20 px (``setMaximumWidth(20)`` on
    "Train on game", in a scratch copy) made this fail; it used to compare with
    ``min(hint, 1)``, which any label passes."""
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 640
    window.resize(1024, 640 - 30)  # a title bar's room
    window.splitter.setSizes([0, 10_000, 0])  # each panel at least its minimum
    QApplication.processEvents()
    panel = window.controls.widget()
    viewport = window.controls.viewport()
    assert panel.width() <= viewport.width()  # nothing cut off at the right: no sideways scrolling
    for button in (window.controls.step_button, window.controls.play_button, window.controls.reset_button,
                   window.controls.run_button):
        right_edge = button.mapTo(panel, button.rect().topRight()).x()
        assert right_edge <= viewport.width(), button.text()
    labels = [label for label in window.findChildren(QLabel) if label.isVisibleTo(window)]
    assert len(labels) >= 10  # the check below looks at the window's labels, not at none
    for label in labels:
        assert label.width() >= label.minimumSizeHint().width(), label.text()


def test_splitters_are_remembered(qtbot, make_window):
    from conftest import close

    first = make_window()
    first.views.setSizes([200, 500])
    first.splitter.setSizes([300, 700, 380])
    views_sizes, sizes = first.views.sizes(), first.splitter.sizes()
    close(first)
    second = make_window()

    def shares(values):
        return [round(v / sum(values), 2) for v in values]

    # the same share of the room (the room itself may differ by a title bar's height, as here)
    assert shares(second.views.sizes()) == shares(views_sizes)
    assert shares(second.splitter.sizes()) == shares(sizes)


# -- keys ------------------------------------------------------------------------------------------
def test_right_in_the_data_table_moves_the_cell_cursor_and_trains_nothing(window, qtbot):
    view = window.controls.data_view
    view.setCurrentIndex(view.model().index(0, 0))
    focus(qtbot, view)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.currentIndex().column() == 1
    for key in (Qt.Key.Key_Space, Qt.Key.Key_S, Qt.Key.Key_R):  # typed into the cell (an editor opens)
        qtbot.keyClick(QApplication.focusWidget(), key)
    sync(qtbot, window)
    assert window.controller.log.count == 0 and not window.controller.state.playing
    editor = QApplication.focusWidget()
    assert editor is not view and editor.text() == " sr"  # the cell's editor got them
    qtbot.keyClick(editor, Qt.Key.Key_Escape)  # leave the cell unchanged


def test_right_in_the_weights_table_and_on_the_speed_slider_stay_there(window, qtbot):
    view = window.tables.weight_view
    view.setCurrentIndex(view.model().index(0, 0))
    focus(qtbot, view)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.currentIndex().column() == 1
    slider = window.controls.speed_slider
    before = slider.value()
    focus(qtbot, slider)
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert slider.value() == before + 1
    sync(qtbot, window)
    assert window.controller.log.count == 0
    assert window.controller.state.speed == SPEEDS[before + 1]


def test_space_and_letters_reach_a_focused_text_field(window, qtbot):
    field = window.controls.run_field
    focus(qtbot, field)
    field.lineEdit().selectAll()
    qtbot.keyClicks(field.lineEdit(), "25")
    qtbot.keyClick(field.lineEdit(), Qt.Key.Key_Space)
    qtbot.keyClick(field.lineEdit(), Qt.Key.Key_R)
    sync(qtbot, window)
    assert not window.controller.state.playing and window.controller.log.count == 0
    assert field.lineEdit().text().startswith("25")


def test_the_shortcuts_train_when_the_diagram_or_a_button_has_the_focus(window, qtbot):
    focus(qtbot, window.views.network_view)
    qtbot.keyClick(window.views.network_view, Qt.Key.Key_Right)
    qtbot.keyClick(window.views.network_view, Qt.Key.Key_S)
    sync(qtbot, window)
    assert window.controller.log.count == 2
    focus(qtbot, window.controls.step_button)
    qtbot.keyClick(window.controls.step_button, Qt.Key.Key_Right)
    sync(qtbot, window)
    assert window.controller.log.count == 3


def test_after_reset_the_focus_is_not_in_the_run_field_and_space_plays(window, qtbot):
    window.step()
    sync(qtbot, window)
    qtbot.waitUntil(window.controls.reset_button.isEnabled)
    focus(qtbot, window.controls.reset_button)
    qtbot.mouseClick(window.controls.reset_button, Qt.MouseButton.LeftButton)
    sync(qtbot, window)
    focused = QApplication.focusWidget()
    assert focused is not window.controls.run_field and focused is not window.controls.run_field.lineEdit()
    qtbot.keyClick(focused or window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.controller.state.playing)
    window.toggle_play()
    wait_until_stopped(qtbot, window)


def test_a_preset_picked_from_the_list_leaves_the_keys_to_training(window, qtbot):
    """The README's tour: pick the preset single, then press Right (or S) to step."""
    box = window.controls.preset_box
    focus(qtbot, box)
    box.showPopup()
    qtbot.waitUntil(box.view().isVisible)
    box.view().setCurrentIndex(box.model().index(box.findData("single"), 0))
    qtbot.keyClick(box.view(), Qt.Key.Key_Return)  # the choice made in the open list
    sync(qtbot, window)
    assert window.controller.state.preset == "single"
    window.activateWindow()  # as a window manager does when the list closes (offscreen does not)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    focused = QApplication.focusWidget()
    assert focused is window.views.network_view
    qtbot.keyClick(focused, Qt.Key.Key_Right)
    sync(qtbot, window)
    assert window.controller.log.count == 1


def test_arrow_keys_on_the_closed_preset_box_keep_browsing_it(window, qtbot):
    box = window.controls.preset_box
    focus(qtbot, box)
    qtbot.keyClick(box, Qt.Key.Key_Down)  # the next preset, and the keyboard stays on the box
    sync(qtbot, window)
    assert window.controller.state.preset == box.itemData(box.currentIndex())
    assert box.hasFocus()
    assert window.controller.log.count == 0


def test_tab_leaves_the_data_table(window, qtbot):
    view = window.controls.data_view
    view.setCurrentIndex(view.model().index(0, 0))
    focus(qtbot, view)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert not view.hasFocus()


def test_help_lists_the_keyboard_shortcuts(window, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: shown.append(args[2]))
    window.actions.show_shortcuts()
    text = shown[-1]
    for words in ("Space", "Right", "Left", "Home", "Page Up", "Ctrl+Z", "Ctrl+R", "focus"):
        assert words in text


# -- labels that tell the truth --------------------------------------------------------------------
def test_the_rate_is_not_said_before_it_is_measured(window, qtbot):
    window.controls.speed_slider.setValue(SPEEDS.index(5))
    window.toggle_play()
    qtbot.waitUntil(lambda: window.controller.state.playing)
    assert window.status.rate_label.text() in ("measuring…",) or window.status.rate_label.text().endswith("it/s")
    assert window.status.rate_label.text() != "0 it/s"
    window.toggle_play()
    wait_until_stopped(qtbot, window)
    assert window.status.rate_label.text() == "paused"


def test_a_long_message_is_cut_short_not_run_under_the_iteration(window):
    window.status.show_message("a very long message " * 30)
    message = window.status.message
    assert message.text().endswith("…") and message.full_text().startswith("a very long")
    assert message.geometry().right() < window.status.iteration_label.geometry().left()


def test_step_and_play_are_disabled_when_the_log_is_full(window, qtbot, monkeypatch):
    from gdviz.ui import controller as controller_module

    monkeypatch.setattr(controller_module, "log_capacity", lambda data: 5)  # memory for 5 iterations
    window.controller.load_preset("multi-in-out")
    window.controls.run_field.setValue(50)
    window.run_n()
    sync(qtbot, window)
    wait_until_stopped(qtbot, window)
    assert window.controller.log.count == 5
    assert "The log is full" in window.controls.notice.text()
    for button in (window.controls.step_button, window.controls.play_button, window.controls.run_button):
        assert not button.isEnabled() and "full" in button.toolTip()
    assert window.controls.reset_button.isEnabled()


@pytest.mark.parametrize("mode", ["cycle", "batch"])
def test_train_on_game_is_disabled_outside_example_mode(window, qtbot, mode):
    box = window.controls.mode_box
    box.setCurrentIndex(box.findData(mode))
    box.activated.emit(box.currentIndex())  # as a learner's pick does
    sync(qtbot, window)
    assert window.controller.state.mode == mode
    assert not window.controls.example_spin.isEnabled() and mode in window.controls.example_spin.toolTip()


def test_run_n_refuses_zero_with_a_message_and_runs_nothing(window, qtbot):
    field = window.controls.run_field
    field.lineEdit().setText("0")
    window.run_n()
    sync(qtbot, window)
    assert window.controller.log.count == 0
    assert "Run N must be a whole number from 1 to 10,000,000, not 0" in window.status.message.full_text()


@pytest.mark.parametrize("text, words", [("99", "not 99"), ("0", "not 0")])
def test_the_shape_fields_refuse_out_of_range_numbers_and_change_nothing(window, qtbot, text, words):
    field = window.controls.inputs_field
    focus(qtbot, field)
    field.lineEdit().selectAll()
    qtbot.keyClicks(field.lineEdit(), text)
    assert field.lineEdit().text() == text  # typed as typed: 99 is not turned into 9
    qtbot.keyClick(field.lineEdit(), Qt.Key.Key_Return)
    sync(qtbot, window)
    assert window.controller.state.data.n_inputs == 3 and field.value() == 3
    assert words in window.status.message.full_text() and "1 to 32" in window.status.message.full_text()


def test_the_phase_message_goes_when_phase_stepping_is_switched_off(window, qtbot):
    window.controls.phase_box.setChecked(True)
    window.step()
    assert window.controls.phase_label.text().startswith("Predict")
    window.controls.phase_box.setChecked(False)
    assert not window.controls.phase_label.isVisible()


# -- a way back --------------------------------------------------------------------------------------
def test_undo_restores_what_a_preset_change_replaced(window, qtbot):
    controller = window.controller
    window.controls.data_model.setData(window.controls.data_model.index(0, 0), "7")
    controller.set_frozen(0, 1, True)
    for _ in range(4):
        window.step()
    sync(qtbot, window)
    controller.pin_run()
    before = (controller.state, controller.log, controller.pins)
    combo = window.controls.preset_box
    combo.setCurrentIndex(combo.findData("single"))
    combo.activated.emit(combo.currentIndex())
    sync(qtbot, window)
    assert controller.state.preset == "single" and controller.log.count == 0 and controller.pins == ()
    window.actions.undo.trigger()
    sync(qtbot, window)
    state, log, pins = before
    assert controller.state.preset == "multi-in-out" and controller.log is log and controller.pins == pins
    assert controller.state.data.inputs[0, 0] == 7 and controller.state.frozen[0, 1]
    assert same_bits(controller.state.weights, state.weights)
    assert combo.currentData() == "multi-in-out" and window.controls.inputs_field.value() == 3
    window.actions.redo.trigger()
    sync(qtbot, window)
    assert controller.state.preset == "single"


def test_undo_restores_what_a_shape_change_replaced(window, qtbot):
    window.step()
    sync(qtbot, window)
    window.controller.load_shape(4, 2)
    sync(qtbot, window)
    assert window.controller.state.data.n_inputs == 4
    window.actions.undo.trigger()
    sync(qtbot, window)
    assert window.controller.state.preset == "multi-in-out" and window.controller.log.count == 1
    assert window.tables.weight_model.columnCount() == 3
