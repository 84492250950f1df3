"""Keys go to the focused widget; the training shortcuts act only when no editor has the focus.

A window-wide shortcut (Right: step, Space: play…) takes its key before the focused widget sees
it, unless that widget claims it in a ``ShortcutOverride`` event. Text fields do so themselves;
tables, sliders, spin boxes and combo boxes do not, so Right in the data table stepped training
instead of moving the cell cursor. :class:`KeyRouter` claims the shortcuts' bare keys for every
editor, so they reach it; on the diagram, the plots, the buttons or nothing they train.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from gdviz.ui.guard import answers_qt, filter_nothing

EDITORS = (QAbstractItemView, QAbstractSlider, QAbstractSpinBox, QComboBox, QLineEdit, QTextEdit, QPlainTextEdit)

SHORTCUTS = [  # (keys, what they do): Help → Keyboard shortcuts
    ("Right  or  S", "Step: the next iteration (at the end of the log, a new one)"),
    ("Left", "Back one iteration through the log"),
    ("Home / End", "The first / the latest iteration"),
    ("Page Up / Page Down", "Back / forward a tenth of the log"),
    ("Space", "Play or pause"),
    ("Ctrl+R", "Run N iterations"),
    ("R", "Reset: back to the initial weights (undoable)"),
    ("P", "Pin this run's error curve"),
    ("L", "Log-scale error axis"),
    ("Ctrl+1 / Ctrl+2 / Ctrl+3", "The error curves / bowls / surface under the diagram"),
    ("Ctrl+4", "The weight images (inputs that form an image: the digits)"),
    ("Ctrl+5", "The confusion table (data with classes, as the digits)"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo a preset, shape, Reset, open or branch"),
    ("Ctrl+O / Ctrl+S / Ctrl+E", "Open / save a session; export the iteration log as CSV"),
    ("Ctrl++ / Ctrl+− / Ctrl+0", "Every text larger / smaller / at 100 % (for a projector)"),
    ("F11", "Full screen"),
    ("F2", "The lesson through the chapter (Help → Lesson)"),
    ("Ctrl+Q", "Quit"),
]
NOTE = ("The keys without Ctrl go to a table, slider, spin box, list or text field that has the "
        "focus; they train when the focus is on the diagram, a plot, a button or nothing.")


def _is_bare(event: QKeyEvent) -> bool:
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return modifiers in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)


class KeyRouter(QObject):
    """Installed on the application: an editor with the focus keeps its bare keys."""

    @answers_qt(filter_nothing)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and _is_bare(event):
            focus = QApplication.focusWidget()
            if focus is not None and is_editor(focus):
                event.accept()  # the key goes to the editor as a key press, not to a shortcut
        return False


def is_editor(widget: QWidget) -> bool:
    """A widget that uses arrows, Space and letters itself (a table, slider, field, list…)."""
    return isinstance(widget, EDITORS) or isinstance(widget.parentWidget(), QAbstractItemView)
