"""The main window: the controls on the left, the diagram and curves in the middle, the weight
tables and the arithmetic on the right; menus, shortcuts and the status bar around them.

The window assembles the panels and renders the controller's state at display rate; it keeps no
setting of its own (see :mod:`gdviz.ui.controller`).
"""

from __future__ import annotations

import sys
import time
import traceback
from functools import partial

import numpy as np
from PySide6.QtCore import QSettings, Qt, QTimer, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QToolTip

from gdviz.core.presets import DEFAULT_PRESET, PRESETS
from gdviz.ui import keys, style
from gdviz.ui.accuracy_view import AccuracyWatch
from gdviz.ui.actions import Actions
from gdviz.ui.bowls_view import BowlsView
from gdviz.ui.controller import SessionController
from gdviz.ui.controls_panel import ControlsPanel
from gdviz.ui.file_actions import FileActions
from gdviz.ui.garbage import GuiThreadCollector
from gdviz.ui.guard import answers_qt
from gdviz.ui.network_view import BATCHED_EDGES
from gdviz.ui.phases import PhaseStepper
from gdviz.ui.resources import resource_path
from gdviz.ui.status import StatusLine
from gdviz.ui.surface_view import SurfaceView
from gdviz.ui.tables_panel import LARGEST_NUMBER_TABLE, TablesPanel
from gdviz.ui.views_panel import ViewsPanel
from gdviz.ui.weight_images import WeightImagesView


