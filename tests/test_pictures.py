"""Readable and honest pictures at any size: big networks, steady diagram, curves, colour scales,
dark mode."""

import numpy as np
import pytest
from conftest import run, sync
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import QApplication, QStyle

from gdviz.ui import style


def text_room(view, width):
    """How much of a cell ``width`` px wide its text may use before the delegate elides it: Qt's
    item views keep PM_FocusFrameHMargin + 1 px free on each side."""
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    return width - 2 * margin


def test_at_8_by_8_every_weight_cell_shows_its_whole_number(window, qtbot):
    """Every cell's text is the session's number (the controller's weights, the log's last
    weight_deltas) to the digits shown, and fits its cell without being elided. Checked against
    broken builds (in a scratch copy): ``cell_padding`` answering 0 (cells sized without their
    margins) failed on the width; the tables given every number 0.1 % off (``set_matrix``
    scaling its matrix) failed on the numbers, where the old test, reading the model's own matrix,
    passed."""
    window.resize(1400, 900)
    window.actions.set_digits(4)  # View → Digits → 4: 8 columns of them fit this screen
    window.controller.load_shape(8, 8)
    sync(qtbot, window)
    window._default_splitter_sizes()
    run(qtbot, window, 20)
    QApplication.processEvents()
    log = window.controller.log
    truth = {window.tables.weight_view: window.controller.state.weights,
             window.tables.delta_view: log.weight_deltas[log.count - 1]}
    for view, numbers in truth.items():
        window.tables.tabs.setCurrentWidget(view)
        QApplication.processEvents()
        model, metrics = view.model(), QFontMetrics(view.font())
        assert model.numbers_shown
        for row in range(8):
            for column in range(8):
                index = model.index(row, column)
                text = model.data(index)
                value = float(numbers[row, column])
                assert model.digits == 4  # the digits chosen, and every one the cell shows is right
                assert text == f"{value:.{model.digits}g}".replace("-", "−")
                assert metrics.horizontalAdvance(text) <= text_room(view, view.visualRect(index).width()), \
                    (row, column, text)
        assert view.horizontalScrollBar().maximum() == 0  # no scrolling


def test_at_8_by_8_on_a_small_screen_the_weight_cells_scroll_rather_than_cut_numbers(window, qtbot):
    """Checked against a broken build (``cell_padding`` answering 0, in a scratch copy): failed."""
    window.resize(1024, 640)
    window.controller.load_shape(8, 8)
    sync(qtbot, window)
    run(qtbot, window, 2)
    QApplication.processEvents()
    view = window.tables.weight_view
    model, metrics = view.model(), QFontMetrics(view.font())
    assert model.numbers_shown and model.digits == 8  # View → Digits (8) kept: the table scrolls instead
    for row in range(8):
        for column in range(8):
            index = model.index(row, column)
            text = model.data(index)
            assert metrics.horizontalAdvance(text) <= text_room(view, view.horizontalHeader().sectionSize(column)), \
                (row, column)
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
    assert "22 of 32 hidden" in plot.legend.text()  # ten outputs at first (the digits' ten)
    actions = [a for a in plot.outputs_menu.actions() if a.isCheckable() and a.text().startswith("error ")]
    assert [a.text() for a in actions] == [f"error y{o}" for o in range(1, 33)]
    actions[31].setChecked(True)
    x, y = plot.curve_data()["error y32"]
    # the curves draw each output's error as the log keeps it for them: float32 (the total is exact)
    assert y.tolist() == window.controller.log.error[:, 31].astype(np.float32).astype(np.float64).tolist()
    assert "21 hidden" in plot.legend.text() or "21 of 32 hidden" in plot.legend.text()  # as its room allows
    window.views.tabs.setCurrentWidget(window.views.bowls)
    bowls = window.views.bowls
    box = bowls.output_box  # each output's page of bowls; a page is built when chosen
    assert box.isVisible() and [box.itemData(k) for k in range(box.count())] == list(range(32))
    for output in (0, 17, 31):
        box.setCurrentIndex(output)
        assert min(bowls.plots) == (output, 0)  # the output's first page
        seen = set(bowls.plots)
        while bowls.next_button.isEnabled() and max(seen)[0] == output:  # its pages, Next after Next
            bowls.next_button.click()
            seen |= set(bowls.plots)
        assert {(output, i) for i in range(32)} <= seen


class RecordingPainter(QPainter):
    """A QPainter that also writes down every line and text it is asked to draw, in order."""

    record: list = []

    def drawLine(self, *args):  # noqa: N802
        start, end = args if len(args) == 2 else (QPointF(args[0], args[1]), QPointF(args[2], args[3]))
        pen = self.pen()
        RecordingPainter.record.append(("line", (start.x(), start.y(), end.x(), end.y()), pen.widthF(),
                                        pen.color().rgba(), pen.style()))
        super().drawLine(*args)

    def drawText(self, *args):  # noqa: N802
        if isinstance(args[0], QRectF):
            RecordingPainter.record.append(("text", QRectF(args[0]), args[-1]))
        super().drawText(*args)


def painted(view, monkeypatch):
    """What the diagram draws, in the order it draws it (lines and texts)."""
    from gdviz.ui import network_view

    monkeypatch.setattr(network_view, "QPainter", RecordingPainter)
    RecordingPainter.record = []
    assert not view.grab().isNull()
    monkeypatch.setattr(network_view, "QPainter", QPainter)
    return RecordingPainter.record


def edge_lines(view, record):
    """The lines drawn between an input node and an output node: [((output, input), width, colour)],
    in the order drawn (an edge's outline and its own line both)."""
    inputs, outputs, _, _ = view._layout()
    ends = {(p.x(), p.y(), q.x(), q.y()): (o, i) for i, p in enumerate(inputs) for o, q in enumerate(outputs)}
    return [(ends[item[1]], item[2], item[3]) for item in record if item[0] == "line" and item[1] in ends]


