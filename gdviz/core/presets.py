"""The networks of the "Generalizing gradient descent" chapter, on the book's four games.

Every preset carries all four games of its own listing; example 0 (the first game) is the one
trained on. The listings agree on the data except one: the multi-output listing's ``wlrec`` is
``[0.65, 1.0, 1.0, 0.9]`` where the others have ``[0.65, 0.8, 0.8, 0.9]``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gdviz.core.dataset import DataSet
from gdviz.core.digits import DIGIT_NAMES, PIXEL_NAMES, digits_data
from gdviz.core.training import Training

# The book's data: one column per game.
GAMES: dict[str, list[float]] = {
    "toes": [8.5, 9.5, 9.9, 9.0],  # current average number of toes
    "wlrec": [0.65, 0.8, 0.8, 0.9],  # current games won (percent)
    "nfans": [1.2, 1.3, 0.5, 1.0],  # fan count (in millions)
    "hurt": [0.1, 0.0, 0.0, 0.1],
    "win": [1, 1, 0, 1],
    "sad": [0.1, 0.0, 0.1, 0.2],
}
MULTI_OUT_GAMES = {**GAMES, "wlrec": [0.65, 1.0, 1.0, 0.9]}  # as the multi-output listing has it


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    weights: list[list[float]]  # rows = outputs, columns = inputs
    alpha: float
    frozen: list[list[bool]] | None = field(default=None)
    games: dict[str, list[float]] = field(default_factory=lambda: GAMES)  # the listing's data, one column per game
    mode: str = "example"
    source: Callable[[], DataSet] | None = None
    """Where the data comes from when it is not the book's games (the digits: a file)."""

    def data(self) -> DataSet:
        if self.source is not None:
            return self.source()
        return DataSet(
            self.inputs,
            self.outputs,
            np.array([self.games[name] for name in self.inputs]).T,
            np.array([self.games[name] for name in self.outputs]).T,
        )

    @property
    def shape(self) -> str:
        return f"{len(self.inputs)} in × {len(self.outputs)} out"


PRESETS = {
    preset.name: preset
    for preset in [
        Preset("single", "one input, one output", ("toes",), ("win",), [[0.1]], 0.01),
        Preset("multi-in", "many inputs, one output", ("toes", "wlrec", "nfans"), ("win",),
               [[0.1, 0.2, -0.1]], 0.01),
        Preset("multi-out", "one input, many outputs", ("wlrec",), ("hurt", "win", "sad"),
               [[0.3], [0.2], [0.9]], 0.1, games=MULTI_OUT_GAMES),
        Preset("multi-in-out", "many inputs, many outputs", ("toes", "wlrec", "nfans"),
               ("hurt", "win", "sad"),
               [[0.1, 0.1, -0.3], [0.1, 0.2, 0.0], [0.0, 1.3, 0.1]], 0.01),
        Preset("multi-in-frozen", "the book's experiment: many inputs, toes frozen",
               ("toes", "wlrec", "nfans"), ("win",), [[0.1, 0.2, -0.1]], 0.3,
               frozen=[[True, False, False]]),
        Preset("digits", "handwritten digits: 8×8 pixels to 10 digits", PIXEL_NAMES, DIGIT_NAMES,
               [[0.0] * len(PIXEL_NAMES) for _ in DIGIT_NAMES], 0.01, mode="cycle", source=digits_data),
    ]
}
DEFAULT_PRESET = "multi-in-out"


def preset_training(name: str, **overrides: Any) -> Training:
    """A fresh :class:`Training` on preset ``name``; keyword arguments override its settings."""
    try:
        preset = PRESETS[name]
    except KeyError:
        raise KeyError(f"unknown preset {name!r}; the presets are {', '.join(PRESETS)}") from None
    settings: dict[str, Any] = {"alpha": preset.alpha, "frozen": preset.frozen, "mode": preset.mode, **overrides}
    return Training(preset.data(), preset.weights, **settings)


def fresh_training(n_inputs: int, n_outputs: int, n_examples: int = 4) -> Training:
    """A new network with nodes ``x1…``/``y1…`` and small made-up data to learn.

    The numbers come from a fixed seed (the same shape always gives the same network), rounded
    to two decimals so they are easy to read; alpha is half the largest stable alpha, rounded down
    to one significant digit.
    """
    rng = np.random.default_rng(1000 * n_inputs + n_outputs)
    data = DataSet(
        tuple(f"x{i + 1}" for i in range(n_inputs)),
        tuple(f"y{o + 1}" for o in range(n_outputs)),
        np.round(rng.uniform(0.1, 1.0, (n_examples, n_inputs)), 2),
        np.round(rng.uniform(0.0, 1.0, (n_examples, n_outputs)), 2),
    )
    weights = np.round(rng.uniform(-0.5, 0.5, (n_outputs, n_inputs)), 2)
    training = Training(data, weights, alpha=1.0)
    training.set_alpha(default_alpha(training))
    return training


FALLBACK_ALPHA = 0.01
"""Alpha when no alpha makes training unstable (every input 0): the book's usual one."""


def default_alpha(training: Training) -> float:
    """Half the largest stable alpha for the training's data, mode and example, rounded down to
    one significant digit: what a new shape or a learner's own data starts with."""
    bound = training.stable_alpha()
    return round_down(bound / 2) if math.isfinite(bound) and bound > 0 else FALLBACK_ALPHA


def data_mode(data: DataSet, current: str) -> str:
    """The mode a learner's data set opens in: ``cycle`` for one class per example (one-hot, as the
    digits: example mode would learn one row and call it done), else ``current``."""
    return "cycle" if data.one_hot is not None else current


def data_training(data: DataSet, mode: str = "example", example: int = 0, alpha: float | None = None) -> Training:
    """A network on a learner's own data: every weight 0, alpha :func:`default_alpha` unless given."""
    training = Training(data, np.zeros((data.n_outputs, data.n_inputs)), alpha=1.0, mode=mode)
    training.set_example(example)
    training.set_alpha(default_alpha(training) if alpha is None else alpha)
    return training


def round_down(value: float) -> float:
    """``value`` (> 0) rounded down to one significant digit, never to 0: 0.0437 -> 0.04.

    Worked out on the decimal text, not as ``floor(value / 10**k)``: a quotient meant to be 1 can
    come out as 0.9999999999999999, whose floor is 0 (1 × 4 and 1 × 22 networks got alpha 0)."""
    exponent = math.floor(math.log10(value)) + 1
    while True:
        for digit in range(9, 0, -1):
            candidate = float(f"{digit}e{exponent}")
            if candidate <= value:
                return candidate
        exponent -= 1