class MainWindow(QMainWindow):
    """``MainWindow()`` opens on the default preset (or the last one used)."""

    # The menu items (``window.actions.step``). It hides QWidget.actions(), the list of actions added to the
    # window, which gdviz does not ask for (Qt's C++ side still sees them).
    actions: Actions  # type: ignore[assignment]

    def __init__(self, preset: str | None = None, parent=None):
        super().__init__(parent)
        # Deleted by Qt when closed, on this thread: left to Python's garbage collector, a window
        # is deleted whenever and wherever a collection happens (seen: inside another window's
        # paint, deadlocking on Qt's connection lock).
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.collector = GuiThreadCollector(self)  # cycles of Qt objects are freed on this thread only
        # the window's threads (an import, answers, the trainer) run Python too, and each call from Qt
        # into Python (every event passes the key filter) waits for the lock until they give it up:
        # at Python's 5 ms, showing the import's progress dialog while a file was parsed took 0.3 s
        sys.setswitchinterval(GIL_SWITCH_SECONDS)
        self.settings = QSettings()
        self.setWindowIcon(QIcon(str(resource_path("gdviz.svg"))))
        self.controller = SessionController(self)
        self.controls = ControlsPanel(self.controller)
        self.views = ViewsPanel()
        self.tables = TablesPanel()
        self.phases = PhaseStepper(self.controller, self)
        self.files = FileActions(self, self.controller, self.settings)
        self.status = StatusLine(self.statusBar())
        self.accuracy = AccuracyWatch(self.controller, self.views, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for panel in (self.controls, self.views, self.tables):
            self.splitter.addWidget(panel)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)
        self._panes: dict[tuple, list[list[int]]] = {}  # each network's pane sizes as it was left
        self._panes_names: tuple | None = None  # the network the panes are for
        self._unwidened: list[int] | None = None  # the columns before a wide network widened the right one
        self.splitter.splitterMoved.connect(self._on_panes_moved)
        self._dirty = False
        self._redraw = QTimer(self)  # one redraw, as soon as control is back in the event loop
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(0)
        self._redraw.timeout.connect(self._redraw_now)
        self._text_refreshed_at = 0.0
        self._matrices_shown_at = 0.0
        self._requested_at = 0.0  # the last redraw asked while not training (see SETTLE)
        self._catch_up = QTimer(self)  # the tables and text of a big network, after a fast move
        self._catch_up.setSingleShot(True)
        self._catch_up.timeout.connect(self._show_now)
        self.actions = Actions(self)
        self._connect()
        self.key_router = keys.KeyRouter(self)
        app = QApplication.instance()
        assert app is not None  # a window needs one
        app.installEventFilter(self.key_router)
        self.frame_timer = QTimer(self)
        self.frame_timer.setInterval(style.FRAME_MS)
        self.frame_timer.timeout.connect(self._on_frame)
        self.frame_timer.start()
        self.apply_theme(str(self.settings.value("view/theme", "System")))
        name = preset or str(self.settings.value("window/preset", DEFAULT_PRESET))
        self.controller.start(name if name in PRESETS else DEFAULT_PRESET)
        self._place_on_screen()
        self._warm_up = QTimer(self)  # the compiled loops load after start-up, not during it
        self._warm_up.setSingleShot(True)
        self._warm_up.timeout.connect(self._load_compiled_loops)
        self._warm_up.start(WARM_UP_MS)
        self._compiled_check = QTimer(self)  # until the load ends: then a word if it went wrong
        self._compiled_check.setInterval(200)
        self._compiled_check.timeout.connect(self._check_compiled)
        self.collector.freeze()  # the window as built: out of the garbage collector's walks

    # -- building ----------------------------------------------------------------------------------
    def _connect(self) -> None:
        controller, controls = self.controller, self.controls
        controls.step_button.clicked.connect(self.step)
        controls.play_button.clicked.connect(self.toggle_play)
        controls.reset_button.clicked.connect(self.reset)
        controls.run_button.clicked.connect(self.run_n)
        controls.phase_box.toggled.connect(lambda on: None if on else self.phases.end())
        controller.state_changed.connect(self._on_state)
        controller.records_added.connect(self._on_records)
        controller.log_replaced.connect(self._on_log_replaced)
        controller.shown_changed.connect(self._show_now)
        controller.shown_changed.connect(self.controls.render)  # the settings of the iteration shown
        controller.pins_changed.connect(self._on_pins)
        controller.notice_changed.connect(self.controls.render_notice)
        controller.refused.connect(self.show_refusal)
        controller.answers.ready.connect(self._show_now)  # the next iteration of a big batch, worked out
        controller.message.connect(self.status.show_message)
        self.files.message.connect(self.status.show_message)
        self.controls.refused.connect(self.status.show_message)
        self.controls.refusal_withdrawn.connect(self.status.withdraw)
        self.controls.cell_refused.connect(self.show_refusal)
        self.phases.changed.connect(self._on_phase)
        self.views.timeline.iteration_chosen.connect(controller.show_iteration)
        plot = self.views.error_plot  # one for every network (its curves made anew for each)
        plot.iteration_chosen.connect(controller.show_iteration)
        plot.pin_button.clicked.connect(controller.pin_run)
        plot.log_scale.toggled.connect(self.actions.log_scale.setChecked)
        plot.set_legend_visible(self.actions.legend.isChecked())
        self.views.tabs.currentChanged.connect(lambda _i: self._show_now())
        self.views.network_view.freeze_requested.connect(controller.set_frozen)
        self.views.network_view.edge_selected.connect(self._select_edge)
        self.tables.weight_view.freeze_requested.connect(controller.set_frozen)
        self.tables.arithmetic.output_box.currentIndexChanged.connect(self._on_arithmetic_output)
        self.controls.data_editor.image_requested.connect(self.show_example_image)
        self._connect_tables()
        self.views.built.connect(self._on_views_built)

    def _on_views_built(self) -> None:
        self._connect_network_views()
        self._show_now()

    def _connect_network_views(self) -> None:
        """Wire the views made for a new network."""
        views = self.views
        assert views.bowls is not None and views.surface is not None  # just made by rebuild
        views.bowls.output_chosen.connect(lambda _o: self._show_now())
        views.surface.weights_chosen.connect(self._show_now)
        self.controls.data_editor.actions["show_image"].setVisible(views.weight_images is not None)
        if views.weight_images is not None:
            views.weight_images.digits = views.network_view.digits  # View → Digits, as the diagram writes them
            if views.confusion is not None:  # an example picked in a confusion cell's list is drawn there too
                views.confusion.image_tab = True
                views.confusion.example_picked.connect(views.weight_images.show_example)
                views.confusion.example_opened.connect(self.show_example_image)

    def _connect_tables(self) -> None:
        controller = self.controller
        model = self.tables.weight_model  # one for every network
        model.edit_requested.connect(controller.set_weight)
        model.edit_refused.connect(self.show_refusal)
        model.freeze_requested.connect(controller.set_frozen)
        self.tables.weight_view.selectionModel().currentChanged.connect(
            lambda index, _old: self._select_edge((index.row(), index.column())) if index.isValid() else None)

    # -- what the window does ----------------------------------------------------------------------
    @Slot()
    def step(self) -> None:
        if not self.controls.step_button.isEnabled():
            return
        if self.controls.phase_box.isChecked():
            self.phases.step()
        else:
            self.controller.step()

    @Slot()
    def forward(self) -> None:
        if self.controller.in_the_past and not self.controls.phase_box.isChecked():
            self.controller.step_forward()
        else:
            self.step()

    def page(self, direction: int) -> None:
        """Back (-1) or forward (1) a tenth of the log."""
        controller = self.controller
        first = controller.log.first_iteration - 1
        tenth = max(1, (controller.last_iteration - first) // 10)
        controller.show_iteration(controller.shown_iteration + direction * tenth)

    @Slot()
    def toggle_play(self) -> None:
        state = self.controller.state
        if state is None or not self.controls.play_button.isEnabled():
            return
        if not state.playing:
            self.phases.end()
            self.status.playing_from(self.controller.shown_iteration)
        self.controller.toggle_play()

    @Slot()
    def run_n(self) -> None:
        if not self.controls.run_button.isEnabled():
            return
        count = self.controls.run_count()
        if count is None:
            return
        self.phases.end()
        self.status.playing_from(self.controller.shown_iteration)
        self.controller.run(count)

    @Slot()
    def reset(self) -> None:
        self.phases.end()
        self.controller.reset()

    def open_lesson(self) -> None:
        """Help → Lesson (``gdviz --lesson``): the side panel through the chapter."""
        from gdviz.ui import lesson_panel

        lesson_panel.open_lesson(self)

    def focus_home(self) -> None:
        """Where the keyboard goes when the widget that had it is disabled: the diagram (it trains)."""
        self.views.network_view.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(str)
    def show_refusal(self, message: str) -> None:
        """A value refused: said in the status bar and beside the widget that has the focus (not in
        a modal box, which would stop the learner, and the window, until it is dismissed)."""
        text = f"{message} The value was not changed."
        self.status.show_message(text)
        focus = QApplication.focusWidget()
        if focus is not None and focus.window() is self:
            QToolTip.showText(focus.mapToGlobal(focus.rect().bottomLeft()), text, focus)

    def _select_edge(self, edge) -> None:
        """An edge chosen in the diagram or the weight table: highlight it everywhere."""
        self.views.network_view.select(edge)
        self.tables.arithmetic.select_edge(edge)
        if edge is not None:
            assert self.views.bowls is not None  # made when the window started
            self.views.bowls.set_output(edge[0])
        self._show_now()

    @Slot(int)
    def show_example_image(self, example: int) -> None:
        """The data table's "Show example as image": that example in the Weight images tab."""
        view = self.views.weight_images
        if view is not None:
            view.show_example(example)
            self.views.tabs.setCurrentWidget(view)

    def _on_arithmetic_output(self, _index: int) -> None:
        output = self.tables.arithmetic.output_box.currentData()
        if output is not None and output >= 0 and self.views.bowls is not None:
            self.views.bowls.set_output(output)
            self._show_now()

    def apply_theme(self, name: str, remember: bool = False) -> None:
        """View → Theme: System, Light or Dark (remembered when the learner picks it)."""
        name = style.apply_theme(name)
        for action in self.actions.theme_group.actions():
            action.setChecked(action.text() == name)
        if remember:
            self.settings.setValue("view/theme", name)
        self.controls.render_notice()
        self._show_now()

    # -- rendering ---------------------------------------------------------------------------------
    def _on_state(self) -> None:
        state, plot, model = self.controller.state, self.views.error_plot, self.tables.weight_model
        assert state is not None  # installed with the log
        self.controls.render()  # (each of these only touches what changed: ~120 states a second at max)
        plot.set_training(state.playing)
        plot.set_cycle_length(state.data.n_examples if state.mode == "cycle" else None)
        if model.editable == state.playing:
            self.tables.weight_view.setEditTriggers(self.controls.edit_triggers_for(state.playing))
            model.editable = not state.playing
        self.status.show_rate(state.playing, self.controller.last_iteration)
        if not state.playing:  # a Step or an edit: shown now rather than at the next frame
            self._show_now()
        else:
            self._dirty = True

    def _on_records(self) -> None:
        self._dirty = True

    def _on_log_replaced(self) -> None:
        state = self.controller.state
        assert state is not None  # installed with the log
        # the window drawn once, after the redraw that fills the new views in (see _redraw_now), not
        # first with the old numbers and again at once: a 784 × 10 diagram is ~60 ms a paint, and
        # both paints came straight after taking the data set in, before any input was seen
        # (the panes, not the window: held and let through, the window had each of its widgets
        # painted twice, the 784 -> 10 diagram among them)
        if self.isVisible() and self.splitter.updatesEnabled():
            self.splitter.setUpdatesEnabled(False)
            self._show_now()
        names = (state.data.input_names, state.data.output_names)
        if self._panes_names not in (None, names) and self.isVisible():  # leaving a network: its panes kept
            self._panes[self._panes_names] = [splitter.sizes() for splitter in self._pane_splitters()]
        self._panes_names = names
        self.controls.render()  # the data table for the new network, before the views ask for it
        if self.views.rebuild(state.data, CURVE_ROWS):  # its other tabs a turn later (views.built)
            self._on_pins()
        if self.tables.rebuild(state.data):
            self._restore_panes(names)
        self.phases.end()
        if state.preset:
            self.settings.setValue("window/preset", state.preset)
        title = state.preset or f"custom {state.data.n_inputs} in × {state.data.n_outputs} out"
        description = PRESETS[state.preset].description if state.preset in PRESETS else "a network of your own"
        self.setWindowTitle(f"gdviz — {title} ({description})")
        self._show_now()

    def _on_pins(self) -> None:
        plot = self.views.error_plot
        plot.set_pins(self.controller.pins)
        menu = plot.pinned_menu
        menu.clear()
        for index, pin in enumerate(self.controller.pins):
            menu.addAction(f"Remove {pin.label}", partial(self.controller.unpin, index))
        if self.controller.pins:
            menu.addSeparator()
            menu.addAction("Remove all", lambda: self.controller.unpin(None))

    def _on_phase(self) -> None:
        self.controls.show_phase(self.phases.message)
        self.views.network_view.set_phase(self.phases.phase)
        self._show_now()

    def _show_now(self) -> None:
        """Show the session as it is now — at once, but once: a new session announces its log,
        state, iteration shown and pins in one go, and each used to redraw everything (~15 ms
        each, a 150 ms stall for a million iterations opened). The redraw runs when control
        returns to the event loop, after all of them."""
        self._dirty = True
        if not self._redraw.isActive():
            self._redraw.start()

    @property
    def redraw_pending(self) -> bool:
        """A redraw was asked for and has not happened yet (it runs once control is back in the
        event loop; a new network's takes two turns; a big network's tables and text once quick
        moves pause, see SETTLE)."""
        return self._redraw.isActive() or self.views.pending or self._catch_up.isActive()

    def _redraw_now(self) -> None:
        if self._taking_in():
            return
        try:
            self._on_frame(force=True)
        finally:
            if not self.splitter.updatesEnabled():  # held since a new session came in (_on_log_replaced)
                self.splitter.setUpdatesEnabled(True)
                # (held on the window itself, a paint request handled meanwhile was dropped with the
                # window left marked dirty, and Qt asked for no more paints: a take-in with no other
                # change on screen left the window unpainted)

    def _taking_in(self) -> bool:
        """A new network is being taken in: its other tabs are made in a turn of their own (with
        the rest they were one long stall), and then it asks for the redraw (_on_views_built)."""
        return self.views.pending and not self.splitter.updatesEnabled()

    @Slot()
    def _on_frame(self, force: bool = False) -> None:
        controller = self.controller
        plot = self.views.error_plot
        if controller.state is None or self._taking_in():
            return
        if self._dirty:
            self._dirty = False
            self.refresh_views(force)
        elif plot.due(controller.log):  # curves still catching up after the last report
            plot.refresh(controller.log)

    def refresh_views(self, force: bool = False) -> None:
        """Show the iteration shown: tables, diagram, arithmetic, bowls or surface, curves, status.

        While playing faster than the eye can read, the tables, the arithmetic text and the bowls
        or surface redraw at most READABLE_HZ times a second (the diagram and curves keep the
        frame rate): a bowls redraw alone costs a frame's time.
        """
        controller, views, tables = self.controller, self.views, self.tables
        state, log = controller.state, controller.log
        assert state is not None  # _on_frame's check
        views.finish()  # a new network's other tabs, if not made yet: the tab in front may be one
        now = time.perf_counter()
        readable = force or not state.playing or now - self._text_refreshed_at >= 1 / style.READABLE_HZ
        if not state.playing and state.weights.size > BATCHED_EDGES:
            # a big network scrubbed (or stepped) quickly: its 2 × 1,024 table cells and its arithmetic
            # (~40 ms) wait until the moves pause for SETTLE seconds, then show the last one; the
            # diagram and the curves follow every move
            quick = now - self._requested_at < SETTLE
            self._requested_at = now
            if readable and quick:
                readable = False
                self._catch_up.start(int(1000 * SETTLE) + 5)  # a timer may fire a little early
        moment = controller.moment()
        frozen = moment.settings.frozen  # every view shows the settings of the iteration shown
        # the moment's numbers: its record, or (no iteration done yet) the next iteration worked out
        source, source_row = moment.record, 0
        preview = self.phases.preview if self.phases.phase in ("predict", "compare") else None
        # the next iteration of a big batch, on a thread until it is in (see SessionController._next_iteration)
        working = f"Working out the next iteration over all {moment.settings.data.n_examples:,} examples…"
        if readable:
            self._text_refreshed_at = now
            # a colour matrix of a big network (2 × 1,024 cells, ~30 ms a repaint) while training
            # follows at MATRIX_HZ: at the readable rate its repaints were the window's longest frames
            if not (state.playing and moment.weights.size > BATCHED_EDGES) or \
                    now - self._matrices_shown_at >= 1 / MATRIX_HZ:
                self._matrices_shown_at = now
                tables.show_matrices(moment.weights, moment.weight_deltas, frozen, moment.iteration)
        if preview is not None:
            row = self.phases.row
            views.network_view.set_state(moment.weights, np.full(moment.weights.shape, np.nan), frozen,
                                         preview.inputs[row], preview.pred[row], preview.targets[row],
                                         pred_of=moment.iteration + 1, weights_after=moment.iteration)
            tables.arithmetic.show_row(preview, row, frozen, self.phases.phase, moment.iteration + 1,
                                       waiting=working if self.phases.pending else None)
        else:
            views.network_view.set_state(moment.weights, moment.weight_deltas, frozen, moment.inputs,
                                         moment.pred, moment.targets, weights_after=moment.iteration,
                                         pred_of=moment.iteration + (moment.row is None))  # 0: the next's
            if readable and moment.row is not None:
                tables.arithmetic.show_row(source, source_row, frozen, iteration=moment.iteration)
            elif readable:  # nothing done yet: what the next Step will compute
                tables.arithmetic.show_row(source, source_row, frozen, iteration=moment.iteration + 1,
                                           upcoming=True, waiting=working if moment.pending else None)
        current = views.tabs.currentWidget()
        if readable and isinstance(current, BowlsView | SurfaceView):  # views.bowls or views.surface
            x, t = moment.example_rows()  # the data set and examples of the iteration shown, not today's
            if isinstance(current, BowlsView):  # the axes span the whole log: they hold still while scrubbing
                current.refresh(moment.weights, x, t, frozen, log.path(log.count))
            else:
                current.refresh(moment.weights, x, t, log.path(max(moment.iteration - log.first_iteration + 1, 0)))
        if readable and isinstance(current, WeightImagesView):  # views.weight_images
            current.refresh(moment)
        plot = views.error_plot
        if plot.due(log) or (not state.playing and plot.shown != log.count):
            plot.refresh(log)  # paced while playing; a Step's point is shown at once
        plot.set_cursor(moment.iteration if log.count else None)
        views.timeline.show_position(moment.iteration, log.first_iteration - 1, log.last_iteration)
        if readable:
            self.status.show_memory(log.nbytes, log.count)
        self.status.show_iteration(moment.iteration, log.last_iteration,
                                   None if moment.pending else float(source.error_total[source_row]))
        example = int(source.example[source_row])
        self.controls.data_model.set_current_example(example if example >= 0 else None)

    # -- the window on the screen --------------------------------------------------------------------
    def _place_on_screen(self) -> None:
        """The saved geometry, or the screen's whole available area (kept on the screen once the
        window is shown and its frame is known: see :meth:`showEvent`)."""
        geometry = self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.setGeometry(self.screen().availableGeometry())

    @answers_qt()
    def showEvent(self, event):  # noqa: N802
        super().showEvent(event)
        if getattr(self, "_placed", False):
            return
        self._placed = True
        self._keep_on_screen()
        sizes = self.settings.value("window/splitter")
        if sizes is None or not self.splitter.restoreState(sizes):
            self._default_splitter_sizes()
        for key, splitter in ((VIEWS_SPLITTER_KEY, self.views), ("window/tables_splitter", self.tables)):
            state = self.settings.value(key)
            if state is not None and splitter.restoreState(state):
                splitter.restored = True

    def _keep_on_screen(self) -> None:
        """The frame (title bar and borders included) inside the screen's available area."""
        screen = self.screen().availableGeometry()
        frame = self.frameGeometry()
        if screen.contains(frame):
            return
        extra_width, extra_height = frame.width() - self.width(), frame.height() - self.height()
        self.resize(min(frame.width(), screen.width()) - extra_width,
                    min(frame.height(), screen.height()) - extra_height)
        frame = self.frameGeometry()
        self.move(max(screen.left(), min(frame.left(), screen.right() + 1 - frame.width())),
                  max(screen.top(), min(frame.top(), screen.bottom() + 1 - frame.height())))

    def _default_splitter_sizes(self) -> None:
        width = self.width()
        right = max(int(width * 0.3), self._tables_width())
        # wide enough for the data table's columns, where the screen has the room for it
        left = max(self.controls.minimumWidth(), min(self.controls.data_width(), int(width * 0.26)), int(width * 0.2))
        self.splitter.setSizes([left, max(width - left - right, 300), right])

    def _tables_width(self) -> int:
        """The right column's width for the weights' numbers: a colour matrix (past 8 × 8) shows
        none, so it asks no more than a book network (the middle keeps its room for the bowls)."""
        state = self.controller.state
        columns = 3
        if state is not None and max(state.data.n_inputs, state.data.n_outputs) <= LARGEST_NUMBER_TABLE:
            columns = state.data.n_inputs
        return self.tables.width_for_numbers(columns)

    def _fit_tables_column(self) -> None:
        """A wider network needs a wider right column to show its numbers whole: widen it if it can."""
        sizes = self.splitter.sizes()
        needed = self._tables_width()
        if len(sizes) == 3 and sizes[2] < needed:
            if self._unwidened is None and self.isVisible():  # (before the first show the sizes are 0)
                self._unwidened = sizes
            taken = min(needed - sizes[2], max(sizes[1] - 300, 0))
            self.splitter.setSizes([sizes[0], sizes[1] - taken, sizes[2] + taken])

    def _pane_splitters(self) -> tuple[QSplitter, QSplitter, QSplitter]:
        return self.splitter, self.views, self.tables

    def _restore_panes(self, names: tuple) -> None:
        """Panes that hold: a network shown before gets its panes back as they were left (a 32 × 32
        network widens the right column and halves the tables; back on ``single`` neither stays),
        a new one starts from the columns before any widening and widens what it must."""
        saved = self._panes.get(names)
        self.tables.update_legend()  # the colour matrix's caption goes now: the tables' pane may shrink
        if saved is not None:
            for splitter, sizes in zip(self._pane_splitters(), saved, strict=True):
                splitter.setSizes(sizes)
            return
        if self._unwidened is not None:
            self.splitter.setSizes(self._unwidened)
        self._fit_tables_column()

    def _on_panes_moved(self) -> None:
        """The learner dragged a pane's edge: the columns as they are now are theirs, not a widening."""
        self._unwidened = None

    def _load_compiled_loops(self) -> None:
        from gdviz.core import compiled

        if compiled.load_in_background() is not None:
            self._compiled_check.start()

    def _check_compiled(self) -> None:
        from gdviz.core import compiled

        if compiled.ready():
            self._compiled_check.stop()
            problem = compiled.problem()
            if problem:
                self.status.show_message(problem, 20000)

    @answers_qt()
    def closeEvent(self, event):  # noqa: N802
        try:
            stay = not self.files.may_close()  # unsaved work asked about; a file being written finished first
        except Exception:  # noqa: BLE001 - an exception escaping a Qt override can kill the process
            traceback.print_exc()
            stay = False
        if stay:
            event.ignore()
            return
        self.files.close()  # a session being read (or, after Ctrl+C, a file being written) is cancelled
        self.frame_timer.stop()
        self._redraw.stop()
        self._catch_up.stop()
        self._warm_up.stop()
        self._compiled_check.stop()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue(VIEWS_SPLITTER_KEY, self.views.saveState())
        self.settings.setValue("window/tables_splitter", self.tables.saveState())
        app = QApplication.instance()
        assert app is not None
        app.removeEventFilter(self.key_router)
        self.accuracy.shutdown()
        self.controller.shutdown()
        self.collector.stop()
        super().closeEvent(event)


SETTLE = 0.15
"""Seconds a big network's moves must pause before its tables and arithmetic follow (scrubbing)."""

MATRIX_HZ = 3
"""How often a big network's colour matrices follow training (they always show a Step or a move at once)."""

VIEWS_SPLITTER_KEY = "window/views_splitter_2"
"""Where the diagram / views split is remembered. gdviz 0.2's key held a split of other panes (the
timeline was inside the curves tab then): restored onto today's, it squeezed the curves to a few
pixels, so it is left unread."""

CURVE_ROWS = 1 << 16
"""Rows the curves make room for at first; they double as the log grows (the log itself never copies)."""

GIL_SWITCH_SECONDS = 0.0005  # how long a thread that wants Python's lock waits before it is handed over
WARM_UP_MS = 1500  # when the compiled loops start loading, on their own thread (after start-up, not during it)
