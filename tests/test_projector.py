"""Projector mode (issue 23, point 2): View → Zoom scales every text in the window, remembered."""

import pytest
from conftest import shown
from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from gdviz.ui import zoom


def fonts(win):
    """Every text size the window's parts draw with, in points."""
    views, tables = win.views, win.tables
    axis = views.error_plot.plot.getPlotItem().getAxis("left")
    if not views.bowls.plots:  # the bowls are made when their tab is first shown
        current = views.tabs.currentWidget()
        views.tabs.setCurrentWidget(views.bowls)
        views.tabs.setCurrentWidget(current)
    bowl = next(iter(views.bowls.plots.values()))[0] if isinstance(views.bowls.plots, dict) else None
    measured = {
        "controls": win.controls.alpha_edit.font().pointSizeF(),
        "run count": win.controls.run_field.font().pointSizeF(),
        "weights table": tables.weight_view.font().pointSizeF(),
        "arithmetic": tables.arithmetic.text.font().pointSizeF(),
        "curves legend": views.error_plot.legend.font().pointSizeF(),
        "curves axis title": axis.label.font().pointSizeF(),
        "curves ticks": views.error_plot.plot.viewport().font().pointSizeF(),
        "surface axis title": views.surface.plot.getPlotItem().getAxis("left").label.font().pointSizeF(),
        "status bar": win.statusBar().font().pointSizeF(),
        "menu bar": win.menuBar().font().pointSizeF(),
    }
    if bowl is not None:
        measured["bowls ticks"] = bowl.getAxis("left").style["tickFont"].pointSizeF()
    return measured


@pytest.fixture
def at_100(window, qtbot):
    window.resize(1366, 768)
    shown(qtbot)
    yield window
    window.actions.set_zoom(1.0)


def diagram_font_at(win, factor, monkeypatch):
    """The diagram's label size for the view as it is now, at ``factor``."""
    monkeypatch.setattr(zoom, "_factor", factor)
    size = win.views.network_view._font().pointSizeF()
    monkeypatch.undo()
    return size


def test_every_font_doubles_at_200_and_the_window_fits_a_laptop(at_100, qtbot, monkeypatch):
    """At 200 % every text measured is twice its 100 % size (controls, tables, arithmetic, the
    curves' legend, axis titles and ticks, the bowls' ticks, the diagram's labels) and the window
    still fits 1366 × 768. Checked: without zoom.rescale_plots the axis titles stay at 9 pt and
    this fails; without the factor in NetworkView._font the diagram's labels stay put."""
    win = at_100
    before = fonts(win)
    win.actions.set_zoom(2.0)
    win.resize(1366, 768)
    shown(qtbot)
    after = fonts(win)
    assert set(before) == set(after)
    for name, size in before.items():
        assert after[name] == 2 * size, name
    diagram = win.views.network_view._font().pointSizeF()
    assert diagram == 2 * diagram_font_at(win, 1.0, monkeypatch)
    hint = win.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 768, hint
    assert win.size() == QSize(1366, 768)
    # every panel gets some room; the long ones scroll
    for panel in (win.controls, win.views.network_view, win.tables.arithmetic.text):
        assert panel.width() > 0 and panel.height() > 0
    assert win.controls.verticalScrollBar().maximum() > 0  # the controls scroll
    assert win.controls.horizontalScrollBar().maximum() > 0  # sideways too, where their text outgrew the column
    status = win.status
    for label in (status.iteration_label, status.error_label, status.rate_label, status.memory_label):
        assert label.width() >= label.fontMetrics().horizontalAdvance(label.text()), label.text()
    assert status.iteration_label.width() >= status.iteration_label.fontMetrics().horizontalAdvance(
        "Iteration 88,888,888 of 88,888,888")  # its widest text, at 200 %


def test_zoom_keys_steps_limits_and_memory(at_100, qtbot):
    """Ctrl++ / Ctrl+− step through 75 %–300 % and stop there; Ctrl+0 is 100 %; the zoom is
    remembered in QSettings and a new window opens at it."""
    win = at_100
    win.views.network_view.setFocus()
    base = zoom.base_font().pointSizeF()
    QTest.keySequence(win, QKeySequence("Ctrl++"))
    assert zoom.factor() == 1.1
    for _ in range(20):
        win.actions.zoom_in.trigger()
    assert zoom.factor() == 3.0 and not win.actions.zoom_in.isEnabled()
    shown(qtbot)  # Qt tells the widgets of a new application font by an event
    assert win.controls.alpha_edit.font().pointSizeF() == 3 * base
    assert float(QSettings().value(zoom.KEY)) == 3.0
    QTest.keySequence(win, QKeySequence("Ctrl+0"))
    assert zoom.factor() == 1.0
    for _ in range(20):
        QTest.keySequence(win, QKeySequence("Ctrl+-"))
    assert zoom.factor() == 0.75 and not win.actions.zoom_out.isEnabled()
    win.actions.set_zoom(1.5)
    zoom.apply(1.0)  # as a fresh start would be
    from gdviz.ui.main_window import MainWindow

    again = MainWindow()
    try:
        assert zoom.factor() == 1.5
        shown(qtbot)
        assert again.controls.alpha_edit.font().pointSizeF() == 1.5 * base
    finally:
        again.files.close_at_once()
        again.close()


def test_full_screen_toggles(at_100, qtbot):
    win = at_100
    win.actions.full_screen.trigger()
    qtbot.waitUntil(win.isFullScreen)
    win.actions.full_screen.trigger()
    qtbot.waitUntil(lambda: not win.isFullScreen())


def test_a_remembered_zoom_that_is_not_a_number_opens_at_100():
    settings = QSettings()
    for value, expected in (("abc", 1.0), ("nan", 1.0), ("9", 3.0), ("0.1", 0.75), ("2", 2.0)):
        settings.setValue(zoom.KEY, value)
        assert zoom.saved(settings) == expected
