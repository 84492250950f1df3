"""Live error curves: each output's error and the total against iteration (pyqtgraph).

A vertical cursor marks the iteration the window shows; clicking on the plot or dragging the
cursor moves there. Every output's curve can be shown (the Outputs chooser; the first eight are
at the start, and the legend says how many are hidden). In cycle mode the per-example errors of
a cycle fill a band, so the mean total error of each cycle is drawn over it (on when cycle mode
starts; the Curves menu turns it off). Pinned runs never set the range, and an inf or NaN error
is left out of the curve and the range, with a word in the legend.
"""

from __future__ import annotations

import html
import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gdviz.core.keyframes import KeyframedLog
from gdviz.ui import style
from gdviz.ui.curve_series import Series, TimedPlotWidget
from gdviz.ui.guard import answers_qt

SYNC_ROWS = 200_000  # rows of a log copied into the curves' arrays at most per refresh (~20 ms)
ALL_AT_ONCE = 20_000  # up to this many points every curve is redrawn each time; beyond, one a time
SHOWN_AT_FIRST = 10  # outputs whose curves are on at the start (the digits' ten; the chooser shows the others)
MIN_SPAN = 10  # iterations: the x axis shows at least this many (whole-number ticks from the start)
LARGEST_ERROR = 1e300  # the largest error the y range takes in (bowls.DRAWABLE squared)
LEGEND_GAP = "   "  # between the legend's entries
TOTAL_Z, MEAN_Z, PIN_Z = 50, 60, -1  # drawing order: pins under the curves, the total over the outputs


