"""Readable and honest pictures at any size: big networks, steady diagram, curves, colour scales,
dark mode."""

import numpy as np
import pytest
from conftest import run, sync
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from gdviz.ui import style


def test_at_8_by_8_every_weight_cell_shows_its_whole_number(window, qtbot):
    window.resize(1400, 900)
    window.controller.load_shape(8, 8)
    sync(qtbot, window)
    window._default_splitter_sizes()
    run(qtbot, window, 20)
    QApplication.processEvents()
    for view in (window.tables.weight_view, window.tables.delta_view):
        window.tables.tabs.setCurrentWidget(view)
        QApplication.processEvents()
        model, metrics = view.model(), QFontMetrics(view.font())
        assert model.numbers_shown
        for row in range(8):
            for column in range(8):
                index = model.index(row, column)
                text = model.data(index)
                value = float(model.matrix[row, column])
                assert model.digits >= 3  # at least 3 significant digits, and every one the cell shows is right
                assert text == f"{value:.{model.digits}g}".replace("-", "−")
                assert metrics.horizontalAdvance(text) + 6 <= view.visualRect(index).width(), (row, column, text)
        assert view.horizontalScrollBar().maximum() == 0  # no scrolling


def test_at_8_by_8_on_a_small_screen_the_weight_cells_scroll_rather_than_cut_numbers(window, qtbot):
    window.resize(1024, 640)
    window.controller.load_shape(8, 8)
    sync(qtbot, window)
    run(qtbot, window, 2)
    QApplication.processEvents()
    view = window.tables.weight_view
    model, metrics = view.model(), QFontMetrics(view.font())
    assert model.numbers_shown and model.digits == 3
    for row in range(8):
        for column in range(8):
            index = model.index(row, column)
            text = model.data(index)
            assert metrics.horizontalAdvance(text) + 6 <= view.horizontalHeader().sectionSize(column), (row, column)
    assert view.horizontalScrollBar().maximum() > 0  # the rest is a scroll away


def test_past_8_by_8_the_weights_are_a_colour_matrix_with_the_number_on_hover(window, qtbot):
    window.controller.load_shape(12, 9)
    sync(qtbot, window)
    model = window.tables.weight_model
    assert not model.numbers_shown and model.data(model.index(0, 0)) == ""
    tip = model.data(model.index(2, 3), Qt.ItemDataRole.ToolTipRole)
    assert tip == f"weight x4→y3: {float(model.matrix[2, 3])!r}"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole).alphaF() > 0


