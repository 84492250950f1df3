"""The one owner of a session's state: between the window and the trainer thread.

The window's panels render the controller's :attr:`~SessionController.state` (the trainer's
latest report), its :attr:`~SessionController.log` and the iteration shown, and send it intents
(``controller.set_alpha(0.02)``, ``controller.step()``). The controller turns intents into the
trainer's typed commands, takes the trainer's reports, keeps the log, and makes undoable what
replaces a session: a preset or shape change, Reset, opening a session, and branching off from
a past iteration.

Time travel: :attr:`shown` is the iteration the views show (None: follow the latest), and
:attr:`~SessionController.shown_state` the session as it was then: its weights and its settings
(from the settings history), which every control shows. Training, or any edit (alpha, mode,
example, data, a weight, frozen weights, as-printed), while a past iteration is shown starts a new
branch from it, with the settings it had; the iterations it leaves are kept as a pinned ghost
curve, and Undo brings them back.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shiboken6
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QUndoCommand, QUndoStack

from gdviz.core import compiled
from gdviz.core.data_edit import Network
from gdviz.core.dataset import DataSet
from gdviz.core.keyframes import KeyframedLog, memory_budget, most_iterations, replay_loops
from gdviz.core.log import IterationLog
from gdviz.core.moment import Moment, big_preview, moment_at, next_iteration, state_at, training_at
from gdviz.core.presets import PRESETS, data_mode, data_training, fresh_training, preset_training
from gdviz.core.session import Session
from gdviz.core.state import DEFAULT_SPEED, SessionState, state_of
from gdviz.core.training import Training
from gdviz.ui import trainer as commands
from gdviz.ui.background import Answers
from gdviz.ui.trainer import Report, Trainer

MAX_PINNED = 5
UNDO_BYTES = 1 << 30
"""The undo history keeps at most this many bytes of logs alive; older steps are dropped, with a word."""


@dataclass(frozen=True, eq=False)
class Pin:
    """A run's total error curve kept as a ghost to compare with."""

    label: str
    iterations: np.ndarray
    errors: np.ndarray


@dataclass(frozen=True, eq=False)
class Snapshot:
    """Everything that an undo step restores."""

    state: SessionState
    log: KeyframedLog
    pins: tuple[Pin, ...]
    shown: int | None
    notice: str = ""


def log_capacity(data: DataSet) -> int:
    """How many iterations the window's log can hold for a network of this shape: as many as fit in
    the memory share a log may take (:func:`gdviz.core.keyframes.memory_budget`)."""
    return most_iterations(data.n_inputs, data.n_outputs)


def empty_log(data: DataSet) -> KeyframedLog:
    """An empty log (it grows a block at a time and reserves nothing up front). A log's records are
    never written over (an export or an undo step may still hold them): Reset, a branch and a new
    session each start a new log."""
    return KeyframedLog(data.n_inputs, data.n_outputs)


class _SwapSession(QUndoCommand):
    """An undo step that swaps the session with the one it keeps: its first redo makes the change."""

    def __init__(self, controller: SessionController, text: str, change: Callable[[], None],
                 keeps_log: bool = False):
        super().__init__(text)
        self._keeps_log = keeps_log  # the change goes on in the same log (a data edit): see snapshot
        self._controller, self._change = controller, change
        self._other: Snapshot | None = None  # the session to swap in: kept by the first redo

        self.dropped = False  # its snapshot was let go to keep the undo history within UNDO_BYTES

    def redo(self) -> None:
        if self.dropped:
            self._forgotten()
            return
        current = self._controller.snapshot(copy_log=self._keeps_log and self._other is None)
        if self._other is None:
            self._change()
        else:
            self._controller.restore(self._other)
        self._other = current

    def undo(self) -> None:
        if self.dropped:
            self._forgotten()
            return
        assert self._other is not None  # QUndoStack undoes only what it has done (redone)
        current = self._controller.snapshot()
        self._controller.restore(self._other)
        self._other = current

    def held_log(self) -> KeyframedLog | None:
        return None if self._other is None else self._other.log

    def drop(self) -> None:
        """Let the kept session go (memory); undoing this step then only says so."""
        self._other, self.dropped = None, True

    def _forgotten(self) -> None:
        self.setObsolete(True)  # QUndoStack removes an obsolete command once it is undone or redone
        self._controller.message.emit(f"“{self.text()}” can no longer be undone: it was forgotten to keep "
                                      f"the undo history under {UNDO_BYTES >> 20:,} MB.")


