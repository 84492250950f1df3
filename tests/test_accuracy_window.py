"""Issue 22, point 3 in the window: how well the network classifies, live beside the error curves
(the accuracy line), and which classes it takes for which (the Confusion tab), at the iteration
shown. Every expected number is worked out here from a fresh core Training, not read from the
window's moment."""

from __future__ import annotations

import re
import threading

import numpy as np
import pytest
from conftest import run, shown, sync
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QStyle

from gdviz.core.accuracy import TIE, accuracy
from gdviz.core.moment import moment_at
from gdviz.core.presets import PRESETS, preset_training
from gdviz.core.state import state_of
from gdviz.ui import accuracy_view, confusion_view

DISPLAY = Qt.ItemDataRole.DisplayRole
TRAINED = 300
BACK_TO = 40
MIDDLE = 200


def weights_after(iterations: int) -> np.ndarray:
    """The digits' weights after ``iterations`` cycle-mode iterations, trained by core alone."""
    training = preset_training("digits")
    for _ in range(iterations):
        training.step()
    return np.array(training.weights)


@pytest.fixture(scope="module")
def expected():
    """The digits' Accuracy after TRAINED and after BACK_TO iterations."""
    data = PRESETS["digits"].data()
    return {k: accuracy(data, weights_after(k)) for k in (TRAINED, BACK_TO)}


def test_a_moments_accuracy_is_its_own_weights_on_its_own_data():
    """Core, no window: Moment.accuracy at iterations 0, 40 and 300 of a digits run equals the
    accuracy of the weights a fresh training has after that many iterations, on the data, and is
    None for a book's game. Checked against a broken build: the property reading the weights
    before the moment's iteration (``record.weights[0]``) failed."""
    training = preset_training("digits")
    training.run(TRAINED)
    state, log = state_of(training, "digits"), training.log
    data = PRESETS["digits"].data()
    for iteration in (0, BACK_TO, TRAINED):
        got = moment_at(log, state, iteration).accuracy
        want = expected_at(iteration)
        assert got is not None and got.text() == want.text()
        assert np.array_equal(got.confusion(10), want.confusion(10)) and np.array_equal(got.predicted, want.predicted)
    assert data is state.data
    book = preset_training("multi-out")
    book.run(3)
    assert moment_at(book.log, state_of(book), 2).accuracy is None


def expected_at(iteration: int):
    return accuracy(PRESETS["digits"].data(), weights_after(iteration))


def trained_digits(qtbot, make_window):
    window = make_window("digits")
    sync(qtbot, window)
    run(qtbot, window, TRAINED)
    assert window.controller.state.iteration == TRAINED
    return window


def settled(qtbot, window, text: str) -> None:
    """Until the accuracy line says ``text`` (it follows once control is back in the event loop)."""
    label = window.views.error_plot.accuracy_label
    qtbot.waitUntil(lambda: label.text() == text and not window.accuracy.pending, timeout=20000)