class ErrorPlot(QWidget):
    """Curves redrawn from the window's log on :meth:`refresh` (called at display rate).

    With hundreds of thousands of points a redraw costs several milliseconds even with
    pyqtgraph's downsampling and clip-to-view, so :meth:`due` spaces the redraws out to keep
    the curves under a quarter of the window's time; the diagram and tables still redraw
    every frame.
    """

    SHARE_OF_TIME = 0.25
    iteration_chosen = Signal(int)  # a click on the plot, or the cursor dragged
    cursor: pg.InfiniteLine  # the iteration line (hides QWidget.cursor(), the mouse cursor, which gdviz never asks for)

    def __init__(self, output_names=(), capacity: int = 1024, parent=None):
        super().__init__(parent)
        self.output_names: list[str] = []
        self.curves: list[Series] = []  # one per output: the first of _made
        self._made: list[Series] = []
        self.plot = TimedPlotWidget()
        item = self.plot.getPlotItem()
        item.setLabel("bottom", "iteration")
        item.setLabel("left", "error")
        for side in ("left", "bottom"):  # never "error (x0.001)" over ticks of 900: the numbers as they are
            item.getAxis(side).enableAutoSIPrefix(False)
        item.showGrid(x=False, y=False)
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        self.total_curve = Series(item, "total", pg.mkPen("k", width=2), TOTAL_Z)
        self.mean_curve = Series(item, "total, mean per cycle", pg.mkPen("k", width=2), MEAN_Z)
        self.mean_curve.set_visible(False)
        self.cursor = pg.InfiniteLine(angle=90, movable=True)
        self.cursor.setZValue(100)
        self.cursor.setVisible(False)
        self.cursor.sigDragged.connect(self._on_cursor_dragged)
        self.cursor.setToolTip("The iteration shown: drag it, or click on the plot")
        item.addItem(self.cursor, ignoreBounds=True)
        self.plot.scene().sigMouseClicked.connect(self._on_clicked)
        self.log_scale = QCheckBox("Log scale")
        self.log_scale.setToolTip("Show the error axis on a logarithmic scale (L)")
        self.log_scale.toggled.connect(self._set_log_scale)
        self.follow = QCheckBox("Follow")
        self.follow.setChecked(True)
        self.follow.setToolTip("Keep every iteration in view as training goes on; zooming or panning "
                               "the plot turns this off, ticking it turns it back on")
        self.follow.toggled.connect(self._refit)
        self.cycle_mean = QAction("Mean per cycle (cycle mode)", self)
        self.cycle_mean.setCheckable(True)
        self.cycle_mean.setToolTip("In cycle mode (on when it starts): the mean total error of each cycle over "
                                   "the examples, drawn over the light band of the per-example errors")
        self.cycle_mean.toggled.connect(self._on_cycle_mean)
        self.cycle_mean.setEnabled(False)
        # pyqtgraph's own auto-range scans every point of every curve on each repaint; the window
        # knows the bounds of what it adds, so it fits the view itself (see _fit_view).
        self.view = item.getViewBox()
        self.view.disableAutoRange()
        self.view.sigRangeChangedManually.connect(lambda *_: self.follow.setChecked(False))
        self.outputs_button = QPushButton("Curves")
        self.outputs_button.setToolTip("Choose the curves drawn: each output's error, and the mean per cycle")
        self.outputs_menu = QMenu(self)
        self.outputs_button.setMenu(self.outputs_menu)
        self._output_actions: list[QAction] = []
        self.pin_button = QPushButton("Pin run")
        self.pin_button.setToolTip("Keep this run's total error as a faded ghost, to compare after "
                                   "Reset with another alpha, mode or frozen weights (P; up to 5)")
        self.pinned_button = QToolButton()
        self.pinned_button.setText("Pinned")  # the popup arrow is Qt's own
        self.pinned_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.pinned_button.setToolTip("Remove a pinned run")
        self.pinned_menu = QMenu(self)
        self.pinned_button.setMenu(self.pinned_menu)
        self.pinned_button.setVisible(False)
        # one line, whatever the width: the outputs that do not fit are counted ("+4"), never
        # wrapped onto a second line that takes the plot's room (10 outputs wrapped at 1366 × 768)
        self.legend = QLabel()
        self.legend.setWordWrap(False)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.legend.setToolTip("The curves drawn (View → Legend hides this line)")
        self.pinned: list[tuple[str, pg.PlotDataItem]] = []
        self._pins: tuple = ()
        options = QHBoxLayout()
        options.setContentsMargins(0, 0, 0, 0)
        for widget in (self.log_scale, self.follow):
            options.addWidget(widget)
        # data with classes: the share classified right at the iteration shown (gdviz.ui.accuracy_view)
        self.accuracy_label = QLabel()
        self.accuracy_label.setVisible(False)
        options.addWidget(self.accuracy_label)
        options.addStretch(1)
        options.addWidget(self.pin_button)
        options.addWidget(self.pinned_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        legend_row = QHBoxLayout()  # the legend and the chooser of its curves side by side
        legend_row.setContentsMargins(0, 0, 0, 0)
        legend_row.addWidget(self.legend, 1)
        legend_row.addStretch(0)  # the chooser stays on the right when View → Legend hides the legend
        legend_row.addWidget(self.outputs_button)
        layout.addLayout(legend_row)
        layout.addWidget(self.plot, 1)
        layout.addLayout(options)
        self._fitted: tuple[tuple[float, float], tuple[float, float]] | None = None  # the last range set by _fit_view
        self._bounds_rows = 0  # rows of the log already folded into the bounds below
        self._largest = 0.0  # the largest finite total error so far
        self._left_out = False  # an error was inf or NaN: not drawn
        self._smallest_positive = math.inf  # for the log scale
        self._x = np.zeros(0)
        self._columns = np.zeros((1, 0))
        self._filled = 0  # rows of the log copied into _columns (the visible outputs' and the total's)
        self._log_id = 0
        self._log: KeyframedLog | None = None
        self._cycle_length = 0
        self._training = False
        self._cycle_x = np.zeros(0)
        self._cycle_y = np.zeros(0)
        self.shown = 0  # how many iterations the curves hold
        self._refreshed_at = 0.0
        self._refresh_seconds = 0.0
        self.set_outputs(output_names, capacity)

    def set_outputs(self, output_names, capacity: int = 1024) -> None:
        """Curves for another network's outputs, empty until :meth:`refresh` gets its log. The plot,
        its options (log scale, follow, legend) and the pinned runs are kept: made anew, the plot
        and its curves took ~25 ms of the GUI thread at each new network (an import's take-in)."""
        item = self.plot.getPlotItem()
        names = list(output_names)
        count = len(names)
        # the curves made so far are kept, the ones not needed hidden and empty: a curve takes ~1.4 ms
        # to make, and the ten the digits want are made with the window (SHOWN_AT_FIRST), not at an import
        while len(self._made) < max(count, SHOWN_AT_FIRST):
            self._made.append(Series(item, "", pg.mkPen(style.curve_colour(0, 1), width=1), 10))
        for o, curve in enumerate(self._made):
            curve.clear()
            curve.name = f"error {names[o]}" if o < count else ""
            curve.set_z(10 + o * 0.01)
            curve.set_visible(o < min(count, SHOWN_AT_FIRST))
        self.output_names, self.curves = names, self._made[:count]
        self._build_outputs_menu()
        self._log_id, self._log = 0, None  # the next refresh starts the curves again (_reset_for)
        self._filled = self._bounds_rows = 0
        self._columns, self._x = np.zeros((count + 1, 0)), np.zeros(0)
        self._allocate(capacity)
        self.shown = 0
        self._restyle()

    # -- look --------------------------------------------------------------------------------------
    @answers_qt()
    def changeEvent(self, event):  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)

    def _restyle(self) -> None:
        palette = self.palette()
        text, base = palette.windowText().color(), palette.base().color()
        self.plot.setBackground(base)
        item = self.plot.getPlotItem()
        for side in ("left", "bottom"):
            item.getAxis(side).setPen(text)
            item.getAxis(side).setTextPen(text)
        count = len(self.output_names)
        for o, curve in enumerate(self.curves):
            curve.set_pen(pg.mkPen(style.curve_colour(o, count, palette), width=1))
        self.total_curve.set_pen(pg.mkPen(text, width=2))
        mean = QColor(palette.highlight().color())
        self.mean_curve.set_pen(pg.mkPen(mean, width=2.5))
        self.cursor.setPen(pg.mkPen(QColor(palette.highlight().color()), width=1.5))
        self.cursor.setHoverPen(pg.mkPen(QColor(palette.highlight().color()), width=3))
        self._fade_outputs()
        self._update_legend()

    def _fade_outputs(self) -> None:
        """With the mean per cycle on, the raw curves step back so that the trend reads first.

        Faded means an opaque colour 30 % of the way from the background: a translucent pen wider
        than 1 px makes Qt stroke the whole path as an outline (a cycle over the 1,797 digits is a
        band of zigzags: ~50 ms a paint instead of ~4 ms)."""
        faded = self.mean_curve.visible
        count = len(self.output_names)
        base = self.palette().base().color()

        def shade(colour: QColor) -> QColor:
            return style.mix(colour, base, 0.3) if faded else colour

        for o, curve in enumerate(self.curves):
            curve.set_pen(pg.mkPen(shade(style.curve_colour(o, count, self.palette())), width=1))
            # with the mean per cycle on, each output's faded curve is its mean error per pixel
            # column (zoomed out: over a cycle or more) rather than a band: ten overlapping bands
            # (the digits) read as one block of colour and cost ~13 ms a paint
            curve.set_downsampling("mean" if faded else "peak")
        self.total_curve.set_pen(pg.mkPen(shade(QColor(self.palette().windowText().color())), width=2))

    def _update_legend(self) -> None:
        """The legend's one line: the total (and the mean, the pinned runs, a warning) always; then
        as many outputs as fit, each a swatch and its name, the rest counted ("+4", named in the
        tooltip); the outputs the chooser hides counted last when there is room."""
        metrics = QFontMetrics(self.legend.font())

        def swatch(colour: QColor, name: str, dashed: bool = False) -> tuple[str, int]:
            mark = "┅" if dashed else "━"
            text = f"<span style='color:{colour.name()}'>{mark}</span>{html.escape(name)}"
            return text, metrics.horizontalAdvance(f"{mark}{name}")

        def note(text: str) -> tuple[str, int]:
            return f"<i>{html.escape(text)}</i>", metrics.horizontalAdvance(text) + 2

        count = len(self.output_names)
        shown = [o for o, curve in enumerate(self.curves) if curve.visible]
        # each swatch the colour its curve is drawn in: faded (a grey band for the total) while the
        # mean per cycle is the solid curve (_fade_outputs)
        outputs = [swatch(self.curves[o].pen.color(), self.output_names[o]) for o in shown]
        others = [swatch(self.total_curve.pen.color(), "total")]
        if self.mean_curve.visible:
            others.append(swatch(self.mean_curve.pen.color(), "total, mean per cycle"))
        for label, ghost in self.pinned:
            others.append(swatch(ghost.opts["pen"].color(), f"pinned: {label}", dashed=True))
        if self._left_out:
            others.append(note("errors past 1e300, infinite or NaN: too large to draw, cut off"))
        hidden = count - len(shown)
        gap = metrics.horizontalAdvance(LEGEND_GAP)
        room = self.legend.contentsRect().width() if self.legend.width() > 0 else 10_000
        used = sum(width + gap for _, width in others)
        fitting = len(outputs)
        while fitting and used + sum(w + gap for _, w in outputs[:fitting]) + self._more_width(
                len(outputs) - fitting, metrics) > room:
            fitting -= 1
        parts = [text for text, _ in outputs[:fitting]]
        if fitting < len(outputs):
            parts.append(f"+{len(outputs) - fitting}")
            used += self._more_width(len(outputs) - fitting, metrics)
        used += sum(w + gap for _, w in outputs[:fitting])
        parts += [text for text, _ in others]
        if hidden:  # the long form where it fits, else the short one, else left to the chooser
            for words in (f"{hidden} of {count} hidden", f"{hidden} hidden"):
                text, width = note(words)
                if used + width <= room:
                    parts.append(text)
                    break
        self.legend.setText(LEGEND_GAP.replace(" ", "&nbsp;").join(parts))
        names = [self.output_names[o] for o in shown]
        unnamed = names[fitting:]
        self.legend.setToolTip("The curves drawn (View → Legend hides this line)"
                               + (f"; not named here: {', '.join(unnamed)}" if unnamed else "")
                               + (f"; {hidden} of {count} outputs hidden (Curves shows them)" if hidden else ""))
        self.outputs_button.setText("Curves")  # (a push button draws its menu's arrow with room)

    @staticmethod
    def _more_width(more: int, metrics: QFontMetrics) -> int:
        """The room "+4" takes (none when every output is named)."""
        return metrics.horizontalAdvance(f"+{more}{LEGEND_GAP}") if more else 0

    @answers_qt()
    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
        self._update_legend()  # as many names as the new width holds

    def _build_outputs_menu(self) -> None:
        menu = self.outputs_menu
        menu.clear()
        menu.addAction(self.cycle_mean)
        menu.addSeparator()
        menu.addAction("Show every output", lambda: self.show_outputs(range(len(self.curves))))
        menu.addAction("Show no output (the total only)", lambda: self.show_outputs([]))
        menu.addSeparator()
        self._output_actions = []
        for o, name in enumerate(self.output_names):
            action = menu.addAction(f"error {name}")
            action.setCheckable(True)
            action.setChecked(self.curves[o].visible)
            action.toggled.connect(lambda on, k=o: self._set_output_visible(k, on))
            self._output_actions.append(action)

    def show_outputs(self, outputs) -> None:
        """Draw the curves of exactly these outputs."""
        wanted = set(outputs)
        for o, action in enumerate(self._output_actions):
            action.blockSignals(True)
            action.setChecked(o in wanted)
            action.blockSignals(False)
            self._set_output_visible(o, o in wanted)

    def _set_output_visible(self, output: int, visible: bool) -> None:
        curve = self.curves[output]
        curve.set_visible(visible)
        if visible and self._filled:  # hidden curves are not kept, nor copied: bring it up now
            if self._log is not None:
                self._columns[output, : self._filled] = self._log.column("error", 0, self._filled)[:, output]
            curve.update(self._x[: self._filled], self._columns[output, : self._filled])
        self._update_legend()

    def set_legend_visible(self, visible: bool) -> None:
        self.legend.setVisible(visible)

    # -- the cursor --------------------------------------------------------------------------------
    def set_cursor(self, iteration: int | None) -> None:
        """Put the cursor at ``iteration`` (None: no iteration to mark)."""
        self.cursor.setVisible(iteration is not None)
        if iteration is not None and self.cursor.value() != iteration:
            self.cursor.blockSignals(True)
            self.cursor.setValue(iteration)
            self.cursor.blockSignals(False)

    def _on_cursor_dragged(self, line) -> None:
        self.iteration_chosen.emit(int(round(line.value())))

    def _on_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        view_rect = self.view.sceneBoundingRect()
        if not view_rect.contains(event.scenePos()):
            return
        x = self.view.mapSceneToView(event.scenePos()).x()
        if math.isfinite(x):
            self.iteration_chosen.emit(int(round(x)))

    # -- view range --------------------------------------------------------------------------------
    def _set_log_scale(self, on: bool) -> None:
        self.plot.getPlotItem().setLogMode(y=on)
        self._fitted = None
        self._fit_view()

    def _refit(self, *_args) -> None:
        self._fitted = None
        self._fit_view()

    def _update_bounds(self, log: KeyframedLog) -> None:
        """Fold the rows copied since the last call into the largest and smallest errors."""
        rows = slice(self._bounds_rows, self._filled)
        new = self._columns[-1, rows]
        if new.size:
            # an inf or NaN error (a diverged run, 1e300 typed into the data) is left out of the
            # range and of the curve (pyqtgraph breaks a line there), one past 1e300 is clipped at
            # the top (pyqtgraph's axes stop at ~1e307): the legend says so
            with np.errstate(invalid="ignore"):
                finite = new[np.abs(new) <= LARGEST_ERROR]
            if finite.size:
                self._largest = max(self._largest, float(np.max(finite)))
            errors = log.column("error", rows.start, rows.stop).astype(np.float64)  # kept as float32
            with np.errstate(invalid="ignore"):
                positive = errors[(errors > 0) & (errors <= LARGEST_ERROR)]
            if positive.size:
                self._smallest_positive = min(self._smallest_positive, float(np.min(positive)))
            if finite.size < new.size or not np.all(np.isfinite(errors)):
                self._left_out = True
                self._update_legend()
        self._bounds_rows = self._filled

    def set_training(self, training: bool) -> None:
        """Whether iterations are being added (Play, Run). When they stop, the x axis closes in on
        the last iteration: the room it kept to grow into is no longer needed."""
        stopped = self._training and not training
        self._training = training
        if stopped:
            self._fitted = None
            self._fit_view()

    def _fit_view(self, *_args) -> None:
        """Show every iteration. While training, the x range grows by half again when the data
        reaches its end, so it changes rarely: each change makes pyqtgraph redo every curve's
        downsampling. When training stops, the range ends at the last iteration."""
        if not self.follow.isChecked():
            return
        first = float(self._x[0]) if self._bounds_rows else 1.0
        last = first + max(self._bounds_rows - 1, 1)
        # the x range last set, if it still starts at the first iteration
        fitted = self._fitted[0] if self._fitted is not None and self._fitted[0][0] == first else None
        if fitted is not None and last <= fitted[1] <= first + 2 * (last - first) + 2 * MIN_SPAN:
            last = fitted[1]  # still fits, and not mostly empty: keep the range
        elif self._fitted is None and not self._training:  # fitted afresh, nothing coming: end at the data
            last = first + max(MIN_SPAN, last - first)
        else:  # room to grow, so that steps one at a time do not redraw the axes each time
            last = first + max(MIN_SPAN, math.ceil((last - first) * 1.5))
        largest = self._largest  # the run's own: a pinned run never sets the range (it would flatten this one)
        if self.log_scale.isChecked():
            top = math.log10(largest) if largest > 0 else 0.0
            bottom = math.log10(self._smallest_positive) if math.isfinite(self._smallest_positive) else top - 1
            y_range = (bottom, top if top > bottom else bottom + 1)
        else:
            y_range = (0.0, largest if largest > 0 else 1.0)
        if ((first, last), y_range) != self._fitted:
            self._fitted = ((first, last), y_range)
            self.view.setRange(xRange=(first, last), yRange=y_range, padding=0.02)

    # -- data --------------------------------------------------------------------------------------
    def _reset_for(self, log: KeyframedLog) -> None:
        """Another log (a new network, Reset, a branch, an undo): start the curves again."""
        self._log_id = id(log)
        self._log = log
        self._filled = self._bounds_rows = 0
        self._largest, self._smallest_positive = 0.0, math.inf
        if self._left_out:
            self._left_out = False
            self._update_legend()
        self._cycle_x, self._cycle_y = np.zeros(0), np.zeros(0)
        for curve in (*self.curves, self.total_curve, self.mean_curve):
            curve.clear()
        self._fitted = None  # a log that arrives whole (a session opened, an undo) is shown to its end

    def _sync_columns(self, log: KeyframedLog) -> None:
        """Keep x (iteration numbers) and each curve's y as contiguous float64 arrays.

        pyqtgraph clips and downsamples contiguous arrays about twice as fast as a column of
        the log, and clips fastest with float x. Only the rows added since the last call are
        copied, at most :data:`SYNC_ROWS` a call: a log that arrives whole (a million iterations
        opened) is copied over several frames rather than in one 120 ms stall. The arrays double
        when the log outgrows them.
        """
        if id(log) != self._log_id or log.count < self._filled:
            self._reset_for(log)
        if log.count > self._x.size:  # more than planned for (a log with no capacity limit)
            self._allocate(max(2 * log.count, 1024))
        end = min(log.count, self._filled + SYNC_ROWS)
        new = slice(self._filled, end)
        self._x[new] = np.arange(log.first_iteration + self._filled, log.first_iteration + end)
        kept = self._kept_outputs()  # a hidden output's row is never written: its memory is never used
        if kept:
            self._columns[kept, new] = log.column("error", new.start, new.stop)[:, kept].T
        self._columns[-1, new] = log.column("error_total", new.start, new.stop)
        self._filled = end

    def _kept_outputs(self) -> list[int]:
        return [o for o, curve in enumerate(self.curves) if curve.visible]

    def _allocate(self, capacity: int) -> None:
        columns = np.empty((len(self.curves) + 1, capacity))  # pages of rows never written stay unused
        x = np.empty(capacity)
        for row in (*self._kept_outputs(), len(self.curves)):
            columns[row, : self._filled] = self._columns[row, : self._filled]
        x[: self._filled] = self._x[: self._filled]
        self._columns, self._x = columns, x
        # the curves' pieces still point into the old arrays: drawn again from the new ones, so the
        # old ones are freed (left, they doubled the curves' memory: 1.64 GB after a minute of 32 × 32)
        filled = self._filled
        for index, curve in enumerate([*self.curves, self.total_curve]):
            if curve.visible or curve is self.total_curve:
                curve.rebind(x[: min(filled, curve.points)], columns[index, : min(filled, curve.points)])
            else:
                curve.clear()

    def set_cycle_length(self, examples: int | None) -> None:
        """The mode's cycle (the number of examples in cycle mode; None otherwise). Called with
        every state the trainer reports: it restyles the curves only when the cycle changes."""
        if (examples or 0) == self._cycle_length:
            return
        cycles = examples is not None and examples > 1
        if cycles and self._cycle_length < 2:
            # cycle mode opens with the mean per cycle over a light band of the raw errors: the raw
            # curve alone swings between the examples' errors every iteration, a solid block
            self.cycle_mean.blockSignals(True)
            self.cycle_mean.setChecked(True)
            self.cycle_mean.blockSignals(False)
        self.cycle_mean.setEnabled(cycles)
        self._cycle_length = examples or 0
        self._cycle_x, self._cycle_y = np.zeros(0), np.zeros(0)
        self.mean_curve.clear()
        self._on_cycle_mean(self.cycle_mean.isChecked())

    def _on_cycle_mean(self, on: bool) -> None:
        self.mean_curve.set_visible(on and self.cycle_mean.isEnabled())
        self._fade_outputs()
        self._update_legend()
        self._update_cycle_means()

    def _update_cycle_means(self) -> None:
        """The mean total error of each whole cycle (iterations 1…K, K+1…2K, …), at the cycle's end."""
        k = self._cycle_length
        if not self.mean_curve.visible or k < 2:
            return
        cycles = self._filled // k
        done = len(self._cycle_y)
        if cycles > done:
            totals = self._columns[-1, done * k : cycles * k].reshape(-1, k)
            self._cycle_y = np.concatenate([self._cycle_y, totals.mean(axis=1)])
            self._cycle_x = np.concatenate([self._cycle_x, self._x[k - 1 : cycles * k : k][done:]])
            self.mean_curve.update(self._cycle_x, self._cycle_y)

    def due(self, log: KeyframedLog) -> bool:
        """Whether a curve should be redrawn now to show ``log``."""
        if id(log) != self._log_id:
            return True
        if self.shown == log.count and log.count:
            return False
        cost = self._refresh_seconds + self.plot.paint_seconds
        return time.perf_counter() - self._refreshed_at >= cost / self.SHARE_OF_TIME

    def refresh(self, log: KeyframedLog) -> None:
        """Bring the curves up to date: all of them while they are short; past
        :data:`ALL_AT_ONCE` points only the one furthest behind (a redraw's cost grows with the
        points, so it is spread over frames; a curve is then at most a few frames behind).
        :attr:`shown` counts the points that every drawn curve holds."""
        started = time.perf_counter()
        self._sync_columns(log)
        count = self._filled
        x = self._x[:count]
        drawn = [(index, curve) for index, curve in enumerate([*self.curves, self.total_curve]) if curve.visible
                 or curve is self.total_curve]
        lengths = [curve.points for _, curve in drawn]
        if count <= ALL_AT_ONCE:  # short curves: all at once (a Step's point shows everywhere at once)
            behind = drawn
        else:  # long ones (or a long log just opened): one a refresh, so no frame takes them all
            behind = [drawn[int(np.argmin(lengths))]]
        for index, curve in behind:
            curve.update(x, self._columns[index, :count])
        self.shown = min(curve.points for _, curve in drawn)
        self._update_cycle_means()
        self._update_bounds(log)
        self._fit_view()
        self._refreshed_at = time.perf_counter()
        self._refresh_seconds = self._refreshed_at - started

    # -- pins ----------------------------------------------------------------------------------------
    def set_pins(self, pins) -> None:
        """Draw these pinned runs (the controller's :class:`~gdviz.ui.controller.Pin` tuple)."""
        if pins is self._pins:
            return
        for _label, ghost in self.pinned:
            self.plot.getPlotItem().removeItem(ghost)
        self.pinned = []
        self._pins = pins
        for index, pin in enumerate(pins):
            colour = QColor(style.PIN_COLOURS[index % len(style.PIN_COLOURS)])
            colour.setAlpha(140)
            ghost = pg.PlotDataItem(pin.iterations, pin.errors,
                                    pen=pg.mkPen(colour, width=2, style=Qt.PenStyle.DashLine))
            # a pinned run (a diverged one reaches ~1e3) never sets the range: it would flatten this run
            self.plot.getPlotItem().addItem(ghost, ignoreBounds=True)
            ghost.setZValue(PIN_Z)
            self.pinned.append((pin.label, ghost))
        self.pinned_button.setVisible(bool(pins))
        self._update_legend()
        self._fitted = None
        self._fit_view()

    def curve_data(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """What each drawn curve holds (before pyqtgraph downsamples it to draw): name -> (x, y)."""
        data = {curve.name: curve.data() for curve in self.curves if curve.visible}
        data["total"] = self.total_curve.data()
        if self.mean_curve.visible:
            data["total, mean per cycle"] = self.mean_curve.data()
        return data
