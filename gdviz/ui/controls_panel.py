"""The left column: network, data, learning settings and the training buttons.

It renders the controller's state and sends it intents; no setting is kept here. A field the
learner is typing in keeps the text until it is committed (Enter, or leaving the field): then
it is parsed, and either sent to the controller or refused with a message, changing nothing.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gdviz.core import data_edit
from gdviz.core.data_edit import Network
from gdviz.core.dataset import MAX_UNITS
from gdviz.core.presets import PRESETS
from gdviz.core.stability import bound_formula, bound_text, needs_work, stable_alpha
from gdviz.core.state import SPEEDS, SessionState
from gdviz.core.training import MODE_HELP, MODES
from gdviz.ui import style
from gdviz.ui.controller import SessionController
from gdviz.ui.data_editor import DataEditor
from gdviz.ui.parsing import parse_number
from gdviz.ui.table_models import DataTableModel
from gdviz.ui.widgets import ChoiceBox, HintLabel, NumberField

MAX_RUN = 10_000_000
BIG_TABLE_CELLS = 5_000  # data tables with more cells than this do not fit each column to its cells


def speed_text(speed: int | None) -> str:
    return "max" if speed is None else f"{speed:,}/s"


def alpha_text(alpha: float) -> str:
    return f"{alpha:g}" if float(f"{alpha:g}") == alpha else repr(alpha)


class ControlsPanel(QScrollArea):
    """The controls, in a scroll area so that a short screen scrolls them rather than clips them."""

    refused = Signal(str)  # a value typed into a field was refused (the window says so)
    cell_refused = Signal(str)  # a value typed into a cell of the data table was refused
    refusal_withdrawn = Signal(str)  # a refusal, taken back: its field now holds a value it took

    def __init__(self, controller: SessionController, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self._rendered: SessionState | None = None
        self._alpha_message: str | None = None
        self._alpha_refusal: str | None = None  # said in the status bar until alpha takes a value
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(6, 6, 6, 6)
        # training first: on a short screen the buttons are what must not scroll out of sight
        column.addWidget(self._train_group())
        column.addWidget(self._learning_group())
        column.addWidget(self._network_group())
        column.addWidget(self._data_group())
        column.addStretch(1)
        self.setWidget(panel)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # as wide as the controls need, with room for the scroll bar a short screen brings
        self.setMinimumWidth(panel.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width() + 2)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        # a click on a button that takes no focus (Run) would give the focus to the panel, the first
        # parent that takes it: the field being typed in would lose it, and its text, before Run reads it
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    # -- building ----------------------------------------------------------------------------------
    def _network_group(self) -> QGroupBox:
        group = QGroupBox("Network")
        form = QFormLayout(group)
        self.preset_box = ChoiceBox()
        for name, preset in PRESETS.items():
            self.preset_box.addItem(f"{name}  ({preset.shape})", name)
        self.preset_box.addItem("custom", None)
        self.preset_box.setToolTip("The chapter's networks on the book's data (Ctrl+Z undoes a change)")
        self.preset_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.preset_box.setMinimumContentsLength(10)
        self.preset_box.activated.connect(self._on_preset_chosen)
        self.preset_box.chosen_from_list.connect(self._focus_home)  # so the tour's next Right or S trains
        self.inputs_field = NumberField("Inputs", 1, MAX_UNITS)
        self.outputs_field = NumberField("Outputs", 1, MAX_UNITS)
        shape_row = QHBoxLayout()
        for field, what in ((self.inputs_field, "inputs"), (self.outputs_field, "outputs")):
            field.setToolTip(self._shape_tip(what))
            field.editingFinished.connect(self._on_shape_entered)
            field.refused.connect(self.refused)
            field.withdrawn.connect(self.refusal_withdrawn)
        shape_row.addWidget(self.inputs_field, 1)
        shape_row.addWidget(QLabel("in →"))
        shape_row.addWidget(self.outputs_field, 1)
        shape_row.addWidget(QLabel("out"))
        form.addRow("Preset", self.preset_box)
        form.addRow("Shape", shape_row)
        return group

    def _data_group(self) -> QGroupBox:
        group = self.data_group = QGroupBox("Data: one game per row")
        layout = QVBoxLayout(group)
        self.data_view = QTableView()
        self.data_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.data_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.data_view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between cells
        self.data_view.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.data_editor = DataEditor(self.data_view, self.controller, self.cell_refused.emit)
        self.data_view.setToolTip("The examples: inputs, then targets (→). Double-click a cell to edit it, a "
                                  "header to rename it; right-click to add or remove examples and columns; "
                                  "Ctrl+C, Ctrl+V copy and paste cells.")
        layout.addWidget(self.data_view)
        form = QFormLayout()
        self.example_spin = NumberField("Train on game", 0, 0)
        self.example_spin.valueChanged.connect(self._on_example_changed)
        self.example_spin.refused.connect(self.refused)
        self.example_spin.withdrawn.connect(self.refusal_withdrawn)
        self.mode_box = ChoiceBox()
        for mode in MODES:
            self.mode_box.addItem(mode, mode)
            self.mode_box.setItemData(self.mode_box.count() - 1, MODE_HELP[mode], Qt.ItemDataRole.ToolTipRole)
        self.mode_box.setToolTip("\n".join(f"{m}: {h}" for m, h in MODE_HELP.items()))
        self.mode_box.activated.connect(self._on_mode_chosen)
        self.mode_box.chosen_from_list.connect(self._focus_home)  # Space then plays, not reopens the list
        form.addRow("Mode", self.mode_box)
        self.example_label = QLabel("Train on game")
        form.addRow(self.example_label, self.example_spin)
        layout.addLayout(form)
        return group

    def _learning_group(self) -> QGroupBox:
        group = QGroupBox("Learning")
        form = QFormLayout(group)
        self.alpha_edit = QLineEdit()
        self.alpha_edit.setToolTip("The learning rate: a number greater than 0, e.g. 0.01 or 1e-3. Press Enter.")
        self.alpha_edit.editingFinished.connect(self._on_alpha_entered)
        # the warning border (a style sheet) would make it 2 px shorter: everything below would move
        self.alpha_edit.setFixedHeight(self.alpha_edit.sizeHint().height())
        self.alpha_hint = HintLabel(lines=3)  # its longest texts take three lines: the panel holds still
        self._hint_waits = False  # the hint says the bound is being worked out (see _render_alpha_hint)
        self.controller.answers.ready.connect(self._on_answer)
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(0, len(SPEEDS) - 1)
        self.speed_slider.setPageStep(1)
        self.speed_slider.setToolTip("Animation speed, iterations a second, from 1 to max")
        self.speed_slider.valueChanged.connect(self._on_speed_moved)
        self.speed_label = QLabel(speed_text(SPEEDS[0]))
        self.speed_label.setMinimumWidth(self.speed_label.fontMetrics().horizontalAdvance("5,000/s") + 6)
        speed_row = QHBoxLayout()
        speed_row.addWidget(self.speed_slider, 1)
        speed_row.addWidget(self.speed_label)
        self.as_printed_box = QCheckBox("Update as printed (erratum)")
        self.as_printed_box.toggled.connect(self.controller.set_as_printed)
        form.addRow("Alpha", self.alpha_edit)
        form.addRow(self.alpha_hint)
        form.addRow("Speed", speed_row)
        form.addRow(self.as_printed_box)
        return group

    def _train_group(self) -> QGroupBox:
        group = QGroupBox("Train")
        layout = QVBoxLayout(group)
        buttons = QHBoxLayout()
        self.step_button = QPushButton("Step")
        self.play_button = QPushButton("Play")
        self.reset_button = QPushButton("Reset")
        for button in (self.step_button, self.play_button, self.reset_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        run_row = QHBoxLayout()
        self.run_field = NumberField("Run N", 1, MAX_RUN)
        self.run_field.setValue(1000)
        self.run_field.setToolTip(f"How many iterations Run does, as fast as possible (1 to {MAX_RUN:,})")
        self.run_field.refused.connect(self.refused)
        self.run_field.withdrawn.connect(self.refusal_withdrawn)
        self.run_button = QPushButton("Run")
        # a click leaves the focus where it is: Run then reads the field as typed, and refuses
        # "2.5" rather than first turning it back into the old count on the way out and running that
        self.run_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        run_row.addWidget(self.run_field, 1)
        run_row.addWidget(self.run_button)
        layout.addLayout(run_row)
        self.phase_box = QCheckBox("Step by phase")
        self.phase_box.setToolTip("Each Step shows one phase of the iteration: predict → compare → learn; "
                                  "the weights change at 'learn'")
        layout.addWidget(self.phase_box)
        self.phase_label = QLabel()
        self.phase_label.setWordWrap(True)
        self.phase_label.setVisible(False)
        layout.addWidget(self.phase_label)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.notice)
        return group

    # -- intents -----------------------------------------------------------------------------------
    def _on_preset_chosen(self, index: int) -> None:
        name = self.preset_box.itemData(index)
        state = self.controller.state
        if name is not None and (state is None or name != state.preset):
            self.controller.load_preset(name)
        elif name is None and state is not None and state.preset is not None:
            self.controller.load_shape(state.data.n_inputs, state.data.n_outputs)

    def _on_shape_entered(self) -> None:
        state = self.controller.state
        try:
            shape = self.inputs_field.typed_value(), self.outputs_field.typed_value()
        except ValueError:
            return  # the field says why (NumberField.refused)
        if state is not None and shape != (state.data.n_inputs, state.data.n_outputs):
            # the data, names and weights stay; new inputs and outputs (x4…, y2…) start at 0
            network = data_edit.resized(Network(state.data, state.weights, state.frozen), *shape)
            self.controller.edit_network(f"Shape {shape[0]} × {shape[1]}", network)

    def _on_example_changed(self, example: int) -> None:
        self.controller.set_example(example)

    def _on_mode_chosen(self, index: int) -> None:
        self.controller.set_mode(MODES[index])

    def _on_alpha_entered(self) -> None:
        if self.controller.state is None:
            return
        state = self.controller.shown_state  # the alpha the field shows: the iteration shown's
        if state is None:
            return
        try:
            alpha = parse_number(self.alpha_edit.text(), "alpha", positive=True)
        except ValueError as exc:
            self._show_alpha_message(f"{exc}; alpha stays {alpha_text(state.alpha)}.")
            return
        self._alpha_message = None
        if self._alpha_refusal is not None:
            refusal, self._alpha_refusal = self._alpha_refusal, None
            self.refusal_withdrawn.emit(refusal)
        if alpha != state.alpha:
            self.controller.set_alpha(alpha)
        self._render_alpha(state, force=True)

    def _on_speed_moved(self, position: int) -> None:
        self.speed_label.setText(speed_text(SPEEDS[position]))
        self.controller.set_speed(SPEEDS[position])

    def run_count(self) -> int | None:
        """The N of Run N as typed (None, and a message, if it is not a number from 1 to MAX_RUN)."""
        count = self.run_field.take()
        focus = QApplication.focusWidget()
        if count is not None and focus is not None and self.isAncestorOf(focus):
            # Run takes no focus from a click: so a field still being typed in (alpha 0.05, not yet
            # entered) is committed now, before the run, and not left showing a value it does not use;
            # and Space then pauses the run rather than typing into a field
            self._focus_home()
        return count

    # -- rendering ---------------------------------------------------------------------------------
    # Hides QWidget.render(target, ...), which paints the widget elsewhere and which nothing calls on
    # this panel; the name is the one docs/design.md uses.
    def render(self) -> None:  # type: ignore[override]
        """Show the session at the iteration shown (only what changed: a field being typed in is left alone)."""
        if self.controller.state is None:
            return
        state, before = self.controller.shown_state, self._rendered
        self._rendered = state
        if before is None or state.data is not before.data:
            self._render_network(state)
        if before is None or (state.preset, state.data.n_inputs, state.data.n_outputs) != (
                before.preset, before.data.n_inputs, before.data.n_outputs):
            self._set_quietly(self.preset_box, self.preset_box.findData(state.preset)
                              if state.preset is not None else self.preset_box.count() - 1)
        if before is None or state.mode != before.mode:
            self._set_quietly(self.mode_box, MODES.index(state.mode))
            self.example_spin.setEnabled(state.mode == "example")
            self.example_spin.setToolTip("The example (game) to train on" if state.mode == "example" else
                                         f"In {state.mode} mode every example is used; this applies in example mode")
        self._set_quietly(self.example_spin, state.example)
        self._set_quietly(self.speed_slider, SPEEDS.index(state.speed))
        self.speed_label.setText(speed_text(state.speed))
        self._set_quietly(self.as_printed_box, state.as_printed)
        self._render_alpha(state, force=before is None or state.alpha != before.alpha)
        if before is None or not (state.mode == before.mode and state.example == before.example
                                  and state.data is before.data and np.array_equal(state.frozen, before.frozen)
                                  and state.alpha == before.alpha):
            self._render_alpha_hint(state)
        self.render_training()

    def _render_network(self, state: SessionState) -> None:
        data = state.data
        for field, value in ((self.inputs_field, data.n_inputs), (self.outputs_field, data.n_outputs)):
            # a learner's data set past the fields' 32 (784 inputs): the field shows its count but
            # cannot change it (leaving it would cut the data to 32 columns); the data table edits columns
            too_big = max(data.n_inputs, data.n_outputs) > MAX_UNITS
            field.blockSignals(True)
            field.setMaximum(max(MAX_UNITS, value) if too_big else MAX_UNITS)
            field.blockSignals(False)
            self._set_quietly(field, value)
            field.setEnabled(not too_big)
            field.setToolTip(f"This data set has {data.n_inputs:,} inputs and {data.n_outputs:,} outputs, more than "
                             f"the Shape fields' {MAX_UNITS}: add or remove columns in the data table" if too_big
                             else self._shape_tip("inputs" if field is self.inputs_field else "outputs"))
        # the book's data are games (one row a game); the digits and a learner's own data are examples
        preset = PRESETS.get(state.preset) if state.preset is not None else None
        row = "game" if preset is not None and preset.source is None else "example"
        self.data_group.setTitle(f"Data: one {row} per row")
        self.example_label.setText(f"Train on {row}")
        self.example_spin.blockSignals(True)
        self.example_spin.setRange(0, data.n_examples - 1)
        self.example_spin.blockSignals(False)
        self._size_data_columns(data)
        if self.data_view.model() is None:
            self.data_model = DataTableModel(data, self)
            self.data_model.data_edited.connect(self.controller.set_data)
            self.data_model.edit_refused.connect(self.cell_refused)
            self.data_view.setModel(self.data_model)
        else:
            self.data_model.set_data_set(data)
        self._fit_data_height(data.n_examples)
        square = state.square
        self.as_printed_box.setEnabled(square)
        self.as_printed_box.setToolTip(
            "Subtract outer(input, delta), as the book's many-to-many listing prints it: the transpose of "
            "the right update (an erratum). Watch the error grow in cycle mode." if square else
            "Only a square network (as many inputs as outputs) can even run the printed update.")

    def data_width(self) -> int:
        """The panel's width that shows every column of the data table without scrolling."""
        view = self.data_view
        table = (view.verticalHeader().width() + view.horizontalHeader().length() + 2 * view.frameWidth())
        margins = self.width() - view.width() if view.width() > 0 else 60
        return table + margins + self.verticalScrollBar().sizeHint().width()

    @staticmethod
    def _shape_tip(what: str) -> str:
        return (f"Number of {what}, 1 to {MAX_UNITS}: a new number adds columns at the end (x4…, y4…: values "
                "and weights 0) or removes the last ones; the rest of the data, names and weights stay "
                "(Enter; Ctrl+Z undoes it)")

    def _size_data_columns(self, data) -> None:
        """Columns as wide as their numbers for the book's small tables; a big data set (a learner's
        60,000 × 785 images) gets fixed sizes: fitting every cell asked for millions of them."""
        big = data.n_examples * (data.n_inputs + data.n_outputs) > BIG_TABLE_CELLS
        mode = QHeaderView.ResizeMode.Interactive if big else QHeaderView.ResizeMode.ResizeToContents
        for header in (self.data_view.horizontalHeader(), self.data_view.verticalHeader()):
            if header.sectionResizeMode(0) != mode if header.count() else True:
                header.setSectionResizeMode(mode)
        if big:
            metrics = self.data_view.fontMetrics()
            self.data_view.horizontalHeader().setDefaultSectionSize(metrics.horizontalAdvance("−0.000000") + 8)
            self.data_view.verticalHeader().setDefaultSectionSize(metrics.height() + 6)

    def _fit_data_height(self, examples: int) -> None:
        """As tall as its rows (up to 8; more scroll), with room for a horizontal scroll bar."""
        view = self.data_view
        if view.verticalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.ResizeToContents \
                if view.verticalHeader().count() else True:
            view.resizeRowsToContents()
        rows = min(examples, 8)
        row_height = view.verticalHeader().sectionSize(0) if examples else 20
        height = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
        height += rows * row_height + view.horizontalScrollBar().sizeHint().height()
        view.setFixedHeight(height)

    def render_training(self) -> None:
        """The buttons, progress and notice (after every report)."""
        controller, state = self.controller, self.controller.state
        if state is None:
            return
        playing = state.playing
        at_end = not controller.in_the_past
        full = controller.log_full and at_end
        self.play_button.setText("Pause" if playing else "Play")
        self._enable(self.step_button, not playing and not full,
                     "The log is full: export it or Reset" if full else "One iteration (Right arrow or S)")
        self._enable(self.run_button, not playing and not full,
                     "The log is full: export it or Reset" if full else
                     "Run the chosen number of iterations as fast as possible (Ctrl+R)")
        self._enable(self.play_button, playing or not full,
                     "The log is full: export it or Reset" if full else "Play or pause (Space)")
        weights_moved = not np.array_equal(state.weights, state.initial_weights)
        self._enable(self.reset_button, controller.log.count > 0 or playing or weights_moved,
                     "Back to the initial weights, the log cleared (R; Ctrl+Z undoes it)")
        running = state.run_remaining > 0
        self.progress.setVisible(running)
        if running:
            self.progress.setRange(0, state.run_total)
            self.progress.setValue(state.run_total - state.run_remaining)

    def render_notice(self) -> None:
        text = self.controller.notice
        self.notice.setText(text)
        self.notice.setStyleSheet(f"color: {style.error_colour().name()};")
        self.notice.setVisible(bool(text))

    def show_phase(self, text: str) -> None:
        self.phase_label.setText(text)
        self.phase_label.setVisible(bool(text))

    def _render_alpha(self, state: SessionState, force: bool) -> None:
        if force and not (self.alpha_edit.hasFocus() and self.alpha_edit.isModified()):
            self.alpha_edit.setText(alpha_text(state.alpha))
            self.alpha_edit.setModified(False)

    def _show_alpha_message(self, message: str) -> None:
        self._alpha_message = self._alpha_refusal = message
        colour = style.error_colour().name()
        self.alpha_edit.setStyleSheet(f"QLineEdit {{ border: 2px solid {colour}; }}")
        self.alpha_hint.setStyleSheet(f"color: {colour};")
        self.alpha_hint.setText(message)
        self.refused.emit(message)

    def _bound(self, state: SessionState) -> float | None:
        """The stable alpha's bound; None while a thread works it out (a big data set's batch or
        cycle bound reads every example: 2.5 s for 60,000 × 784 in batch mode)."""
        data, mode, example, frozen = state.data, state.mode, state.example, state.frozen
        if not needs_work(data, mode, example, frozen):
            return stable_alpha(data, mode, example, frozen)
        key = ("stable alpha", id(data), mode, frozen.tobytes())
        return self.controller.answers.get(key, data, lambda: stable_alpha(data, mode, example, frozen))

    def _on_answer(self) -> None:
        if self._hint_waits and self.controller.state is not None:
            self._render_alpha_hint(self.controller.shown_state)

    def _render_alpha_hint(self, state: SessionState) -> None:
        self._alpha_message = None
        bound = self._bound(state)
        self.alpha_hint.setStyleSheet("")
        self.alpha_edit.setStyleSheet("")
        self._hint_waits = bound is None
        if bound is None:
            self.alpha_hint.setText(f"Stable below … = {bound_formula(state.mode)}: working it out over "
                                    f"{state.data.n_examples:,} examples…")
            return
        if not math.isfinite(bound):
            self.alpha_hint.setText("Any alpha is stable here (no weight can move).")
            return
        text = f"Stable below {bound_text(bound, state.alpha)} = {bound_formula(state.mode)}"
        if state.alpha > bound:
            colour = style.warning_colour().name()
            self.alpha_hint.setText(f"{text}: alpha {alpha_text(state.alpha)} will overshoot and diverge.")
            self.alpha_hint.setStyleSheet(f"color: {colour};")
            self.alpha_edit.setStyleSheet(f"QLineEdit {{ border: 2px solid {colour}; }}")
        else:
            self.alpha_hint.setText(f"{text}.")

    def _enable(self, widget: QWidget, on: bool, tip: str) -> None:
        if widget.isEnabled() == on and widget.toolTip() == tip:
            return  # the usual case, ~120 times a second while playing
        if not on and widget.hasFocus():
            self._focus_home()  # not the next field in line: Space must not land in Run N
        widget.setEnabled(on)
        widget.setToolTip(tip)

    def _focus_home(self) -> None:
        """The keyboard to the window's home (the diagram, where the training keys act)."""
        focus_home = getattr(self.window(), "focus_home", None)
        if focus_home is not None:
            focus_home()
        else:  # a panel on its own (a test's): the window itself
            self.window().setFocus()

    @staticmethod
    def _set_quietly(widget: QWidget, value) -> None:
        """Show ``value`` without the widget announcing it as the learner's change."""
        widget.blockSignals(True)
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(value)
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QSpinBox | QSlider):
            if widget.value() != value:
                widget.setValue(value)
        widget.blockSignals(False)

    def edit_triggers_for(self, playing: bool) -> QAbstractItemView.EditTrigger:
        return (QAbstractItemView.EditTrigger.NoEditTriggers if playing else
                QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                | QAbstractItemView.EditTrigger.AnyKeyPressed)
