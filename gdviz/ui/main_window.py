"""The main window: controls on the left, the network and error curves in the middle, the
weight tables on the right. The trainer thread owns the training; the window keeps copies.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gdviz.core.csv_log import write_csv
from gdviz.core.dataset import MAX_UNITS
from gdviz.core.files import describe_error
from gdviz.core.log import IterationLog
from gdviz.core.presets import DEFAULT_PRESET, PRESETS, fresh_training, preset_training
from gdviz.core.session import Session, SessionError, load_session, save_session
from gdviz.core.stability import bound_formula, bound_text, stable_alpha
from gdviz.core.training import MODE_HELP, MODES, Training, example_for
from gdviz.ui.error_plot import ErrorPlot
from gdviz.ui.export import ExportJob
from gdviz.ui.network_view import NetworkView
from gdviz.ui.parsing import parse_number
from gdviz.ui.resources import resource_path
from gdviz.ui.table_models import DataTableModel, WeightTableModel
from gdviz.ui.teaching import ArithmeticView, BowlsView, SurfaceView
from gdviz.ui.trainer import Report, Trainer

# numpy asks the kernel for 2 MB "huge" pages for large arrays. The first write to each one can
# stall for 15-35 ms while the kernel finds and zeroes it, and the window's log is written as it
# grows, a little every frame: with normal pages the same writes never stall (measured in
# benchmarks/run.py). The setting is process-wide and only concerns arrays made from now on.
_set_huge_pages = getattr(getattr(np, "_core", None), "multiarray", None)
if hasattr(_set_huge_pages, "_set_madvise_hugepage"):
    _set_huge_pages._set_madvise_hugepage(False)

SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, None]  # iterations a second; None = max
DEFAULT_SPEED = 10
FRAME_MS = 16  # the window repaints at most this often (≈ 60 Hz)
READABLE_HZ = 12  # tables and arithmetic while playing: as often as anyone can read them
WARM_UP_MS = 1500  # when the compiled loops start loading, on their own thread (a first full-speed run waits for them)
BACKGROUND_EXPORT_ROWS = 50_000  # larger logs are written on a thread, with a progress dialog
LOG_LIMIT_BYTES = 1_000_000_000  # the window's log stops growing here (3.5 million 3×3 iterations)
ERROR_STYLE = "color: #dc2626;"


def speed_text(speed) -> str:
    return "max" if speed is None else f"{speed:,}/s"


class MainWindow(QMainWindow):
    """``MainWindow()`` opens on the default preset (or the last one used)."""

    def __init__(self, preset: str | None = None, parent=None):
        super().__init__(parent)
        self.settings = QSettings()
        self.setWindowIcon(QIcon(str(resource_path("gdviz.svg"))))
        self.trainer: Trainer | None = None
        self.export_job: ExportJob | None = None
        self.log = IterationLog(1, 1)
        self.playing = False
        self.run_total = 0
        self.run_remaining = 0
        self._dirty = False
        self._rate_mark = (time.perf_counter(), 0)
        self._text_refreshed_at = 0.0
        self.rate = 0.0
        self._build_controls()
        self._build_centre()
        self._build_actions()
        self._build_status_bar()
        self.frame_timer = QTimer(self)
        self.frame_timer.setInterval(FRAME_MS)
        self.frame_timer.timeout.connect(self._on_frame)
        self.frame_timer.start()
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1360, 820)
        name = preset or str(self.settings.value("window/preset", DEFAULT_PRESET))
        self.load_preset(name if name in PRESETS else DEFAULT_PRESET)

    # ------------------------------------------------------------------------------------------
    # building the window
    def _build_controls(self) -> None:
        panel = QWidget()
        column = QVBoxLayout(panel)

        network = QGroupBox("Network")
        form = QFormLayout(network)
        self.preset_box = QComboBox()
        for name, preset in PRESETS.items():
            self.preset_box.addItem(f"{name}  ({preset.shape})", name)
        self.preset_box.addItem("custom", None)
        self.preset_box.setToolTip("The chapter's networks on the book's data")
        self.preset_box.activated.connect(self._on_preset_chosen)
        self.inputs_spin, self.outputs_spin = QSpinBox(), QSpinBox()
        for spin, what in ((self.inputs_spin, "inputs"), (self.outputs_spin, "outputs")):
            spin.setRange(1, MAX_UNITS)
            spin.setToolTip(f"Number of {what}: changing it builds a fresh network (1 to {MAX_UNITS})")
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(self._on_shape_changed)
        form.addRow("Preset", self.preset_box)
        form.addRow("Inputs", self.inputs_spin)
        form.addRow("Outputs", self.outputs_spin)
        column.addWidget(network)

        data = QGroupBox("Data")
        data_layout = QVBoxLayout(data)
        self.data_view = QTableView()
        self.data_view.setToolTip("The examples: inputs, then targets (→). Double-click a cell to edit it.")
        self.data_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.data_view.setMinimumHeight(150)
        data_layout.addWidget(self.data_view)
        data_form = QFormLayout()
        self.example_spin = QSpinBox()
        self.example_spin.setToolTip("The example (game) to train on in 'example' mode")
        self.example_spin.valueChanged.connect(self._on_example_changed)
        self.mode_box = QComboBox()
        for mode in MODES:
            self.mode_box.addItem(mode, mode)
            self.mode_box.setItemData(self.mode_box.count() - 1, MODE_HELP[mode], Qt.ToolTipRole)
        self.mode_box.setToolTip("\n".join(f"{m}: {h}" for m, h in MODE_HELP.items()))
        self.mode_box.currentIndexChanged.connect(self._on_mode_changed)
        data_form.addRow("Train on game", self.example_spin)
        data_form.addRow("Mode", self.mode_box)
        data_layout.addLayout(data_form)
        column.addWidget(data)

        learning = QGroupBox("Learning")
        learning_form = QFormLayout(learning)
        self.alpha_edit = QLineEdit()
        self.alpha_edit.setToolTip("The learning rate: a number greater than 0, e.g. 0.01 or 1e-3. Press Enter.")
        self.alpha_edit.editingFinished.connect(self._on_alpha_entered)
        self.alpha_hint = QLabel()
        self.alpha_hint.setWordWrap(True)
        self.speed_slider = QSlider(Qt.Horizontal)
        self.speed_slider.setRange(0, len(SPEEDS) - 1)
        self.speed_slider.setValue(SPEEDS.index(DEFAULT_SPEED))
        self.speed_slider.setToolTip("Animation speed, iterations a second, from 1 to max")
        self.speed_label = QLabel(speed_text(DEFAULT_SPEED))
        self.speed_label.setMinimumWidth(60)
        self.speed_slider.valueChanged.connect(self._on_speed_changed)
        speed_row = QHBoxLayout()
        speed_row.addWidget(self.speed_slider)
        speed_row.addWidget(self.speed_label)
        learning_form.addRow("Alpha", self.alpha_edit)
        learning_form.addRow(self.alpha_hint)
        learning_form.addRow("Speed", speed_row)
        self.as_printed_box = QCheckBox("Update as printed in the book (transposed)")
        self.as_printed_box.toggled.connect(self._on_as_printed)
        learning_form.addRow(self.as_printed_box)
        column.addWidget(learning)

        train = QGroupBox("Train")
        train_layout = QVBoxLayout(train)
        buttons = QHBoxLayout()
        self.step_button = QPushButton("Step")
        self.play_button = QPushButton("Play")
        self.reset_button = QPushButton("Reset")
        buttons.addWidget(self.step_button)
        buttons.addWidget(self.play_button)
        buttons.addWidget(self.reset_button)
        train_layout.addLayout(buttons)
        run_row = QHBoxLayout()
        self.run_spin = QSpinBox()
        self.run_spin.setRange(1, 10_000_000)
        self.run_spin.setValue(1000)
        self.run_spin.setGroupSeparatorShown(True)
        self.run_spin.setToolTip("How many iterations Run does, as fast as possible")
        self.run_button = QPushButton("Run")
        run_row.addWidget(self.run_spin, 1)
        run_row.addWidget(self.run_button)
        train_layout.addLayout(run_row)
        self.phase_box = QCheckBox("Step by phase: predict → compare → learn")
        self.phase_box.setToolTip("Each Step shows one phase of the iteration; the weights change at 'learn'")
        self.phase_box.toggled.connect(lambda _on: self._end_phases())
        train_layout.addWidget(self.phase_box)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        train_layout.addWidget(self.progress)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(ERROR_STYLE)
        self.notice.setVisible(False)
        train_layout.addWidget(self.notice)
        column.addWidget(train)
        column.addStretch(1)

        self.controls = QScrollArea()
        self.controls.setWidget(panel)
        self.controls.setWidgetResizable(True)
        self.controls.setMinimumWidth(380)

    def _build_centre(self) -> None:
        self.centre = QSplitter(Qt.Vertical)
        self.tabs = QTabWidget()
        self.weight_view = QTableView()
        self.delta_view = QTableView()
        for view in (self.weight_view, self.delta_view):
            view.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
            view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.weight_view.setToolTip("Weights: rows are outputs, columns inputs. Double-click to edit while "
                                    "paused; tick a box to freeze that weight.")
        self.delta_view.setToolTip("The last iteration's weight_deltas (delta × input)")
        self.tabs.addTab(self.weight_view, "Weights")
        self.tabs.addTab(self.delta_view, "Weight deltas")
        self.right = QSplitter(Qt.Vertical)
        self.right.addWidget(self.tabs)
        self.right.setMinimumWidth(400)
        self.views = QTabWidget()  # below the diagram: curves, bowls, surface
        self.views.currentChanged.connect(lambda _i: self._mark_dirty())
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self.controls)
        splitter.addWidget(self.centre)
        splitter.addWidget(self.right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 560, 420])
        self.setCentralWidget(splitter)
        self.network_view: NetworkView | None = None
        self.error_plot: ErrorPlot | None = None
        self.arithmetic: ArithmeticView | None = None
        self.bowls: BowlsView | None = None
        self.surface: SurfaceView | None = None
        self.selected_edge: tuple[int, int] | None = None
        self.phase: str | None = None  # stepping by phase: None, "predict" or "compare"

    def _action(self, text: str, slot, shortcuts=(), tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setToolTip(tip or text)
        action.setStatusTip(tip or text)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.export_action = self._action("&Export iteration log…", self.export_log, ["Ctrl+E"],
                                          "Save every iteration's numbers as a CSV file")
        self.quit_action = self._action("&Quit", self.close, ["Ctrl+Q"])
        self.open_action = self._action("&Open session…", self.open_session, ["Ctrl+O"],
                                        "Open a saved session (network, data, weights, settings, log)")
        self.save_action = self._action("&Save session…", self.save_session, ["Ctrl+S"],
                                        "Save this session as JSON: network, data, weights, settings and log")
        self.step_action = self._action("&Step", self.step, ["Right", "S"], "One iteration (Right arrow or S)")
        self.play_action = self._action("&Play", self.toggle_play, ["Space"], "Play or pause (Space)")
        self.run_action = self._action("&Run N iterations", self.run_n, ["Ctrl+R"],
                                       "Run the chosen number of iterations as fast as possible (Ctrl+R)")
        self.reset_action = self._action("R&eset", self.reset, ["R"],
                                         "Back to the preset's initial weights; the log is cleared (R)")
        self.pin_action = self._action("&Pin run", self.pin_run, ["P"],
                                       "Keep this run's total error curve as a ghost to compare with (P)")
        self.log_scale_action = self._action("&Log-scale error axis", self._toggle_log_scale, ["L"])
        self.log_scale_action.setCheckable(True)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.open_action)
        file_menu.addAction(self.save_action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        train_menu = self.menuBar().addMenu("&Training")
        for action in (self.step_action, self.play_action, self.run_action, self.reset_action):
            train_menu.addAction(action)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self.log_scale_action)
        view_menu.addAction(self.pin_action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self._action("&About gdviz", self._about))
        self.step_button.clicked.connect(self.step)
        self.play_button.clicked.connect(self.toggle_play)
        self.reset_button.clicked.connect(self.reset)
        self.run_button.clicked.connect(self.run_n)
        self.step_button.setToolTip(self.step_action.toolTip())
        self.play_button.setToolTip(self.play_action.toolTip())
        self.reset_button.setToolTip(self.reset_action.toolTip())
        self.run_button.setToolTip(self.run_action.toolTip())

    def _build_status_bar(self) -> None:
        self.iteration_label = QLabel()
        self.error_label = QLabel()
        self.rate_label = QLabel()
        # Each label is as wide as its widest text from the start: a label that may change size
        # makes the status bar lay itself out and repaint again on every new text.
        widest = {self.iteration_label: "Iteration 88,888,888", self.error_label: "Total error -8.88888e-888",
                  self.rate_label: "888,888 it/s"}
        for label, text in widest.items():
            label.setFixedSize(label.fontMetrics().horizontalAdvance(text) + 12, label.sizeHint().height())
            self.statusBar().addPermanentWidget(label)

    # ------------------------------------------------------------------------------------------
    # loading a network
    def _new_log(self) -> IterationLog:
        """An empty log with room for max_iterations records.

        Allocated whole at once: the system only hands out pages as they are written, so memory
        follows the records actually kept, and the log never pauses to copy itself. A log's
        records are never written over (an export may be reading them): Reset starts a new log.
        """
        return IterationLog(self.data.n_inputs, self.data.n_outputs, capacity=self.max_iterations,
                            max_capacity=self.max_iterations)

    def load_preset(self, name: str) -> None:
        self._load(preset_training(name), name)

    def load_fresh(self, n_inputs: int, n_outputs: int) -> None:
        self._load(fresh_training(n_inputs, n_outputs), None)

    def _load(self, training: Training, preset: str | None) -> None:
        """Start a new trainer on ``training``; the window keeps copies of what it shows."""
        self._stop_trainer()
        self.preset = preset
        self.data = training.data
        earlier = training.log.take()  # a session's saved log: the window keeps it, numbering goes on
        self.weights = training.weights.copy()
        self._initial_weights = training.initial_weights.copy()
        self.frozen = training.frozen.copy()
        self.alpha = training.alpha
        self.mode = training.mode
        self.example = training.example
        self.max_iterations = LOG_LIMIT_BYTES // IterationLog.bytes_per_record(
            self.data.n_inputs, self.data.n_outputs)
        self.log = self._new_log()
        self.log.extend(earlier)
        self.playing, self.run_total, self.run_remaining = False, 0, 0
        self._show_notice(None)
        self._rebuild_views()
        if training.as_printed:
            self.as_printed_box.blockSignals(True)
            self.as_printed_box.setChecked(True)
            self.as_printed_box.blockSignals(False)
        self.trainer = Trainer(training, self.max_iterations)
        self.reports_received = 0
        self.trainer.report.connect(self._on_report)
        self.trainer.set_speed(SPEEDS[self.speed_slider.value()])
        self.trainer.start()
        QTimer.singleShot(WARM_UP_MS, self.trainer.warm_up)  # after start-up, not during it
        title = preset if preset else f"custom {self.data.n_inputs} in × {self.data.n_outputs} out"
        description = PRESETS[preset].description if preset else "a fresh network"
        self.setWindowTitle(f"gdviz — {title} ({description})")
        if preset:
            self.settings.setValue("window/preset", preset)
        self._dirty = True
        self._update_buttons()

    def _rebuild_views(self) -> None:
        data = self.data
        for widget, value in ((self.preset_box, self.preset_box.findData(self.preset)),
                              (self.inputs_spin, data.n_inputs), (self.outputs_spin, data.n_outputs),
                              (self.mode_box, MODES.index(self.mode))):
            widget.blockSignals(True)
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(value if value >= 0 else widget.count() - 1)
            else:
                widget.setValue(value)
            widget.blockSignals(False)
        self.example_spin.blockSignals(True)
        self.example_spin.setRange(0, data.n_examples - 1)
        self.example_spin.setValue(self.example)
        self.example_spin.blockSignals(False)
        self.alpha_edit.setText(f"{self.alpha:g}")
        self._set_alpha_message(None)

        self.data_model = DataTableModel(data, self)
        self.data_model.set_current_example(self.example)
        self.data_model.data_edited.connect(self._on_data_edited)
        self.data_model.edit_refused.connect(self._show_refusal)
        self.data_view.setModel(self.data_model)
        self.weight_model = WeightTableModel(data.input_names, data.output_names, "weight", self)
        self.weight_model.edit_requested.connect(self._on_weight_edited)
        self.weight_model.edit_refused.connect(self._show_refusal)
        self.weight_model.checkable = True
        self.weight_model.freeze_requested.connect(self._on_freeze_requested)
        self.delta_model = WeightTableModel(data.input_names, data.output_names, "weight_delta", self)
        self.weight_view.setModel(self.weight_model)
        self.delta_view.setModel(self.delta_model)

        for old in (self.network_view, self.arithmetic):
            if old is not None:
                old.setParent(None)
                old.deleteLater()
        current_view = max(self.views.currentIndex(), 0)
        while self.views.count():
            old = self.views.widget(0)
            self.views.removeTab(0)
            old.deleteLater()
        self.network_view = NetworkView(data.input_names, data.output_names)
        self.network_view.freeze_requested.connect(self._on_freeze_requested)
        self.network_view.edge_selected.connect(self._select_edge)
        self.error_plot = ErrorPlot(data.output_names, capacity=self.max_iterations)
        self.error_plot.log_scale.setChecked(self.log_scale_action.isChecked())
        self.error_plot.log_scale.toggled.connect(self.log_scale_action.setChecked)
        self.error_plot.pin_button.clicked.connect(self.pin_run)
        self.bowls = BowlsView(data.input_names, data.output_names)
        self.surface = SurfaceView(data.input_names, data.output_names)
        self.surface.weights_chosen.connect(self._mark_dirty)
        self.views.addTab(self.error_plot, "Error curves")
        self.views.addTab(self.bowls, "Error bowls")
        self.views.addTab(self.surface, "Error surface")
        self.views.setTabToolTip(1, "The error as each weight alone moves: the dot slides to the bottom as it learns")
        self.views.setTabToolTip(2, "The error over two weights, with the path training took")
        self.views.setCurrentIndex(current_view)
        self.arithmetic = ArithmeticView(data.input_names, data.output_names)
        self.arithmetic.output_box.currentIndexChanged.connect(self._on_arithmetic_output)
        self.right.addWidget(self.arithmetic)
        self.right.setSizes([260, 520])
        self.centre.addWidget(self.network_view)
        self.centre.addWidget(self.views)
        self.centre.setSizes([400, 380])
        self.weight_view.selectionModel().currentChanged.connect(
            lambda index, _old: self._select_edge((index.row(), index.column())) if index.isValid() else None)
        self.selected_edge, self.phase = None, None
        square = data.n_inputs == data.n_outputs
        self.as_printed_box.blockSignals(True)
        self.as_printed_box.setChecked(False)
        self.as_printed_box.blockSignals(False)
        self.as_printed_box.setEnabled(square)
        self.as_printed_box.setToolTip(
            "Subtract outer(input, delta), as the book's listing prints it: the transpose of the "
            "right update (an erratum). Watch the error grow in cycle mode." if square else
            "Only a square network (as many inputs as outputs) can even run the printed update.")

    def _stop_trainer(self) -> None:
        if self.trainer is not None:
            self.trainer.report.disconnect(self._on_report)
            self.trainer.stop()
            self.trainer = None

    # ------------------------------------------------------------------------------------------
    # user actions
    @Slot()
    def step(self) -> None:
        if not self.step_button.isEnabled():
            return
        if not self.phase_box.isChecked():
            self.trainer.step()
            return
        self.phase = {None: "predict", "predict": "compare", "compare": None}[self.phase]
        if self.phase is None:  # learn: the real iteration
            self.network_view.set_phase("learn")
            self.trainer.step()
        else:
            self.network_view.set_phase(self.phase)
            self._show_preview()

    def _preview_training(self) -> Training:
        """A throwaway copy of the trainer's state, one iteration ahead, for the phase view."""
        preview = Training(self.data, self.weights, self.alpha, mode=self.mode, example=self.example,
                           frozen=self.frozen, growth_limit=None)
        preview.set_as_printed(self.as_printed_box.isChecked())
        preview.log.first_iteration = self.log.last_iteration + 1
        preview.step()
        return preview

    def _show_preview(self) -> None:
        preview = self._preview_training()
        log = preview.log
        self.network_view.set_state(self.weights, np.full(self.weights.shape, np.nan), self.frozen,
                                    log.inputs[0], log.pred[0], log.targets[0])
        self.arithmetic.show_row(log, 0, self.frozen, self.phase)
        self.statusBar().showMessage(
            {"predict": "Predict: each output is the weighted sum of the inputs (Step to compare)",
             "compare": "Compare: delta = pred − target, error = delta² (Step to learn)"}[self.phase])

    def _end_phases(self) -> None:
        self.phase = None
        if self.network_view is not None:
            self.network_view.set_phase(None)
        self._mark_dirty()

    @Slot()
    def toggle_play(self) -> None:
        if self.playing:
            self.playing, self.run_remaining = False, 0
            self.trainer.pause()
        elif self.play_button.isEnabled():
            self.playing = True
            self._end_phases()
            self._show_notice(None)
            self._rate_mark = (time.perf_counter(), self.log.last_iteration)
            self.trainer.play()
        self._update_buttons()

    @Slot()
    def run_n(self) -> None:
        if not self.run_button.isEnabled():
            return
        self.run_total = self.run_remaining = self.run_spin.value()
        self.playing = True
        self._end_phases()
        self._show_notice(None)
        self._rate_mark = (time.perf_counter(), self.log.last_iteration)
        self.trainer.run_iterations(self.run_total)
        self._update_buttons()

    @Slot()
    def reset(self) -> None:
        self.playing, self.run_remaining = False, 0
        self._end_phases()
        self._show_notice(None)
        self.trainer.reset()
        self._update_buttons()

    @Slot()
    def export_log(self) -> bool:
        """Ask for a file and write the iteration log there as CSV; True when written."""
        if self.log.count == 0:
            QMessageBox.information(self, "Export iteration log", "There is nothing to export yet: train first.")
            return False
        folder = str(self.settings.value("export/folder", str(Path.home())))
        name = f"{self.preset or 'custom'}-{self.log.last_iteration}-iterations.csv"
        path, _ = QFileDialog.getSaveFileName(self, "Export iteration log", str(Path(folder) / name),
                                              "CSV files (*.csv);;All files (*)")
        if not path:
            return False
        self.settings.setValue("export/folder", str(Path(path).parent))
        snapshot = self.log.shared()  # no copy: training may go on, it only appends (Reset: a new log)
        if snapshot.count > BACKGROUND_EXPORT_ROWS:
            self._export_in_background(path, snapshot)
            return True
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            write_csv(path, snapshot, self.data.input_names, self.data.output_names)
        except OSError as exc:
            QApplication.restoreOverrideCursor()
            QMessageBox.critical(self, "Export failed", f"{describe_error(exc, path)}\nNothing was written.")
            return False
        QApplication.restoreOverrideCursor()
        self.statusBar().showMessage(f"Exported {snapshot.count:,} iterations to {path}", 8000)
        return True

    def _export_in_background(self, path: str, snapshot: IterationLog) -> None:
        """A large log is written on a thread, with a progress dialog that can cancel it."""
        job = ExportJob(path, snapshot, self.data.input_names, self.data.output_names, self)
        dialog = QProgressDialog(f"Writing {snapshot.count:,} iterations to {Path(path).name}…",
                                 "Cancel", 0, snapshot.count, self)
        dialog.setWindowTitle("Export iteration log")
        dialog.setMinimumDuration(300)
        dialog.canceled.connect(job.cancel)
        job.progressed.connect(dialog.setValue)
        job.done.connect(self._on_export_done)
        job.done.connect(dialog.reset)
        self.export_job = job
        self.export_action.setEnabled(False)
        job.start()

    @Slot(bool, str)
    def _on_export_done(self, ok: bool, message: str) -> None:
        self.export_job = None
        self._update_buttons()
        if ok or "cancelled" in message:
            self.statusBar().showMessage(message, 8000)
        else:
            QMessageBox.critical(self, "Export failed", message)

    def _toggle_log_scale(self, on: bool) -> None:
        if self.error_plot is not None:
            self.error_plot.log_scale.setChecked(on)

    def _about(self) -> None:
        QMessageBox.about(self, "About gdviz", (
            "<b>gdviz</b> — watch gradient descent generalise.<br><br>"
            "pred = weights · input, delta = pred − target, error = delta²,<br>"
            "weight_delta = delta × input, weight −= alpha × weight_delta.<br><br>"
            "After the chapter “Generalizing gradient descent” of <i>Grokking Deep Learning</i>."))

    # -- controls -----------------------------------------------------------------------------
    @Slot(int)
    def _on_preset_chosen(self, index: int) -> None:
        name = self.preset_box.itemData(index)
        if name is not None:
            self.load_preset(name)
        else:
            self.load_fresh(self.inputs_spin.value(), self.outputs_spin.value())

    @Slot(int)
    def _on_shape_changed(self, _value: int) -> None:
        self.load_fresh(self.inputs_spin.value(), self.outputs_spin.value())

    @Slot(int)
    def _on_example_changed(self, example: int) -> None:
        self.example = example
        self.data_model.set_current_example(example)
        self.trainer.set_example(example)
        self._dirty = True
        self._update_alpha_hint()

    @Slot(int)
    def _on_mode_changed(self, index: int) -> None:
        self.mode = MODES[index]
        self.trainer.set_mode(self.mode)
        self._update_alpha_hint()

    @Slot()
    def _on_alpha_entered(self) -> None:
        try:
            alpha = parse_number(self.alpha_edit.text(), "alpha", positive=True)
        except ValueError as exc:
            self._set_alpha_message(f"{exc}; alpha stays {self.alpha:g}.")
            return
        self._set_alpha_message(None)
        if alpha != self.alpha:
            self.alpha = alpha
            self.trainer.set_alpha(alpha)
        self._update_alpha_hint()

    def _set_alpha_message(self, message: str | None) -> None:
        self.alpha_error = message
        if message:
            self.alpha_edit.setStyleSheet("QLineEdit { border: 2px solid #dc2626; }")
            self.alpha_hint.setStyleSheet(ERROR_STYLE)
            self.alpha_hint.setText(message)
            self.statusBar().showMessage(message, 8000)
        else:
            self._update_alpha_hint()

    def _update_alpha_hint(self) -> None:
        if getattr(self, "alpha_error", None):
            return
        bound = stable_alpha(self.data, self.mode, self.example, self.frozen)
        if not math.isfinite(bound):
            self.alpha_hint.setText("Any alpha is stable here (no weight can move).")
            self.alpha_hint.setStyleSheet("")
            self.alpha_edit.setStyleSheet("")
            return
        text = f"Stable below {bound_text(bound, self.alpha)} = {bound_formula(self.mode)}"
        if self.alpha > bound:
            self.alpha_hint.setText(f"{text}: alpha {self.alpha:g} will overshoot and diverge.")
            self.alpha_hint.setStyleSheet("color: #c2410c;")
            self.alpha_edit.setStyleSheet("QLineEdit { border: 2px solid #ea580c; }")
        else:
            self.alpha_hint.setText(f"{text}.")
            self.alpha_hint.setStyleSheet("")
            self.alpha_edit.setStyleSheet("")

    @Slot(int)
    def _on_speed_changed(self, position: int) -> None:
        speed = SPEEDS[position]
        self.speed_label.setText(speed_text(speed))
        self.trainer.set_speed(speed)

    @Slot(object)
    def _on_data_edited(self, data) -> None:
        self.data = data
        self.trainer.set_data(data)
        self._dirty = True
        self._update_alpha_hint()

    @Slot(int, int, float)
    def _on_weight_edited(self, output: int, input_: int, value: float) -> None:
        self.trainer.set_weight(output, input_, value)

    @Slot(int, int, bool)
    def _on_freeze_requested(self, output: int, input_: int, frozen: bool) -> None:
        self.trainer.set_frozen(output, input_, frozen)

    @Slot(bool)
    def _on_as_printed(self, on: bool) -> None:
        self.trainer.set_as_printed(on)

    def _mark_dirty(self) -> None:
        self._dirty = True

    def _select_edge(self, edge) -> None:
        """An edge chosen in the diagram or the weight table: highlight it everywhere."""
        self.selected_edge = edge
        self.network_view.select(edge)
        self.arithmetic.select_edge(edge)
        if edge is not None:
            self.bowls.set_output(edge[0])
        self._dirty = True

    @Slot(int)
    def _on_arithmetic_output(self, _index: int) -> None:
        output = self.arithmetic.output_box.currentData()
        if output is not None and output >= 0:
            self.bowls.set_output(output)
            self._dirty = True

    @Slot()
    def pin_run(self) -> None:
        """Keep the current total error curve as a faded ghost, labelled with its settings."""
        if self.log.count == 0:
            self.statusBar().showMessage("Nothing to pin yet: train first.", 5000)
            return
        frozen = [self.data.edge_name(o, i) for o, i in zip(*np.nonzero(self.frozen))]
        label = f"alpha {self.alpha:g}, {self.mode}"
        if frozen:
            label += ", frozen " + " ".join(frozen)
        if self.as_printed_box.isChecked():
            label += ", as printed"
        self.error_plot.pin(label, self.log)

    def _session(self) -> Session:
        training = Training(self.data, self._initial_weights, self.alpha, mode=self.mode,
                            example=self.example, frozen=self.frozen)
        training.set_weights(self.weights)
        training.set_as_printed(self.as_printed_box.isChecked())
        training.log = self.log.shared()  # read only, to write the file: no need to copy
        return Session(self.preset, training)

    @Slot()
    def save_session(self) -> bool:
        folder = str(self.settings.value("session/folder", str(Path.home())))
        suggested = str(Path(folder) / f"{self.preset or 'custom'}.json")
        path, _ = QFileDialog.getSaveFileName(self, "Save session", suggested,
                                              "gdviz sessions (*.json);;All files (*)")
        if not path:
            return False
        try:
            save_session(path, self._session())
        except OSError as exc:
            QMessageBox.critical(self, "Save failed", f"{describe_error(exc, path)}\nNothing was written.")
            return False
        self.settings.setValue("session/folder", str(Path(path).parent))
        self.statusBar().showMessage(f"Saved the session to {path}", 8000)
        return True

    @Slot()
    def open_session(self, path: str | None = None) -> bool:
        if not path:
            folder = str(self.settings.value("session/folder", str(Path.home())))
            path, _ = QFileDialog.getOpenFileName(self, "Open session", folder,
                                                  "gdviz sessions (*.json);;All files (*)")
            if not path:
                return False
        try:
            session = load_session(path)
        except (OSError, SessionError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            QMessageBox.warning(self, "Cannot open session",
                                f"{path} cannot be opened: {reason}.\nThe current session is unchanged.")
            return False
        self._load(session.training, session.preset)
        self.settings.setValue("session/folder", str(Path(path).parent))
        self.statusBar().showMessage(f"Opened {path}", 8000)
        return True

    @Slot(str)
    def _show_refusal(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)
        QMessageBox.warning(self, "Not a valid number", f"{message}\nThe value was not changed.")

    def _show_notice(self, message: str | None) -> None:
        self.notice.setText(message or "")
        self.notice.setVisible(bool(message))

    # ------------------------------------------------------------------------------------------
    # reports from the trainer, and the display
    @Slot(object)
    def _on_report(self, report: Report) -> None:
        if report.trainer is not self.trainer:
            return  # sent before that trainer was replaced or stopped
        self.reports_received += 1
        if report.reset:
            self.log = self._new_log()  # not clear(): an export may still be reading the old records
        if report.records is not None:
            self.log.extend(report.records)
            self.trainer.grant()  # taken: the trainer may compute the next batch meanwhile
        self.weights, self.frozen = report.weights, report.frozen
        if report.commands_applied >= self.trainer.commands_sent:  # nothing newer is on its way
            self.playing = report.playing
            self.run_remaining = report.run_remaining
        if report.divergence is not None:
            self.playing = False
            self._show_notice(report.divergence.message())
            self.statusBar().showMessage(report.divergence.message(), 15000)
        if report.error:
            self._show_refusal(report.error)
        if report.limit_reached:
            self.playing = False
            self._show_notice(
                f"The log is full: it holds {report.iteration:,} iterations "
                f"({LOG_LIMIT_BYTES / 1e9:g} GB), all of them kept. Export it (Ctrl+E) or Reset (R) to go on.")
        self._dirty = True
        self._update_buttons()
        if not self.playing:  # a Step or an edit: one report, shown now rather than at the next frame
            self._on_frame()

    @Slot()
    def _on_frame(self) -> None:
        if self._dirty:
            self._dirty = False
            self.refresh_views()
        elif self.error_plot.due(self.log):  # curves still catching up after the last report
            self.error_plot.refresh(self.log)

    def refresh_views(self) -> None:
        """Show the latest copies: tables, diagram, curves and status bar.

        While playing faster than the eye can read, the tables, the arithmetic text and the bowls
        or surface redraw at most READABLE_HZ times a second (the diagram and curves keep the
        frame rate): a bowls redraw alone costs a frame's time.
        """
        log = self.log
        now = time.perf_counter()
        readable = not self.playing or now - self._text_refreshed_at >= 1 / READABLE_HZ
        if readable:
            self._text_refreshed_at = now
            self.weight_model.set_matrix(self.weights, self.frozen)
        if log.count:
            last = log.count - 1
            deltas = log.weight_deltas[last]
            inputs, pred, targets = log.inputs[last], log.pred[last], log.targets[last]
        else:
            deltas = np.full(self.weights.shape, np.nan)
            inputs = self.data.inputs[self.example]
            pred, targets = self.weights @ inputs, self.data.targets[self.example]
        if readable:
            self.delta_model.set_matrix(np.nan_to_num(deltas, nan=0.0), self.frozen)
        if self.phase is None:
            self.network_view.set_state(self.weights, deltas, self.frozen, inputs, pred, targets)
            if readable:
                self.arithmetic.show_row(log, log.count - 1 if log.count else None, self.frozen)
        current = self.views.currentWidget()
        if readable and (current is self.bowls or current is self.surface):
            if self.mode == "batch":
                x, t = self.data.inputs, self.data.targets
            else:
                k = int(example_for(log.last_iteration + 1, self.mode, self.example, self.data.n_examples))
                x, t = self.data.inputs[k : k + 1], self.data.targets[k : k + 1]
            if current is self.bowls:
                self.bowls.refresh(self.weights, x, t, self.frozen)
            else:
                self.surface.refresh(self.weights, x, t, log)
        if self.error_plot.due(log) or (not self.playing and self.error_plot.shown != log.count):
            self.error_plot.refresh(log)  # paced while playing; a Step's point is shown at once
        self.iteration_label.setText(f"Iteration {log.last_iteration:,}")
        self.error_label.setText(
            f"Total error {log.error_total[-1]:.6g}" if log.count else "Total error –")
        now, mark = time.perf_counter(), self._rate_mark
        if now - mark[0] >= 1.0:
            self.rate = (log.last_iteration - mark[1]) / (now - mark[0]) if self.playing else 0.0
            self._rate_mark = (now, log.last_iteration)
        self.rate_label.setText(f"{self.rate:,.0f} it/s" if self.playing else "paused")
        if self.run_total and self.run_remaining:
            self.progress.setRange(0, self.run_total)
            self.progress.setValue(self.run_total - self.run_remaining)

    def _update_buttons(self) -> None:
        self.play_button.setText("Pause" if self.playing else "Play")
        self.play_action.setText("&Pause" if self.playing else "&Play")
        self.step_button.setEnabled(not self.playing)
        self.step_action.setEnabled(not self.playing)
        self.run_button.setEnabled(not self.playing)
        self.run_action.setEnabled(not self.playing)
        self.play_button.setEnabled(True)
        self.reset_button.setEnabled(self.log.count > 0 or self.playing or
                                     not np.array_equal(self.weights, self._initial_weights))
        self.reset_action.setEnabled(self.reset_button.isEnabled())
        self.export_action.setEnabled(self.log.count > 0 and self.export_job is None)
        self.weight_model.editable = not self.playing
        self.weight_view.setEditTriggers(
            QAbstractItemView.NoEditTriggers if self.playing else
            QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed | QAbstractItemView.AnyKeyPressed)
        self.progress.setVisible(self.run_remaining > 0)

    # ------------------------------------------------------------------------------------------
    def closeEvent(self, event):  # noqa: N802
        if self.export_job is not None:  # an unfinished export is cancelled: no partial file
            self.export_job.cancel()
            self.export_job.wait()
            self.export_job = None
        self.frame_timer.stop()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self._stop_trainer()
        super().closeEvent(event)
