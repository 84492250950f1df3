"""Small widgets that tell the truth: a whole-number field that refuses rather than coerces, and
a status-bar label that elides a long message instead of running under its neighbours."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QResizeEvent, QValidator
from PySide6.QtWidgets import QComboBox, QLabel, QSpinBox, QWidget


class NumberField(QSpinBox):
    """A spin box for a whole number in a range that never changes what was typed into another
    number: ``99`` in a 1–32 field is refused with :attr:`refused` ("… 1 to 32, not 99") and the
    field shows its value again; a plain QSpinBox silently drops the second 9."""

    refused = Signal(str)

    def __init__(self, what: str, low: int, high: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.what = what
        self.setRange(low, high)
        self.setKeyboardTracking(False)
        self.setGroupSeparatorShown(high >= 10_000)

    def _number(self, text: str) -> int | None:
        cleaned = text.strip().replace(",", "").replace(" ", "").replace("\u202f", "").replace(".", "")
        if cleaned.startswith("-"):
            cleaned_digits = cleaned[1:]
        else:
            cleaned_digits = cleaned
        return int(cleaned) if cleaned_digits.isdigit() else None

    def validate(self, text: str, position: int):  # noqa: D102 - Qt's contract
        number = self._number(text)
        if number is None:
            stripped = text.strip()
            acceptable_start = stripped in ("", "-") or all(c.isdigit() or c in ", \u202f." for c in stripped)
            return (QValidator.State.Intermediate if acceptable_start else QValidator.State.Invalid), text, position
        if self.minimum() <= number <= self.maximum():
            return QValidator.State.Acceptable, text, position
        return QValidator.State.Intermediate, text, position  # typed on, checked when committed

    def typed_value(self) -> int:
        """The number in the field now; ValueError with a message for the learner if it is not one."""
        number = self._number(self.lineEdit().text())
        if number is None or not self.minimum() <= number <= self.maximum():
            shown = self.lineEdit().text().strip() or "nothing"
            raise ValueError(f"{self.what} must be a whole number from {self.minimum():,} to "
                             f"{self.maximum():,}, not {shown}; it stays {self.value():,}.")
        return number

    def _check(self) -> None:
        try:
            self.typed_value()
        except ValueError as exc:
            self.refused.emit(str(exc))
            self.lineEdit().setText(self.textFromValue(self.value()))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._check()
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        self._check()
        super().focusOutEvent(event)


class ElidedLabel(QLabel):
    """A one-line label that ends a text too long for it with "…" (the tooltip has it whole)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._full = ""
        self.setMinimumWidth(40)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text if text else "")
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(self.width() - 4, 10)))


class ChoiceBox(QComboBox):
    """A combo box that says when a choice came from its open list (a click, or Return in the
    list) rather than from arrow keys on the closed box: ``chosen_from_list`` is emitted after
    ``activated`` then. A learner who picks a preset with the mouse expects the next Space or
    Right to train, not to open the list again or change the choice."""

    chosen_from_list = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._list_closing = False
        self.activated.connect(self._on_activated)

    def hidePopup(self) -> None:  # noqa: N802 (Qt's name)
        # Qt hides the list, then emits activated if an item was chosen: remember until then
        self._list_closing = True
        super().hidePopup()
        QTimer.singleShot(0, self._list_closed)

    def _list_closed(self) -> None:
        self._list_closing = False

    def _on_activated(self, _index: int) -> None:
        if self._list_closing:
            self._list_closing = False
            self.chosen_from_list.emit()
