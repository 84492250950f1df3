"""Random sequences of what a learner does, sent to the controller, checked against a replay of
the same actions on the core alone (hypothesis's RuleBasedStateMachine).

After every action the controller has answered (``sync``) and: its log is complete and numbered
1, 2, … with no gap; its log, weights and settings equal the replay's bit for bit; nothing raised
(pytest-qt fails a test whose slots raise); at the end no thread is left running.
"""

import copy

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from gdviz.core.csv_log import read_csv, write_csv
from gdviz.core.log import IterationLog
from gdviz.core.presets import PRESETS, fresh_training, preset_training
from gdviz.core.session import Session, load_session, save_session
from gdviz.core.state import state_of, training_from
from gdviz.core.training import MODES, STARTING_ROWS

QTBOT = None  # the test's qtbot, for the machine's waits
TMP = None


class Replay:
    """The session as the core alone computes it: a Training, the whole log, the iteration shown."""

    def __init__(self, training, preset):
        self.training, self.preset = training, preset
        self.log = IterationLog(training.data.n_inputs, training.data.n_outputs)
        self.shown = None

    def take(self):
        self.log.extend(self.training.log.take())

    def train(self, iterations):
        self.training.run(iterations)
        self.take()

    @property
    def last(self):
        return self.log.last_iteration

    def branch_if_in_the_past(self, undo):
        if self.shown is None or self.shown >= self.last:
            self.shown = None
            return
        undo.push(self)
        k = self.shown
        kept = self.log.slice(0, k)
        weights = self.log.weights[k] if k < self.log.count else self.training.weights
        state = state_of(self.training, self.preset).replace(weights=np.array(weights), iteration=k)
        self.training = training_from(state, starting_errors=kept.error_total[:STARTING_ROWS])
        self.log = IterationLog(kept.n_inputs, kept.n_outputs)
        self.log.extend(kept)
        self.shown = None


class UndoMirror:
    """The undo stack's behaviour, on replays: each step swaps the session with the one kept."""

    def __init__(self, limit):
        self.undo, self.redo, self.limit = [], [], limit

    def push(self, replay):
        self.undo.append(copy.deepcopy(replay.__dict__))
        self.undo = self.undo[-self.limit:]
        self.redo = []

    def swap(self, replay, source, target):
        kept = source.pop()
        target.append(copy.deepcopy(replay.__dict__))
        replay.__dict__.update(copy.deepcopy(kept))