def test_a_32_by_32_network_builds_and_every_curve_and_bowl_is_reachable(window, qtbot):
    window.controller.load_shape(32, 32)
    sync(qtbot, window)
    run(qtbot, window, 50)
    plot = window.views.error_plot
    assert "24 of 32 hidden" in plot.legend.text()
    actions = [a for a in plot.outputs_menu.actions() if a.isCheckable() and a.text().startswith("error ")]
    assert [a.text() for a in actions] == [f"error y{o}" for o in range(1, 33)]
    actions[31].setChecked(True)
    x, y = plot.curve_data()["error y32"]
    assert y.tolist() == window.controller.log.error[:, 31].tolist()
    assert "23 of 32 hidden" in plot.legend.text()
    from gdviz.ui import bowls_view

    window.views.tabs.setCurrentWidget(window.views.bowls)
    bowls = window.views.bowls
    box = bowls.output_box  # each output's page of bowls; a page is built when chosen
    assert box.isVisible() and [box.itemData(k) for k in range(box.count())] == list(range(32))
    for output in (0, 17, 31):
        box.setCurrentIndex(output)
        assert set(bowls.plots) == {(output, i) for i in range(32)}
        rows = -(-len(bowls.plots) // bowls._built_columns)
        assert bowls.graphics.minimumHeight() >= bowls_view.CELL_HEIGHT * rows  # bowls keep their size: it scrolls
        assert bowls.scroll.verticalScrollBar().maximum() > 0


def test_the_diagram_labels_never_collide_at_32_by_32(window, qtbot):
    window.controller.load_shape(32, 32)
    sync(qtbot, window)
    view = window.views.network_view
    view.resize(600, 400)
    inputs, outputs, radius, metrics = view._layout()
    for side, points in (("inputs", inputs), ("outputs", outputs)):
        written = view.labelled(side)
        ys = [points[k].y() for k in written]
        assert min(b - a for a, b in zip(ys, ys[1:])) >= metrics.height()
        assert len(written) > 1


def test_the_strongest_edges_are_drawn_on_top(window, qtbot):
    view = window.views.network_view
    order = np.argsort(np.abs(view.weights), axis=None, kind="stable")
    assert np.abs(view.weights).ravel()[order[-1]] == np.abs(view.weights).max()


def test_the_diagram_holds_still_while_its_numbers_change(window, qtbot):
    view = window.views.network_view
    before = view._layout()
    run(qtbot, window, 500)
    after = view._layout()
    assert [p.x() for p in before[1]] == [p.x() for p in after[1]]
    assert [p.x() for p in before[0]] == [p.x() for p in after[0]]


def test_hover_and_selection_never_change_an_edges_thickness(window, qtbot):
    view = window.views.network_view
    widths = view.edge_widths().copy()
    view.hovered, view.selected = (0, 0), (1, 1)
    assert np.array_equal(view.edge_widths(), widths)
    image = view.grab()  # painting them works
    assert not image.isNull()


def test_curve_pieces_keep_one_stacking_order(window, qtbot, monkeypatch):
    from gdviz.ui import curve_series

    monkeypatch.setattr(curve_series, "SEGMENT", 50)  # pieces of 50 points, so a short run has many
    window.controller.load_preset("multi-in-out")
    sync(qtbot, window)
    run(qtbot, window, 400)
    plot = window.views.error_plot
    qtbot.waitUntil(lambda: plot.shown == 400)
    series = [*plot.curves, plot.total_curve]
    for curve in series:
        assert len(curve.items) > 4 and {item.zValue() for item in curve.items} == {curve.z}
    assert len({curve.z for curve in series}) == len(series)


def test_a_curve_of_one_point_has_a_marker(window, qtbot):
    window.step()
    sync(qtbot, window)
    total = window.views.error_plot.total_curve
    assert total.items[0].opts["symbol"] == "o"
    window.step()
    sync(qtbot, window)
    assert total.items[0].opts["symbol"] is None


def test_in_cycle_mode_a_mean_per_cycle_shows_the_trend(window, qtbot):
    window.controller.set_mode("cycle")
    sync(qtbot, window)
    run(qtbot, window, 40)
    plot = window.views.error_plot
    assert plot.cycle_mean.isEnabled()
    plot.cycle_mean.setChecked(True)
    x, y = plot.curve_data()["total, mean per cycle"]
    totals = window.controller.log.error_total
    assert x.tolist() == [4.0 * k for k in range(1, 11)]
    assert np.allclose(y, totals.reshape(10, 4).mean(axis=1))


def test_the_legend_sits_outside_the_data_and_can_be_hidden(window, qtbot):
    plot = window.views.error_plot
    assert plot.legend.geometry().bottom() <= plot.plot.geometry().top()
    window.actions.legend.trigger()
    assert not plot.legend.isVisible()


def test_the_surface_has_a_colour_bar(window, qtbot):
    run(qtbot, window, 20)
    window.views.tabs.setCurrentWidget(window.views.surface)
    bar = window.views.surface.colour_bar
    low, high = bar.levels()
    assert low < high
    assert window.tables.legend.largest == abs(window.tables.weight_model.matrix).max()


def cielab(colour):
    """A QColor in CIELAB (D65): distances there are roughly what an eye sees."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
              for c in (colour.redF(), colour.greenF(), colour.blueF())]
    x = (0.4124 * linear[0] + 0.3576 * linear[1] + 0.1805 * linear[2]) / 0.95047
    y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    z = (0.0193 * linear[0] + 0.1192 * linear[1] + 0.9505 * linear[2]) / 1.08883
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z)]
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("theme", ["Light", "Dark"])
def test_eight_outputs_get_eight_curve_colours_an_eye_tells_apart(window, qtbot, theme):
    window.apply_theme(theme)
    QApplication.processEvents()
    palette = window.palette()
    colours = [style.curve_colour(o, 8, palette) for o in range(8)]
    for a in range(8):
        assert style.contrast(colours[a], palette.base().color()) >= 3
        for b in range(a):
            assert np.linalg.norm(cielab(colours[a]) - cielab(colours[b])) >= 30, (a, b)
    window.apply_theme("Light")


def test_dark_mode_keeps_everything_readable(window, qtbot):
    window.apply_theme("Dark")
    QApplication.processEvents()
    palette = window.palette()
    assert style.is_dark(palette)
    base, text = palette.base().color(), palette.text().color()
    plot = window.views.error_plot
    assert plot.plot.backgroundBrush().color() == base
    assert plot.total_curve.pen.color() == palette.windowText().color()
    for o in range(3):
        assert style.contrast(style.curve_colour(o, 3, palette), base) >= 3
    for value in (1.0, -1.0):
        assert style.contrast(style.sign_colour(value, palette), base) >= 3  # edges and tints
    model = window.tables.weight_model
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            background = style.blend(model.data(model.index(row, column), Qt.ItemDataRole.BackgroundRole), base)
            assert style.contrast(text, background) >= 4.5
    highlight = style.blend(style.text_highlight(palette), base)  # a chosen edge's lines in the arithmetic
    assert style.contrast(text, highlight) >= 4.5
    window.apply_theme("Light")
    QApplication.processEvents()
    assert not style.is_dark(window.palette())
    assert window.views.error_plot.plot.backgroundBrush().color() == window.palette().base().color()


def test_node_tooltips_give_every_label_when_only_some_are_written(window, qtbot):
    window.controller.load_shape(32, 32)
    sync(qtbot, window)
    view = window.views.network_view
    view.resize(500, 300)
    inputs, outputs, radius, metrics = view._layout()
    assert view.node_at(QPointF(outputs[5])) == ("outputs", 5)