def own_lines(view, record):
    """Each edge's own line (the last one drawn between its nodes): {(output, input): (width, colour, place)}."""
    lines = {}
    for place, (edge, width, colour) in enumerate(edge_lines(view, record)):
        lines[edge] = (width, colour, place)
    return lines


def test_the_diagram_labels_never_collide_at_32_by_32(window, qtbot, monkeypatch):
    """The label boxes the diagram paints, per column, never overlap, and more than one is
    written. Checked against a broken build (``label_every`` answering 1, in a scratch copy:
    every label written): this failed; the old test asked ``labelled()``, which the painting
    does not use."""
    window.controller.load_shape(32, 32)
    sync(qtbot, window)
    view = window.views.network_view
    view.setFixedSize(600, 400)  # the window's layout may not move it: 32 rows in 400 px
    QApplication.processEvents()
    inputs, outputs, radius, metrics = view._layout()
    texts = [item for item in painted(view, monkeypatch) if item[0] == "text"]
    for side, points in (("inputs", inputs), ("outputs", outputs)):
        left_of_nodes = side == "inputs"
        boxes = sorted((box for _, box, _ in texts if (box.right() <= points[0].x()) == left_of_nodes
                        and box.height() == metrics.height()), key=lambda box: box.top())
        boxes = [box for box in boxes if any(abs(box.center().y() - p.y()) < 0.5 for p in points)]
        assert len(boxes) > 1, side
        assert len(boxes) < len(points), side  # 32 rows at 400 px: only some are written
        for upper, lower in zip(boxes, boxes[1:]):
            assert upper.bottom() <= lower.top(), (side, upper, lower)


def test_the_strongest_edges_are_drawn_on_top(window, qtbot, monkeypatch):
    """The diagram paints edges from the weakest |weight| to the strongest, so the strongest is on
    top. The order is written out by hand here, not computed as the view computes it. Checked
    against broken builds (in a scratch copy): the view's ``np.argsort`` reversed, or replaced by
    the matrix's own order, made this fail; the old test sorted with ``np.argsort`` against itself
    and could not."""
    view = window.views.network_view
    weights = np.array([[0.5, -3.0, 0.1], [2.0, -0.2, 1.0], [-0.05, 0.7, -1.5]])
    view.set_state(weights, np.zeros((3, 3)), np.zeros((3, 3), dtype=bool), np.ones(3), np.zeros(3), np.zeros(3))
    lines = own_lines(view, painted(view, monkeypatch))
    drawn = sorted(lines, key=lambda edge: lines[edge][2])
    assert drawn == [(2, 0), (0, 2), (1, 1), (0, 0), (2, 1), (1, 2), (2, 2), (1, 0), (0, 1)]


def test_the_diagram_holds_still_while_its_numbers_change(window, qtbot):
    view = window.views.network_view
    before = view._layout()
    run(qtbot, window, 500)
    after = view._layout()
    assert [p.x() for p in before[1]] == [p.x() for p in after[1]]
    assert [p.x() for p in before[0]] == [p.x() for p in after[0]]


def test_hover_and_selection_never_change_an_edges_thickness(window, qtbot, monkeypatch):
    """Every edge's own line is painted as thick and in the colour it is without hover or
    selection; the hovered and the selected edge get an outline drawn under it. Checked against a
    broken build (the marked edge's pen 2 px wider, in a scratch copy of ``paintEvent``): this
    failed; the old test compared ``edge_widths()``, which hover never reaches."""
    view = window.views.network_view
    plain = own_lines(view, painted(view, monkeypatch))
    assert len(plain) == view.weights.size
    view.hovered, view.selected = (0, 0), (1, 1)
    record = painted(view, monkeypatch)
    marked = own_lines(view, record)
    assert {edge: line[:2] for edge, line in marked.items()} == {edge: line[:2] for edge, line in plain.items()}
    for edge in ((0, 0), (1, 1)):
        outlines = [width for drawn, width, colour in edge_lines(view, record) if drawn == edge][:-1]
        assert outlines and outlines[-1] > marked[edge][0], edge  # an outline, wider, under the line
    others = [edge for edge, _, _ in edge_lines(view, record) if edge not in ((0, 0), (1, 1))]
    assert len(others) == len(set(others)) == view.weights.size - 2  # no outline on the others


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


def test_node_tooltips_give_every_label_when_only_some_are_written(window, qtbot, monkeypatch):
    """The mouse on an output whose label is not written shows that label as a tooltip. Checked
    against a broken build (``mouseMoveEvent`` showing no tooltip for a node, in a scratch copy):
    this failed; the old test asked ``node_at`` only."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QToolTip

    window.controller.load_shape(32, 32)
    sync(qtbot, window)
    view = window.views.network_view
    view.setFixedSize(500, 300)  # the window's layout may not move it: 32 rows in 300 px
    QApplication.processEvents()
    inputs, outputs, radius, metrics = view._layout()
    assert view.node_at(QPointF(outputs[5])) == ("outputs", 5)
    written = [text for kind, _, text in (item for item in painted(view, monkeypatch) if item[0] == "text")]
    label = view.output_label(5)
    assert label not in written and view.output_label(0) in written
    point = QPointF(outputs[5])  # sent straight to the view: QTest.mouseMove landed 17 px off here
    move = QMouseEvent(QEvent.Type.MouseMove, point, view.mapToGlobal(point), Qt.MouseButton.NoButton,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view, move)
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == label
    QToolTip.hideText()