class SessionMachine(RuleBasedStateMachine):
    @initialize(preset=st.sampled_from(sorted(PRESETS)))
    def start(self, preset):
        from gdviz.ui.controller import UNDO_LIMIT, SessionController

        self.controller = SessionController()
        self.controller.start(preset)
        self.replay = Replay(preset_training(preset), preset)
        self.undo = UndoMirror(UNDO_LIMIT)
        self.sync()

    def teardown(self):
        if hasattr(self, "controller"):
            self.controller.shutdown()
            self.controller.deleteLater()

    def sync(self):
        with QTBOT.waitSignal(self.controller.synced, timeout=30000):
            self.controller.sync()

    def wait_until_stopped(self):
        QTBOT.waitUntil(lambda: not self.controller.state.playing, timeout=60000)
        self.sync()

    # -- training ------------------------------------------------------------------------------------
    @rule(times=st.integers(1, 5))
    def step(self, times):
        for _ in range(times):
            self.replay.branch_if_in_the_past(self.undo)
            self.controller.step()
            self.sync()
            self.replay.train(1)

    @rule(iterations=st.integers(1, 300))
    def run(self, iterations):
        self.replay.branch_if_in_the_past(self.undo)
        self.controller.run(iterations)
        self.sync()
        self.wait_until_stopped()
        self.replay.train(iterations)

    @rule(speed=st.sampled_from([1000, None]))
    def play_then_pause(self, speed):
        self.replay.branch_if_in_the_past(self.undo)
        before = self.replay.log.count  # after the branch Play makes from a past iteration
        self.controller.set_speed(speed)
        self.controller.play()
        self.controller.pause()
        self.wait_until_stopped()
        self.replay.train(self.controller.log.count - before)  # however many were done: the same ones

    # -- settings ------------------------------------------------------------------------------------
    @rule(alpha=st.sampled_from([0.001, 0.01, 0.02, 0.1, 5.0, 0.0, -1.0, float("nan")]))
    def set_alpha(self, alpha):
        self.replay.branch_if_in_the_past(self.undo)
        self.controller.set_alpha(alpha)
        self.sync()
        try:
            self.replay.training.set_alpha(alpha)
        except ValueError:
            pass  # refused by both

    @rule(mode=st.sampled_from(MODES))
    def set_mode(self, mode):
        self.controller.set_mode(mode)
        self.sync()
        self.replay.training.set_mode(mode)

    @rule(example=st.integers(0, 4))
    def set_example(self, example):
        self.controller.set_example(example)
        self.sync()
        try:
            self.replay.training.set_example(example)
        except ValueError:
            pass

    @rule(data=st.data(), value=st.sampled_from([0.0, 0.5, 7.0, -2.0]))
    def edit_data(self, data, value):
        current = self.replay.training.data
        kind = data.draw(st.sampled_from(["input", "target"]))
        row = data.draw(st.integers(0, current.n_examples - 1))
        column = data.draw(st.integers(0, (current.n_inputs if kind == "input" else current.n_outputs) - 1))
        self.replay.branch_if_in_the_past(self.undo)
        edited = self.controller.state.data.with_value(kind, row, column, value)
        self.controller.set_data(edited)
        self.sync()
        self.replay.training.set_data(edited)

    @rule(data=st.data(), frozen=st.booleans())
    def freeze(self, data, frozen):
        current = self.replay.training.data
        output = data.draw(st.integers(0, current.n_outputs - 1))
        input_ = data.draw(st.integers(0, current.n_inputs - 1))
        self.replay.branch_if_in_the_past(self.undo)
        self.controller.set_frozen(output, input_, frozen)
        self.sync()
        self.replay.training.set_frozen(output, input_, frozen)

    @rule(on=st.booleans())
    def as_printed(self, on):
        self.controller.set_as_printed(on)
        self.sync()
        try:
            self.replay.training.set_as_printed(on)
        except ValueError:
            pass

    # -- whole sessions ------------------------------------------------------------------------------
    @rule(what=st.sampled_from(["preset", "shape", "reset"]), preset=st.sampled_from(sorted(PRESETS)),
          n=st.integers(1, 5), m=st.integers(1, 5))
    def replace_the_session(self, what, preset, n, m):
        """A preset, a shape or Reset: each replaces the session (one rule, so that training
        actions, which need a log to work on, come more often)."""
        self.undo.push(self.replay)
        if what == "preset":
            self.controller.load_preset(preset)
            self.replay.__dict__.update(Replay(preset_training(preset), preset).__dict__)
        elif what == "shape":
            self.controller.load_shape(n, m)
            self.replay.__dict__.update(Replay(fresh_training(n, m), None).__dict__)
        else:
            self.controller.reset()
            training = self.replay.training
            state = state_of(training, self.replay.preset).replace(weights=training.initial_weights, iteration=0)
            self.replay.training = training_from(state)
            self.replay.log = IterationLog(training.data.n_inputs, training.data.n_outputs)
            self.replay.shown = None
        self.sync()

    @precondition(lambda self: self.undo.undo)
    @rule()
    def undo_(self):
        self.controller.undo_stack.undo()
        self.sync()
        self.undo.swap(self.replay, self.undo.undo, self.undo.redo)

    @precondition(lambda self: self.undo.redo)
    @rule()
    def redo(self):
        self.controller.undo_stack.redo()
        self.sync()
        self.undo.swap(self.replay, self.undo.redo, self.undo.undo)

    @rule(include_log=st.booleans())
    def save_and_open(self, include_log):
        path = TMP / "session.gdviz"
        controller = self.controller
        save_session(path, Session(controller.state, controller.log.shared(), controller.shown),
                     include_log=include_log)
        session = load_session(path)
        self.undo.push(self.replay)
        controller.load_session(session, path.name)
        self.sync()
        state = session.state
        self.replay.training = training_from(state, starting_errors=session.log.error_total[:STARTING_ROWS])
        self.replay.preset = state.preset
        self.replay.log = IterationLog(state.data.n_inputs, state.data.n_outputs)
        self.replay.log.extend(session.log)
        self.replay.shown = session.shown if session.shown is not None and session.shown < session.log.last_iteration \
            else None

    @rule()
    def export(self):
        path = TMP / "log.csv"
        state = self.controller.state
        write_csv(path, self.controller.log.shared(), state.data.input_names, state.data.output_names)
        log, _, _ = read_csv(path)
        assert log.equals(self.controller.log) or self.controller.log.count == 0

    # -- time travel -----------------------------------------------------------------------------------
    @precondition(lambda self: self.controller.log.count > 0)
    @rule(data=st.data())
    def show_an_iteration(self, data):
        k = data.draw(st.integers(0, self.controller.last_iteration))
        self.controller.show_iteration(k)
        self.sync()
        self.replay.shown = None if k >= self.replay.last else k

    # -- what must always hold --------------------------------------------------------------------------
    @invariant()
    def the_log_is_complete_and_equals_the_replay(self):
        if not hasattr(self, "controller"):
            return
        controller, replay = self.controller, self.replay
        log = controller.log
        assert log.iterations.tolist() == list(range(1, log.count + 1))
        assert log.equals(replay.log), (log.count, replay.log.count)
        state, training = controller.state, replay.training
        assert state.iteration == log.last_iteration
        assert np.array_equal(state.weights, training.weights)
        assert (state.alpha, state.mode, state.example, state.as_printed, state.preset) == (
            training.alpha, training.mode, training.example, training.as_printed, replay.preset)
        assert np.array_equal(state.frozen, training.frozen)
        assert np.array_equal(state.data.inputs, training.data.inputs)
        assert np.array_equal(state.data.targets, training.data.targets)
        assert controller.shown == replay.shown


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_random_sequences_of_actions_keep_the_session_whole(qapp, qtbot, tmp_path):
    from gdviz.ui.garbage import GuiThreadCollector

    global QTBOT, TMP
    QTBOT, TMP = qtbot, tmp_path
    collector = GuiThreadCollector()  # as a window has: Qt objects are freed on this thread only
    try:
        run_state_machine_as_test(SessionMachine, settings=settings(
            max_examples=40, stateful_step_count=25, deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
    finally:
        collector.stop()