class SessionController(QObject):
    """Owns the trainer, the log, the last state, the pins and the undo stack."""

    state_changed = Signal()  # self.state is new
    records_added = Signal()  # the log grew
    log_replaced = Signal()  # self.log is another log (a new network, Reset, a branch, an undo)
    shown_changed = Signal()  # the iteration shown moved
    pins_changed = Signal()
    notice_changed = Signal()  # why training stopped by itself (or "")
    refused = Signal(str)  # an intent that changed nothing, and why
    message = Signal(str)  # a passing word for the status bar
    synced = Signal(int)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)  # no count limit: bounded by the bytes it keeps (_bound_undo)
        self._undo_steps: list[_SwapSession] = []  # what was pushed, oldest first (see _bound_undo)
        self.trainer: Trainer | None = None
        self.state: SessionState | None = None
        self.log = KeyframedLog(1, 1, keyframe_every=1)
        self.shown: int | None = None
        self.pins: tuple[Pin, ...] = ()
        self.notice = ""
        self._generation = 0
        self._tokens = itertools.count(1)
        self.answers = Answers(self)  # what takes too long for the GUI thread: see gdviz.ui.background

    # -- life ------------------------------------------------------------------------------------
    def start(self, preset: str) -> None:
        """Start the trainer thread on ``preset`` (not undoable: there was nothing before)."""
        self.trainer = Trainer(self)
        self.trainer.report.connect(self._on_report)
        self.trainer.start()
        self._install(state_of(preset_training(preset), preset), empty_log(PRESETS[preset].data()))

    def shutdown(self) -> None:
        """Stop the trainer thread and wait for it; end a compile of the loops still running."""
        if self.trainer is not None:
            self.trainer.report.disconnect(self._on_report)
            self.trainer.stop()
            self.trainer.deleteLater()
            self.trainer = None
        compiled.cancel_loading()
        compiled.wait_for_loader()

    @property
    def running(self) -> bool:
        return self.trainer is not None

    # -- what the views show -----------------------------------------------------------------------
    @property
    def last_iteration(self) -> int:
        return self.log.last_iteration

    @property
    def shown_iteration(self) -> int:
        """The iteration the views show: the one chosen on the timeline, or the latest."""
        return self.last_iteration if self.shown is None else self.shown

    @property
    def in_the_past(self) -> bool:
        return self.shown is not None and self.shown < self.last_iteration

    def moment(self) -> Moment:
        assert self.state is not None
        return moment_at(self.log, self.state, self.shown_iteration, self._next_iteration)

    def _next_iteration(self, state: SessionState) -> IterationLog | None:
        """The iteration after ``state`` (shown before it is trained): worked out now, or when it
        reads a big data set whole (a batch over 60,000 × 784: 20-45 s with numpy's loops) on a
        thread, with the compiled loops once loaded; None until it is in (:attr:`answers` tells)."""
        if not big_preview(state):
            return next_iteration(state)
        key = ("next iteration", id(state.data), state.iteration, state.mode, state.alpha, state.as_printed,
               state.weights.tobytes(), state.frozen.tobytes())
        return self.answers.get(key, state.data, lambda: next_iteration(state, replay_loops()))

    @property
    def shown_state(self) -> SessionState:
        """The session at the iteration shown: its weights and the settings it had then."""
        assert self.state is not None
        if not self.in_the_past:
            return self.state
        return state_at(self.log, self.state, self.shown_iteration)

    @property
    def log_full(self) -> bool:
        return self.state is not None and self.state.iteration >= log_capacity(self.state.data)

    def snapshot(self, copy_log: bool = False) -> Snapshot:
        assert self.state is not None
        # ``copy_log``: for an edit that keeps the log, which then grows, the snapshot gets its own
        # copy as it is now (sharing its full blocks: only the last one is copied), so undoing the
        # edit finds it as it was; a step that replaces the log keeps the old one itself
        return Snapshot(self.state.replace(playing=False, run_total=0, run_remaining=0),
                        self.log.head(self.log.count) if copy_log else self.log, self.pins, self.shown, self.notice)

    # -- intents: training -------------------------------------------------------------------------
    def step(self) -> None:
        """One new iteration (from the iteration shown: a new branch if it is in the past)."""
        self._leave_the_past()
        self._set_notice("")
        self._send(commands.Step())

    def play(self) -> None:
        self._leave_the_past()
        self._set_notice("")
        self._send(commands.Play())

    def pause(self) -> None:
        self._send(commands.Pause())

    def toggle_play(self) -> None:
        assert self.state is not None
        if self.state.playing:
            self.pause()
        else:
            self.play()

    def run(self, iterations: int) -> None:
        if iterations < 1:
            self.refused.emit(f"Run needs at least 1 iteration, not {iterations:,}.")
            return
        self._leave_the_past()
        self._set_notice("")
        self._send(commands.Run(iterations))

    def set_speed(self, speed: int | None) -> None:
        self._send(commands.SetSpeed(speed))

    def sync(self) -> int:
        """Ask the trainer to answer once every earlier command is applied: :attr:`synced` (token)."""
        token = next(self._tokens)
        self._send(commands.Sync(token))
        return token

    # -- intents: settings -------------------------------------------------------------------------
    def set_alpha(self, alpha: float) -> None:
        self._leave_the_past()
        self._send(commands.SetAlpha(alpha))

    def set_mode(self, mode: str) -> None:
        self._leave_the_past()
        self._send(commands.SetMode(mode))

    def set_example(self, example: int) -> None:
        self._leave_the_past()
        self._send(commands.SetExample(example))

    def set_data(self, data: DataSet) -> None:
        """New values in the data set (a cell of the data table): one Undo step, which brings back
        the data and the log as they were before it."""
        self._leave_the_past()
        self._push(_SwapSession(self, "Edit the data", lambda: self._send(commands.SetData(data)), keeps_log=True))

    def set_weight(self, output: int, input_: int, value: float) -> None:
        self._leave_the_past()
        self._send(commands.SetWeight(output, input_, value))

    def set_frozen(self, output: int, input_: int, frozen: bool) -> None:
        self._leave_the_past()
        self._send(commands.SetFrozen(output, input_, frozen))

    def set_as_printed(self, on: bool) -> None:
        self._leave_the_past()
        self._send(commands.SetAsPrinted(on))

    # -- intents: whole sessions (undoable) --------------------------------------------------------
    def load_preset(self, name: str) -> None:
        preset = PRESETS[name]  # KeyError: not a preset (the window offers only presets)
        self._replace(f"Choose preset {name}", lambda: state_of(preset_training(name), name),
                      lambda: empty_log(preset.data()))

    def load_shape(self, n_inputs: int, n_outputs: int) -> None:
        """A fresh network of that shape; its alpha is its own (a 1 → 3 network's 10, where the
        book's game had 0.01), and the window says so, with the reason."""
        before = self.state.alpha if self.state is not None else None
        training = fresh_training(n_inputs, n_outputs)
        self._replace(f"New {n_inputs} × {n_outputs} network", lambda: state_of(training),
                      lambda: empty_log(training.data))
        if training.alpha != before:
            self.message.emit(f"Alpha set to {training.alpha:g}" + ("" if before is None else f" (was {before:g})")
                              + f": half the largest stable alpha for this data ({training.stable_alpha():.4g}), "
                              "rounded down to one digit.")

    def load_data(self, data: DataSet, name: str, alpha: float | None = None, mode: str | None = None) -> None:
        """A network on a learner's own data set (imported or edited into another shape): every
        weight 0, alpha half the largest stable one for the mode (rounded down to one digit)
        unless given; the mode :func:`data_mode` unless given; a new session, undoable."""
        mode = mode or data_mode(data, self.state.mode if self.state is not None else "example")
        training = data_training(data, mode, 0, alpha)
        self._replace(f"Import {name}", lambda: state_of(training), lambda: empty_log(data))
        if alpha is None:
            self.message.emit(f"Alpha set to {training.alpha:g}: half the largest stable alpha for this data "
                              f"({training.stable_alpha():.4g}), rounded down to one digit.")

    def edit_network(self, text: str, network: Network) -> None:
        """An edit of the data table's shape or names (rows, columns, a rename, a paste, the Shape
        fields): a new session on ``network`` from its weights, the other settings kept; one Undo step."""
        assert self.state is not None
        state, data = self.state, network.data
        training = Training(data, network.weights, state.alpha, mode=state.mode,
                            example=min(state.example, data.n_examples - 1), frozen=network.frozen,
                            as_printed=state.as_printed and data.n_inputs == data.n_outputs)
        self._replace(text, lambda: state_of(training), lambda: empty_log(data))

    def load_session(self, session: Session, name: str) -> None:
        """Open a session read from a file (checked whole by gdviz.core.session)."""
        def log() -> KeyframedLog:
            assert isinstance(session.log, KeyframedLog)  # gdviz.core.session reads every version into one
            return session.log

        self._replace(f"Open {name}", lambda: session.state, log, shown=session.shown)

    def reset(self) -> None:
        """Back to the initial weights with an empty log (undoable: the log is kept)."""
        assert self.state is not None
        state = self.state
        self._replace("Reset", lambda: state.replace(weights=state.initial_weights, iteration=0),
                      lambda: empty_log(state.data), pins=self.pins)

    def _replace(self, text: str, make_state, make_log, *, shown: int | None = None,
                 pins: tuple[Pin, ...] = ()) -> None:
        def change() -> None:
            speed = self.state.speed if self.state is not None else DEFAULT_SPEED
            self._install(make_state().replace(speed=speed, playing=False, run_total=0, run_remaining=0),
                          make_log(), shown=shown, pins=pins)

        self._push(_SwapSession(self, text, change))

    def _push(self, step: _SwapSession) -> None:
        self.undo_stack.push(step)
        self._undo_steps.append(step)
        self._bound_undo()

    def _bound_undo(self) -> None:
        """Keep the logs the undo steps hold within UNDO_BYTES: the oldest steps let theirs go."""
        self._undo_steps = [s for s in self._undo_steps if shiboken6.isValid(s) and not s.dropped]
        held, seen, dropped = 0, {id(self.log)}, 0
        for step in reversed(self._undo_steps):
            log = step.held_log()
            if log is not None and id(log) not in seen:
                seen.add(id(log))
                held += log.nbytes
            if held > UNDO_BYTES:
                step.drop()
                dropped += 1
        if dropped:
            self.message.emit(f"Undo forgot its {dropped:,} oldest step{'s' * (dropped != 1)} to keep its "
                              f"history under {UNDO_BYTES >> 20:,} MB.")

    # -- time travel -------------------------------------------------------------------------------
    def show_iteration(self, iteration: int | None) -> None:
        """Show ``iteration`` (clamped to the log); None or the last one: follow the latest.

        Going back pauses training: the past is for looking at (training from there branches)."""
        assert self.state is not None
        if iteration is not None:
            iteration = max(self.log.first_iteration - 1, min(int(iteration), self.last_iteration))
            if iteration == self.last_iteration:
                iteration = None
        if iteration is not None and self.state.playing:
            self.pause()
        if iteration != self.shown:
            self.shown = iteration
            self.shown_changed.emit()

    def step_back(self) -> None:
        self.show_iteration(self.shown_iteration - 1)

    def step_forward(self) -> None:
        """The next logged iteration; at the end, a new one (as Step)."""
        if self.in_the_past:
            self.show_iteration(self.shown_iteration + 1)
        else:
            self.step()

    def _leave_the_past(self) -> None:
        """Before training or an edit while a past iteration is shown: branch from it (undoable)."""
        if not self.in_the_past:
            if self.shown is not None:
                self.shown = None
                self.shown_changed.emit()
            return
        branch_point = self.shown_iteration
        self._push(_SwapSession(self, f"Branch from iteration {branch_point:,}", lambda: self._branch(branch_point)))

    def _branch(self, iteration: int) -> None:
        assert self.state is not None
        old = self.log
        kept = iteration - old.first_iteration + 1  # rows of iterations up to `iteration`
        log = old.head(kept)  # the kept rows, sharing the old log's full blocks
        ghost = Pin(f"branch from {iteration:,}", old.iterations[kept:].astype(np.float64),
                    np.array(old.column("error_total", kept)))
        state = state_at(old, self.state, iteration)
        self._install(state, log, pins=(*self.pins, ghost)[-MAX_PINNED:])

    # -- pins -------------------------------------------------------------------------------------
    def pin_run(self) -> None:
        """Keep the current total error curve as a faded ghost, labelled with its settings."""
        assert self.state is not None
        if self.log.count == 0:
            self.message.emit("Nothing to pin yet: train first.")
            return
        state = self.state
        frozen = [state.data.edge_name(o, i) for o, i in zip(*np.nonzero(state.frozen))]
        label = f"alpha {state.alpha:g}, {state.mode}"
        if frozen:
            label += ", frozen " + " ".join(frozen)
        if state.as_printed:
            label += ", as printed"
        pin = Pin(label, self.log.iterations.astype(np.float64), np.array(self.log.column("error_total")))
        self.pins = (*self.pins, pin)[-MAX_PINNED:]
        self.pins_changed.emit()

    def restore_pins(self, pins: tuple[Pin, ...]) -> None:
        """Ghost runs read from a session file (gdviz.ui.moment_view)."""
        self.pins = tuple(pins)[-MAX_PINNED:]
        self.pins_changed.emit()

    def unpin(self, index: int | None = None) -> None:
        """Remove pin ``index``, or every pin."""
        self.pins = () if index is None else self.pins[:index] + self.pins[index + 1:]
        self.pins_changed.emit()

    # -- the machinery ------------------------------------------------------------------------------
    def restore(self, snapshot: Snapshot) -> None:
        """Make ``snapshot`` the session (an undo or redo step)."""
        speed = self.state.speed if self.state is not None else snapshot.state.speed
        self._install(snapshot.state.replace(speed=speed), snapshot.log, shown=snapshot.shown, pins=snapshot.pins,
                      notice=snapshot.notice)

    def _install(self, state: SessionState, log: KeyframedLog, *, shown: int | None = None,
                 pins: tuple[Pin, ...] = (), notice: str = "") -> None:
        """Make ``state`` and ``log`` the session, and have the trainer go on from them."""
        assert self.trainer is not None
        if state.iteration != log.last_iteration:
            state = state.replace(iteration=log.last_iteration)
        self._generation += 1
        training = training_at(log, state)
        self.trainer.send(commands.Load(training, state.preset, self._generation, state.speed,
                                        log_capacity(state.data), log.keyframe_every))
        self.state, self.log, self.pins = state, log, pins
        self.shown = shown if shown is None or shown < log.last_iteration else None
        self.notice = notice
        self.log_replaced.emit()
        self.state_changed.emit()
        self.shown_changed.emit()
        self.pins_changed.emit()
        self.notice_changed.emit()

    def _send(self, command: commands.Command) -> None:
        if self.trainer is not None:
            self.trainer.send(command)

    def _set_notice(self, text: str) -> None:
        if text != self.notice:
            self.notice = text
            self.notice_changed.emit()

    @Slot(object)
    def _on_report(self, report: Report) -> None:
        if report.generation != self._generation:
            return  # sent before the trainer was given another session
        if report.records is not None:
            try:
                self.log.append_batch(report.records)
            except MemoryError:  # the batch is dropped: the trainer goes on from the log as it is
                notice = (f"Memory ran short: the log keeps its {self.log.count:,} iterations "
                          f"({self.log.nbytes / 1e6:,.0f} MB) and training stopped. Export it (Ctrl+E) "
                          "or Reset (R) to go on.")
                assert self.state is not None
                self._install(self.state.replace(playing=False, run_total=0, run_remaining=0), self.log,
                              shown=self.shown, pins=self.pins, notice=notice)
                return
            self._send(commands.Grant())  # taken: the trainer may compute the next batch meanwhile
        self.state = report.state
        if report.records is not None and report.records.count:
            self.records_added.emit()
        self.state_changed.emit()
        if report.divergence is not None:
            self._set_notice(report.divergence.message())
        if report.limit_reached:
            self._set_notice(f"The log is full: it holds {report.state.iteration:,} iterations "
                             f"({self.log.nbytes / 1e6:,.0f} MB, half of this computer's "
                             f"{2 * memory_budget() / 1e9:.0f} GB), all of them kept. Export it (Ctrl+E) or "
                             "Reset (R) to go on.")
        if report.refused:
            self.refused.emit(report.refused)
        if report.failure:  # an unexpected error in the trainer: said where training stops are said
            self._set_notice(report.failure)
            self.message.emit(report.failure)
        if report.sync is not None:
            self.synced.emit(report.sync)
