"""Step by phase: each Step shows one phase of the next iteration — predict, compare, learn.

The preview is worked out again after every change of the session (a weight, an input, alpha …)
while predict or compare is shown, so what is on screen is always what "learn" will apply.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from gdviz.core.log import IterationLog
from gdviz.core.moment import pending_iteration
from gdviz.ui.controller import SessionController

MESSAGES = {
    "predict": "Predict: each output is the weighted sum of the inputs (Step to compare)",
    "compare": "Compare: delta = pred − target, error = delta² (Step to learn)",
    "learn": "Learn: each weight moved by alpha × its weight_delta (Step to predict the next iteration)",
}


class PhaseStepper(QObject):
    """The phase shown, and the iteration it previews: the one after the iteration shown (from
    the log when it is there, so stepping by phase through the past changes nothing)."""

    changed = Signal()

    def __init__(self, controller: SessionController, parent: QObject | None = None):
        super().__init__(parent)
        self.controller = controller
        self.phase: str | None = None  # None, "predict", "compare" or "learn" (just done)
        self.preview: IterationLog | None = None
        self.row = 0  # the previewed iteration's row in ``preview``
        # the preview is still being worked out on a thread (a big batch: 20-45 s over 60,000 × 784
        # with numpy's loops, once on the GUI thread); ``preview`` is a stand-in with NaN numbers
        self.pending = False
        controller.state_changed.connect(self._on_session_changed)
        controller.log_replaced.connect(self._on_session_changed)
        controller.answers.ready.connect(self._on_answer)

    @property
    def message(self) -> str:
        text = MESSAGES.get(self.phase or "", "")
        if self.pending and self.phase in ("predict", "compare") and self.controller.state is not None:
            text += f" — working out the next iteration over all {self.controller.state.data.n_examples:,} examples…"
        return text

    def step(self) -> None:
        """The next phase; at "learn" the iteration is done for real (or shown, in the past)."""
        controller = self.controller
        if self.phase in (None, "learn"):
            self._preview()
            self.phase = "predict"
        elif self.phase == "predict":
            self.phase = "compare"
        else:
            self.phase = "learn"
            self.preview, self.pending = None, False
            controller.step_forward()
        self.changed.emit()

    def _preview(self) -> None:
        controller = self.controller
        assert controller.state is not None
        shown = controller.shown_iteration
        self.row = 0
        if controller.in_the_past:
            self.preview, self.pending = controller.log.record(shown + 1 - controller.log.first_iteration), False
        else:
            worked_out = controller._next_iteration(controller.state)  # a big batch's: on a thread
            self.pending = worked_out is None
            self.preview = pending_iteration(controller.state) if worked_out is None else worked_out

    def _on_session_changed(self) -> None:
        """An edit (or a report) while predict or compare is shown: the preview follows it."""
        if self.phase in ("predict", "compare") and self.controller.state is not None:
            before = self.preview
            self._preview()
            if before is None or self.preview is None or not _same_row(before, self.preview, self.row):
                self.changed.emit()

    @Slot()
    def _on_answer(self) -> None:
        """An answer came in from a thread: the preview being worked out, perhaps."""
        if self.pending:
            self._on_session_changed()

    def end(self) -> None:
        """Back to showing whole iterations (Play, Run, Reset, a new session, the box unticked)."""
        if self.phase is not None:
            self.phase, self.preview, self.pending = None, None, False
            self.changed.emit()


def _same_row(a: IterationLog, b: IterationLog, row: int) -> bool:
    """The two previews show the same numbers (bit for bit) at ``row`` of ``b``."""
    return a is b or (a.count == b.count and all(
        a.field(name)[min(row, a.count - 1)].tobytes() == b.field(name)[row].tobytes()
        for name in ("weights", "inputs", "targets", "pred", "delta", "weight_deltas", "alpha")))
