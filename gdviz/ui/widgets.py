"""Small widgets that tell the truth: a whole-number field that refuses rather than coerces, and
a status-bar label that elides a long message instead of running under its neighbours."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QResizeEvent, QValidator
from PySide6.QtWidgets import QComboBox, QLabel, QSpinBox, QToolTip, QWidget

from gdviz.ui.guard import answers_qt
from gdviz.ui.parsing import parse_count


class NumberField(QSpinBox):
    """A spin box for a whole number in a range that takes exactly the number typed or refuses it.

    What is typed stays as typed until it is committed (Enter, or leaving the field): then a
    whole number in the digits 0-9 within the range is taken, and anything else ("2.5", "1e3",
    "-3", "²", "٣", "99" in a 1-32 field) is refused with :attr:`refused` ("Inputs must be a whole
    number from 1 to 32, not 2.5; it stays 3.") and the field shows its value again. A plain
    QSpinBox turned "2.5" into 1 and "1e3" into 13, and dropped the second 9 of "99".
    :attr:`withdrawn` takes a refusal back once the field takes a number."""

    refused = Signal(str)
    withdrawn = Signal(str)  # the last refusal's text, once a number typed here was taken

    def __init__(self, what: str, low: int, high: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.what = what
        self._refusal: str | None = None
        self._retyped = False  # typed in since the last refusal
        self.setRange(low, high)
        self.setKeyboardTracking(False)
        self.setGroupSeparatorShown(high >= 10_000)
        self.lineEdit().textEdited.connect(self._on_text_edited)
        self.valueChanged.connect(self._withdraw)

    def _number(self, text: str) -> int | None:
        separator = self.locale().groupSeparator() if self.isGroupSeparatorShown() else ""
        return parse_count(text, separator)

    @answers_qt(lambda _self, text, position: (QValidator.State.Intermediate, text, position))
    def validate(self, text: str, position: int):  # noqa: D102 - Qt's contract
        number = self._number(text)
        if number is not None and self.minimum() <= number <= self.maximum():
            return QValidator.State.Acceptable, text, position
        # anything else stays as typed until it is committed, then it is refused with a message
        # (Invalid would drop the key without a word: "½" left "1,000" in the field, which ran)
        return QValidator.State.Intermediate, text, position

    @answers_qt(lambda self, _text: self.value())
    def valueFromText(self, text: str) -> int:  # noqa: N802 - Qt's name
        number = self._number(text)
        return self.value() if number is None else max(self.minimum(), min(number, self.maximum()))

    def typed_value(self) -> int:
        """The number in the field now; ValueError with a message for the learner if it is not one."""
        number = self._number(self.lineEdit().text())
        if number is None or not self.minimum() <= number <= self.maximum():
            shown = self.lineEdit().text().strip() or "nothing"
            raise ValueError(f"{self.what} must be a whole number from {self.minimum():,} to "
                             f"{self.maximum():,}, not {shown}; it stays {self.value():,}.")
        return number

    def take(self) -> int | None:
        """The number typed, for an action that uses it now (Run): or None, the field shown
        again with its value and the refusal said."""
        try:
            number = self.typed_value()
        except ValueError as exc:
            self._refuse(str(exc))
            return None
        if self._retyped:
            self._withdraw()
        return number

    def _check(self) -> None:
        self.take()

    def _on_text_edited(self, _text: str) -> None:
        self._retyped = True

    def _refuse(self, message: str) -> None:
        self._refusal, self._retyped = message, False
        self.refused.emit(message)  # the status bar says it; so does a tip beside the field
        if self.isVisible():
            QToolTip.showText(self.mapToGlobal(self.rect().bottomLeft()), message, self)
        self.lineEdit().setText(self.textFromValue(self.value()))

    def _withdraw(self, *_value: int) -> None:
        if self._refusal is not None:
            message, self._refusal = self._refusal, None
            self.withdrawn.emit(message)

    @answers_qt()
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._check()
        super().keyPressEvent(event)

    @answers_qt()
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

    @answers_qt()
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(self.width() - 4, 10)))


class HintLabel(QLabel):
    """A word-wrapped hint that keeps the height of ``lines`` lines whatever its text says, so
    that the widgets under it hold still when it changes (the alpha hint grows from one line to
    two when alpha passes the bound, and moved everything below it by a line). A text that needs
    more lines ends with "…" (the tooltip has it whole). :meth:`text` is the whole text."""

    def __init__(self, lines: int, parent: QWidget | None = None):
        super().__init__(parent)
        self._lines = lines
        self._full = ""
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._fit_height()

    def setText(self, text: str) -> None:  # noqa: N802 - QLabel's name
        self._full = text
        self._elide()

    def text(self) -> str:
        return self._full

    def _fit_height(self) -> None:
        margins = self.contentsMargins()
        self.setFixedHeight(self._lines * self.fontMetrics().lineSpacing() + margins.top() + margins.bottom()
                            + 2 * self.margin())

    def _needs(self, text: str, width: int) -> int:
        flags = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft
        return self.fontMetrics().boundingRect(0, 0, width, 1 << 20, flags, text).height()

    def _elide(self) -> None:
        text, width = self._full, self.contentsRect().width() - 2 * self.margin()
        room = self._lines * self.fontMetrics().lineSpacing()
        if width > 0 and self._needs(text, width) > room:
            low, high = 0, len(text)  # the longest start of the text that fits with "…"
            while low < high:
                middle = (low + high + 1) // 2
                if self._needs(text[:middle].rstrip() + "…", width) <= room:
                    low = middle
                else:
                    high = middle - 1
            text = text[:low].rstrip() + "…"
        super().setText(text)
        self.setToolTip(self._full if text != self._full else "")

    @answers_qt()
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    @answers_qt()
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_height()
            self._elide()


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

    @answers_qt()
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
