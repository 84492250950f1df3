"""Help → Lesson: a side panel that walks through the chapter a step at a time.

The steps come from ``resources/lesson.json`` (:mod:`gdviz.core.lesson`). Each step sets up the
window through the controller's intents, as a learner's clicks would (a preset, the data, the
weights, alpha, the mode, the tab, the edge lit), then the learner trains and edits freely.
Back / Next move between steps (each set up afresh); closing the panel and opening it again
comes back to the same step as the learner left it, and the step is remembered for the next start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gdviz.core.dataset import DataSet
from gdviz.core.lesson import TABS, Lesson, Step, edge, parse_lesson
from gdviz.core.presets import PRESETS
from gdviz.ui.resources import resource_path

if TYPE_CHECKING:
    from gdviz.ui.main_window import MainWindow

STEP_KEY = "lesson/step"
FLOATING_WIDTH = 320  # the lesson's width when it floats (on a screen too narrow to dock it)
DOCKED_WIDTH = 260  # the least room the lesson's text reads in beside the window's three columns


def load_lesson() -> Lesson:
    return parse_lesson(resource_path("lesson.json").read_text(encoding="utf-8"))


class LessonPanel(QDockWidget):
    def __init__(self, window: MainWindow, lesson: Lesson):
        super().__init__(lesson.title, window)
        self.setObjectName("lesson")
        self.window_, self.lesson = window, lesson
        self.index = 0
        body = QWidget()
        layout = QVBoxLayout(body)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.answer_button = QPushButton("Show the answer")
        self.answer_button.setCheckable(True)
        self.answer_button.toggled.connect(self._render)
        self.again_button = QPushButton("Set up again")
        self.again_button.setToolTip("Set the window up for this step again (what you changed goes; Ctrl+Z undoes)")
        self.again_button.clicked.connect(lambda: self.go(self.index))
        self.back_button = QPushButton("◀ Back")
        self.next_button = QPushButton("Next ▶")
        self.back_button.clicked.connect(lambda: self.go(self.index - 1))
        self.next_button.clicked.connect(lambda: self.go(self.index + 1))
        buttons = QHBoxLayout()
        for button in (self.back_button, self.again_button, self.next_button):
            buttons.addWidget(button)
        layout.addWidget(self.heading)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.answer_button)
        layout.addLayout(buttons)
        self.setWidget(body)

    @property
    def step(self) -> Step:
        return self.lesson.steps[self.index]

    def go(self, index: int, set_up: bool = True) -> None:
        """Step ``index`` (clamped), the window set up for it unless ``set_up`` is False."""
        self.index = max(0, min(index, len(self.lesson.steps) - 1))
        self.window_.settings.setValue(STEP_KEY, self.index)
        self.answer_button.setChecked(False)
        if set_up:
            set_up_step(self.window_, self.step)
        self._render()

    def _render(self) -> None:
        step, count = self.step, len(self.lesson.steps)
        self.heading.setText(f"<b>Step {self.index + 1} of {count}: {_escape(step.title)}</b>")
        parts = [f"<p><b>Do:</b> {_escape(step.do)}</p>", f"<p><b>Look for:</b> {_escape(step.look)}</p>",
                 f"<p><b>Question:</b> {_escape(step.question)}</p>"]
        if self.answer_button.isChecked():
            parts.append(f"<p><b>Answer:</b> {_escape(step.answer)}</p>")
        self.text.setHtml("".join(parts))
        self.back_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < count - 1)
        self.answer_button.setText("Hide the answer" if self.answer_button.isChecked() else "Show the answer")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def set_up_step(window: MainWindow, step: Step) -> None:
    """Set the window up as ``step`` says, through the controller's intents (in order: the trainer
    takes them one after the other) and the views' own controls."""
    setup, controller = step.setup, window.controller
    preset = PRESETS[setup["preset"]]
    if controller.state is not None and controller.state.playing:
        controller.pause()
    window.phases.end()
    controller.load_preset(preset.name)
    example = setup.get("example", 0)
    if "inputs" in setup:
        data = preset.data()
        inputs = np.array(data.inputs)
        for name, value in setup["inputs"].items():
            inputs[example, data.input_names.index(name)] = value
        controller.set_data(DataSet(data.input_names, data.output_names, inputs, data.targets))
    for name, value in setup.get("weights", {}).items():
        controller.set_weight(*edge(name, preset.inputs, preset.outputs), float(value))
    for name in setup.get("frozen", ()):
        controller.set_frozen(*edge(name, preset.inputs, preset.outputs), True)
    if "alpha" in setup:
        controller.set_alpha(float(setup["alpha"]))
    if "mode" in setup:
        controller.set_mode(setup["mode"])
    controller.set_example(example)
    if preset.name in ("single", "multi-in-out") or "as_printed" in setup:  # square: the box is offered
        controller.set_as_printed(bool(setup.get("as_printed", False)))
    window.views.tabs.setCurrentIndex(TABS.index(setup.get("tab", "curves")))
    window.views.error_plot.log_scale.setChecked(bool(setup.get("log_scale", False)))
    highlight = setup.get("highlight")
    window._select_edge(edge(highlight, preset.inputs, preset.outputs) if highlight else None)


def open_lesson(window: MainWindow) -> LessonPanel:
    """Help → Lesson: the panel as the learner left it, or (the first time in this window) at the
    step remembered from last time, set up."""
    panel = window.findChild(LessonPanel, "lesson")
    if panel is None:
        panel = LessonPanel(window, load_lesson())
        screen = window.screen().availableGeometry()
        needed = window.minimumSizeHint().width() + max(panel.sizeHint().width(), DOCKED_WIDTH)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
        if needed > screen.width():
            # a narrow screen (1024 px) has no room for a fourth column beside the window's three:
            # the lesson floats over the window's right edge instead of pushing it off the screen
            panel.setFloating(True)
            width = min(FLOATING_WIDTH, screen.width() // 3)
            panel.setGeometry(screen.right() - width, screen.top() + screen.height() // 8, width,
                              screen.height() * 3 // 4)
        try:
            saved = int(str(window.settings.value(STEP_KEY, 0)))
        except ValueError:
            saved = 0
        panel.go(saved)
    panel.show()
    panel.raise_()
    return panel