def cells(model):
    return [[model.data(model.index(r, c), DISPLAY) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def press_ctrl_5(qtbot, window):
    """Ctrl+5 typed into the tabs' bar, through Qt's shortcut handling as a real key press."""
    window.activateWindow()  # a new network's views replaced the one that had the focus
    qtbot.waitUntil(window.isActiveWindow)
    widget = window.views.tabs.tabBar()
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(widget.hasFocus)
    QTest.keyClick(widget, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)


def confusion_tab(window):
    tabs = window.views.tabs
    return tabs.indexOf(window.views.confusion)


def test_the_accuracy_line_shows_the_accuracy_at_the_iteration_shown(qtbot, make_window, expected):
    """After a Run of 300 and after going back to iteration 40, the line beside the curves says
    exactly ``accuracy(data, weights at that iteration).text()``, and the accuracy curve on the
    right axis has both shares as points (a branch keeps those before it, a Reset none). Checked
    against broken builds:
    the watch reading the session's latest weights instead of the moment's (``state.weights``)
    failed after going back; an update left to the training timer only (``_at_once`` doing
    nothing) failed; samples kept across a Reset failed; samples dropped at a branch failed;
    samples kept for any log that follows (``continues`` always True) failed."""
    window = trained_digits(qtbot, make_window)
    label = window.views.error_plot.accuracy_label
    assert expected[TRAINED].text() != expected[BACK_TO].text()  # the test can tell them apart
    settled(qtbot, window, expected[TRAINED].text())
    assert label.isVisibleTo(window)
    window.controller.show_iteration(BACK_TO)
    settled(qtbot, window, expected[BACK_TO].text())
    window.controller.show_iteration(None)
    settled(qtbot, window, expected[TRAINED].text())
    x, y = window.accuracy.curve.curve.getData()  # the right axis's samples, in percent
    samples = dict(zip(x.tolist(), y.tolist(), strict=True))
    assert samples[TRAINED] == 100 * expected[TRAINED].share and samples[BACK_TO] == 100 * expected[BACK_TO].share
    assert x.tolist() == sorted(x.tolist()) and 0 <= x.min() and x.max() == TRAINED
    assert window.accuracy.curve.view.isVisible() and window.accuracy.curve.axis.isVisible()
    window.controller.show_iteration(MIDDLE)
    settled(qtbot, window, expected_at(MIDDLE).text())
    window.step()  # a branch from MIDDLE: the samples up to it hold, the later ones go
    sync(qtbot, window)
    settled(qtbot, window, expected_at(MIDDLE + 1).text())
    x, y = window.accuracy.curve.curve.getData()
    assert {BACK_TO, MIDDLE, MIDDLE + 1} <= set(x.tolist()) and x.max() == MIDDLE + 1
    window.controller.reset()
    qtbot.waitUntil(lambda: window.accuracy.curve.curve.getData()[0].tolist() == [0.0])  # a new run's
    window.controller.set_alpha(0.02)
    run(qtbot, window, 50)  # another run, then Undo brings back the one before the Reset
    window.controller.undo_stack.undo()
    sync(qtbot, window)
    settled(qtbot, window, expected_at(MIDDLE + 1).text())
    assert window.accuracy.curve.curve.getData()[0].tolist() == [MIDDLE + 1]  # none of the other run's


def test_the_books_presets_have_no_accuracy(window, qtbot):
    """The book's games have no classes: no accuracy line or curve, no Confusion tab (Ctrl+5 says
    why); the digits have them all, and Ctrl+5 shows their table. Checked against broken builds:
    the line and the curve shown for every data set; the action bound to Ctrl+6."""
    window.step()
    sync(qtbot, window)
    qtbot.waitUntil(lambda: window.accuracy.iteration == 1)
    assert not window.views.error_plot.accuracy_label.isVisibleTo(window)
    assert not window.accuracy.curve.view.isVisible() and not window.accuracy.curve.axis.isVisible()
    assert window.accuracy.accuracy is None
    assert not window.views.tabs.isTabVisible(confusion_tab(window))
    press_ctrl_5(qtbot, window)  # not a ghost tab: a word why there is none
    assert window.views.tabs.currentIndex() == 0
    assert "not one class per example" in window.status.message.full_text()
    window.controller.load_preset("digits")
    sync(qtbot, window)
    qtbot.waitUntil(lambda: window.views.tabs.isTabVisible(confusion_tab(window)))
    qtbot.waitUntil(lambda: window.views.error_plot.accuracy_label.isVisibleTo(window))
    press_ctrl_5(qtbot, window)  # View → Confusion table
    assert window.views.tabs.currentWidget() is window.views.confusion


def test_the_confusion_table_is_the_confusion_at_the_iteration_shown(qtbot, make_window, expected):
    """The cells read as a learner reads them equal Accuracy.confusion at iteration 300, then at
    iteration 40 after going back; the line over them says the accuracy and the iteration.
    Checked against a broken build: the table given ``confusion`` transposed (rows the predicted
    class) failed."""
    window = trained_digits(qtbot, make_window)
    window.views.tabs.setCurrentIndex(confusion_tab(window))
    view = window.views.confusion
    for iteration in (TRAINED, BACK_TO):
        window.controller.show_iteration(iteration)
        settled(qtbot, window, expected[iteration].text())
        table = expected[iteration].confusion(10)
        assert cells(view.model) == [[f"{n:,}" for n in row] for row in table]
        assert view.line.text() == f"{expected[iteration].text()} at iteration {iteration:,}"
    headers = [view.model.headerData(c, Qt.Orientation.Horizontal, DISPLAY) for c in range(11)]
    assert headers == [*"0123456789", "tie"]


def test_a_cell_lists_its_examples_and_picking_one_sets_the_example(qtbot, make_window, expected):
    """Clicking the cell with the most confusions lists exactly ``examples_in(row, column)``, each
    with its image (8 × 8 pixels read back from the thumbnail: ink dark on white); clicking an
    example in the list makes it the session's example. Checked against broken builds: the list
    given ``examples_in(column, row)`` failed; the thumbnails drawn transposed failed; the pick
    not connected to the controller failed."""
    window = trained_digits(qtbot, make_window)
    window.views.tabs.setCurrentIndex(confusion_tab(window))
    settled(qtbot, window, expected[TRAINED].text())
    view = window.views.confusion
    table = expected[TRAINED].confusion(10)[:, :10]  # the ties' column left out
    off = table - np.diag(np.diag(table))
    row, column = np.unravel_index(int(off.argmax()), off.shape)
    assert off[row, column] > 0 and table[row, column] != table[column, row]
    index = view.model.index(int(row), int(column))
    QTest.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=view.table.visualRect(index).center())
    found = expected[TRAINED].examples_in(int(row), int(column))
    listed = [view.examples_model.data(view.examples_model.index(i, 0), DISPLAY)
              for i in range(view.examples_model.rowCount())]
    assert listed == [str(k) for k in found]
    assert view.examples_title.text().startswith(f"{len(found):,} example")
    data = PRESETS["digits"].data()
    assert data.inputs.min() == 0 and data.inputs.max() == 1  # white 0, black 1
    for i in (0, len(found) - 1):
        image = view.examples_model.data(view.examples_model.index(i, 0), Qt.ItemDataRole.DecorationRole).toImage()
        scale = image.width() // 8
        assert image.width() == image.height() == 8 * scale
        drawn = [[QColor(image.pixel(c * scale + scale // 2, r * scale + scale // 2)).red() for c in range(8)]
                 for r in range(8)]
        assert drawn == [[int((1 - data.inputs[found[i], 8 * r + c]) * 255) for c in range(8)] for r in range(8)]
    pick = view.examples_model.index(len(found) - 1, 0)
    view.examples.scrollTo(pick)
    assert window.controller.state.example != int(found[-1])
    QTest.mouseClick(view.examples.viewport(), Qt.MouseButton.LeftButton, pos=view.examples.visualRect(pick).center())
    sync(qtbot, window)
    assert window.controller.state.example == int(found[-1])
    assert view.pick_note.text().startswith(f"Train on example: {found[-1]}; drawn in Weight images")
    assert window.controls.example_spin.value() == found[-1]  # the controls' own field says so too


def test_a_big_data_sets_accuracy_is_worked_out_off_the_gui_thread(qtbot, make_window, expected, monkeypatch):
    """With every data set counted as big, the accuracy comes from a background job. While a job
    is held back (its thread waits on a gate) the window goes on answering, and the line shows
    the last value with "…"; a move made meanwhile waits for the job, then is worked out too, and
    the line ends on exactly its value. Checked against broken builds: the job's result dropped
    (``_show`` not called in ``_on_job_done``) failed; the queued move never started
    (``_start(queued)`` left out) failed."""
    gate = threading.Event()
    gate.set()

    def held_back(data, weights):
        assert gate.wait(60)
        return accuracy(data, weights)

    monkeypatch.setattr(accuracy_view, "BACKGROUND_WORK", 0)
    monkeypatch.setattr(accuracy_view, "SCRUB_WORK", 0)
    monkeypatch.setattr(accuracy_view, "accuracy", held_back)
    window = make_window("digits")
    texts: list[str] = []
    window.accuracy.changed.connect(lambda: texts.append(window.accuracy.text()))
    sync(qtbot, window)
    run(qtbot, window, TRAINED)
    settled(qtbot, window, expected[TRAINED].text())
    assert any(text.endswith(" …") for text in texts)  # a wait was shown
    gate.clear()
    try:
        window.controller.show_iteration(BACK_TO)
        qtbot.waitUntil(lambda: window.accuracy.pending)
        assert window.views.error_plot.accuracy_label.text() == expected[TRAINED].text() + " …"
        window.controller.show_iteration(MIDDLE)  # while the job for BACK_TO is held back
        qtbot.waitUntil(lambda: window.accuracy._queued is not None)
    finally:
        gate.set()
    settled(qtbot, window, accuracy(PRESETS["digits"].data(), weights_after(MIDDLE)).text())
    assert window.accuracy.iteration == MIDDLE


def test_the_tie_column_counts_and_lists_the_examples_with_no_single_largest_pred(qtbot, make_window):
    """At iteration 0 every pred is 0: the last column, "tie" (its tooltip: no single largest
    pred), holds each class's count, every other cell 0, and the whole table shows; clicking a
    tie cell lists exactly ``examples_in(row, TIE)``. The caption reads for any data ("the true
    class"). Checked before the fix: the table had 10 columns (no tie column), and the caption
    said "the class shown"."""
    window = make_window("digits")
    sync(qtbot, window)
    want = expected_at(0)
    assert want.ties == 1797
    window.views.tabs.setCurrentIndex(confusion_tab(window))
    settled(qtbot, window, want.text())
    view = window.views.confusion
    table = want.confusion(10)
    assert cells(view.model) == [[f"{n:,}" for n in row] for row in table]
    assert [row[10] for row in cells(view.model)] == ["178", "182", "177", "183", "181", "182", "181", "179",
                                                      "174", "180"]
    assert view.model.headerData(10, Qt.Orientation.Horizontal, DISPLAY) == "tie"
    assert "no single largest pred" in view.model.headerData(10, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert view.caption.text() == "rows: the true class · columns: taken for"
    index = view.model.index(3, 10)
    assert view.table.viewport().rect().contains(view.table.visualRect(index))  # the tie column is in sight
    QTest.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=view.table.visualRect(index).center())
    listed = [view.examples_model.data(view.examples_model.index(i, 0), DISPLAY)
              for i in range(view.examples_model.rowCount())]
    assert listed == [str(k) for k in want.examples_in(3, TIE)] and len(listed) == 183
    assert view.examples_title.text() == "183 examples of 3 with no single largest pred"


def whole(view) -> list[str]:
    """The cells and headers of the confusion table that would not be drawn whole (cut to "…"),
    each measured with the table's font and the margins the style keeps."""
    table = view.table
    metrics = QFontMetrics(table.font())
    style = table.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    header_margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, table.horizontalHeader())
    cut = []
    model = view.model
    for column in range(model.columnCount()):
        room = table.columnWidth(column) - 2 * margin
        for row in range(model.rowCount()):
            text = model.data(model.index(row, column), DISPLAY)
            if metrics.horizontalAdvance(text) > room:
                cut.append(f"cell {row},{column} {text!r} in {room} px")
        name = model.headerData(column, Qt.Orientation.Horizontal, DISPLAY)
        if metrics.horizontalAdvance(name) > table.columnWidth(column) - 2 * header_margin:
            cut.append(f"column {name!r}")
    rows = table.verticalHeader()
    for row in range(model.rowCount()):
        name = model.headerData(row, Qt.Orientation.Vertical, DISPLAY)
        narrow = metrics.horizontalAdvance(name) > rows.width() - 2 * header_margin
        if narrow or rows.sectionSize(row) < metrics.height():
            cut.append(f"row {name!r} ({rows.width()} x {rows.sectionSize(row)} px)")
    return cut


def test_the_confusion_table_is_measured_again_at_every_zoom(qtbot, make_window):
    """View → Zoom: at 125 % and 200 % (and back at 100 %) every count and every header of the
    confusion table fits its cell with the new font (no "…", rows as high as the text). Checked
    before the fix: at 125 % the counts' columns kept their 100 % width (cut to "…") and at
    200 % the rows kept their height."""
    window = make_window("digits")
    sync(qtbot, window)
    window.views.tabs.setCurrentIndex(confusion_tab(window))
    settled(qtbot, window, expected_at(0).text())
    view = window.views.confusion
    base = view.table.font().pointSizeF()
    try:
        for factor in (1.25, 2.0, 1.0):
            window.actions.set_zoom(factor)
            shown(qtbot)
            assert view.table.font().pointSizeF() == pytest.approx(factor * base)  # the zoom reached the table
            assert whole(view) == [], factor
            index = view.model.index(9, 10)
            table_rect = view.table.viewport().rect()
            if factor < 2:  # at 200 % the tab may be too small for the table: it scrolls
                assert table_rect.contains(view.table.visualRect(index)), factor
    finally:
        window.actions.set_zoom(1.0)


def test_the_confusion_table_and_a_column_of_images_fit_at_1024_x_640(qtbot, make_window):
    """At 1024 × 640 every cell of the table is in sight (column 9 and the ties) and the list of
    examples keeps room for a column of images beside it, or a row under it. Checked before the
    fix: column 9 was cut and the list was ~80 px wide."""
    window = make_window("digits")
    window.resize(1024, 640)
    sync(qtbot, window)
    window.views.tabs.setCurrentIndex(confusion_tab(window))
    settled(qtbot, window, expected_at(0).text())
    view = window.views.confusion
    qtbot.waitUntil(lambda: window.width() == 1024 and view.isVisible())
    shown(qtbot)
    table, rect = view.table, view.table.viewport().rect()
    assert all(rect.contains(table.visualRect(view.model.index(r, c))) for r in range(10) for c in range(11))
    assert whole(view) == []
    thumbnail = confusion_view.THUMBNAIL
    assert view.examples.viewport().width() >= thumbnail + 20 and view.examples.viewport().height() >= thumbnail + 20


def test_an_example_picked_in_a_cell_is_drawn_in_the_weight_images_tab(qtbot, make_window):
    """Clicking an example in a cell's list sets the session's example and the Weight images tab's
    example, without leaving the Confusion tab; a double-click goes to the Weight images tab,
    which draws it. The list's tooltip names the controls' field as it reads ("Train on example").
    Checked before the fix: the Weight images tab kept drawing the iteration's example, and the
    tooltip said "Train on game"."""
    window = make_window("digits")
    sync(qtbot, window)
    window.views.tabs.setCurrentIndex(confusion_tab(window))
    settled(qtbot, window, expected_at(0).text())
    view = window.views.confusion
    images = window.views.weight_images
    assert "Train on example" in view.examples.toolTip() and "game" not in view.examples.toolTip()
    index = view.model.index(3, 10)
    QTest.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=view.table.visualRect(index).center())
    found = expected_at(0).examples_in(3, TIE)
    pick = view.examples_model.index(1, 0)
    QTest.mouseClick(view.examples.viewport(), Qt.MouseButton.LeftButton, pos=view.examples.visualRect(pick).center())
    sync(qtbot, window)
    assert window.controller.state.example == int(found[1])
    assert images.example_box.value() == int(found[1])
    assert window.views.tabs.currentWidget() is view
    other = view.examples_model.index(2, 0)
    at = view.examples.visualRect(other).center()
    QTest.mouseClick(view.examples.viewport(), Qt.MouseButton.LeftButton, pos=at)  # a double-click as Qt gets one:
    QTest.mouseDClick(view.examples.viewport(), Qt.MouseButton.LeftButton, pos=at)  # a click, then the second press
    sync(qtbot, window)
    assert window.views.tabs.currentWidget() is images
    assert images.example_box.value() == int(found[2])
    qtbot.waitUntil(lambda: images.input_picture.title.text == f"example {int(found[2]):,}")


def test_the_accuracy_samples_are_drawn_as_points_and_said_to_be_sampled(qtbot, make_window):
    """The accuracy on the right axis is points at the iterations it was worked out for, never
    joined by a line (the clock picks a run's samples), and its axis says "sampled". Checked
    before the fix: the points were joined by a 1.5 px line and the axis read "accuracy %"."""
    window = make_window("digits")
    sync(qtbot, window)
    for _ in range(2):
        window.step()
        sync(qtbot, window)
    settled(qtbot, window, expected_at(2).text())
    curve = window.accuracy.curve
    x, y = curve.curve.getData()
    assert x.tolist() == [0.0, 1.0, 2.0] and y.tolist() == [100 * expected_at(k).share for k in (0, 1, 2)]
    assert curve.curve.opts["pen"] is None and curve.curve.opts["symbol"] == "o"
    assert "sampled" in curve.axis.labelText
    assert "sampled" in window.views.error_plot.accuracy_label.toolTip()


def swatches(plot) -> dict[str, str]:
    """The legend's entries: name → the colour of its swatch."""
    return {name: colour for colour, name in re.findall(r"color:(#[0-9a-f]{6})'>━</span>([^<&]+)", plot.legend.text())}


def test_the_legends_swatches_are_the_colours_drawn(qtbot, make_window):
    """In cycle mode the total is drawn faded (a grey band) under the solid mean per cycle: the
    legend's "total" swatch is that faded colour, each output's its own faded pen; with the mean
    turned off, the total's is the text colour again. Checked before the fix: the total's swatch
    stayed black while the band was grey."""
    window = make_window("digits")
    sync(qtbot, window)
    plot = window.views.error_plot
    assert plot.mean_curve.visible  # the digits train in cycle mode
    text = plot.palette().windowText().color().name()
    entries = swatches(plot)
    assert entries["total"] == plot.total_curve.pen.color().name() != text
    assert entries["total, mean per cycle"] == plot.mean_curve.pen.color().name()
    for o, curve in enumerate(plot.curves):
        if plot.output_names[o] in entries:
            assert entries[plot.output_names[o]] == curve.pen.color().name()
    plot.cycle_mean.setChecked(False)
    assert swatches(plot)["total"] == text
