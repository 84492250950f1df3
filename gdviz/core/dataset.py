"""A data set: named inputs, named outputs, and K examples (input values and target values)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

MAX_UNITS = 32
"""The largest number of inputs or of outputs of a network made with the Shape fields."""

MAX_INPUTS = 1024
MAX_OUTPUTS = 64
"""The largest numbers of inputs and of outputs a data set may have (a learner's own data, 8×8 images)."""

MAX_NAME_LENGTH = 40
_FORBIDDEN_IN_NAMES = ("->", "→", ":")
"""Spellings that would make a weight's name (``toes->win``) or a log column (``in:toes``)
ambiguous. Commas, quotes and line breaks are allowed: every CSV quotes them."""


def edge_name(input_name: str, output_name: str, *, screen: bool = False) -> str:
    """The one spelling of a weight's name: ``toes->win`` in files and code, ``toes→win`` on screen."""
    return f"{input_name}{'→' if screen else '->'}{output_name}"


def check_name(name: str, what: str) -> str:
    """Return ``name`` if it can name a node (and a CSV column); raise ValueError otherwise."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{what} name must be non-empty text")
    if name != name.strip():
        raise ValueError(f"{what} name {name!r} has leading or trailing spaces")
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"{what} name {name!r} is {len(name)} characters long; "
                         f"a name has 1 to {MAX_NAME_LENGTH}")
    for bad in _FORBIDDEN_IN_NAMES:
        if bad in name:
            raise ValueError(f"{what} name {name!r} may not contain {bad!r}")
    return name


def check_names(names: Iterable[str], what: str) -> tuple[str, ...]:
    names = tuple(check_name(n, what) for n in names)
    most = MAX_INPUTS if what == "input" else MAX_OUTPUTS
    if not 1 <= len(names) <= most:
        raise ValueError(f"a network needs 1 to {most:,} {what}s, not {len(names)}")
    if len(set(names)) != len(names):
        raise ValueError(f"{what} names must be different from each other: {', '.join(names)}")
    return names


def finite_matrix(values: ArrayLike, shape: tuple[int, int], what: str, *, copy: bool = True) -> NDArray[np.float64]:
    """``values`` as a new float64 array of ``shape`` (``values`` itself if it is one and ``copy``
    is false); ValueError if it does not fit or is not finite."""
    try:
        array = np.array(values, dtype=np.float64) if copy else np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be numbers ({exc})") from None
    if array.shape != shape:
        raise ValueError(f"{what} must have shape {shape}, not {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{what} must be finite numbers (no nan or inf)")
    return array


def check_image(image: object, n_inputs: int) -> tuple[int, int]:
    """``image`` as ``(rows, columns)`` if it is two whole numbers ≥ 1 whose product is
    ``n_inputs``; ValueError naming the problem otherwise."""
    if not isinstance(image, tuple | list) or len(image) != 2:
        raise ValueError(f"an image size is rows × columns, not {image!r}")
    if not all(isinstance(n, int | np.integer) and not isinstance(n, bool) and n >= 1 for n in image):
        raise ValueError(f"an image size is two whole numbers ≥ 1, not {image[0]!r} × {image[1]!r}")
    rows, columns = int(image[0]), int(image[1])
    if rows * columns != n_inputs:
        raise ValueError(f"an image of {columns} × {rows} pixels has {rows * columns:,} pixels, "
                         f"but the data set has {n_inputs:,} inputs")
    return rows, columns


def _table(values: ArrayLike, what: str) -> NDArray[np.float64]:
    try:
        return np.array(values, dtype=np.float64, ndmin=2)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be rows of numbers, one row per example, all rows the same "
                         f"length (so {what} must have shape examples × names)") from None


@dataclass(frozen=True)
class DataSet:
    """Named inputs and outputs with one row per example.

    ``inputs`` is K×N (one row per example, one column per input) and ``targets`` K×M.
    The arrays are private copies and read-only, so a data set can be handed between threads.
    """

    input_names: tuple[str, ...]
    output_names: tuple[str, ...]
    inputs: np.ndarray
    targets: np.ndarray
    one_hot: str | None = None
    """The name of the class column the outputs came from (one output per class, target 1 for
    the example's class), for a data set imported that way; None otherwise."""
    image: tuple[int, int] | None = None
    """``(rows, columns)`` when the inputs are the pixels of an image, row by row (an import that
    named its width × height); None otherwise (see :func:`gdviz.core.images.image_shape`)."""

    def __post_init__(self) -> None:
        if self.one_hot is not None:
            check_name(self.one_hot, "class column")
        if self.image is not None:
            object.__setattr__(self, "image", check_image(self.image, len(self.input_names)))
        input_names = check_names(self.input_names, "input")
        output_names = check_names(self.output_names, "output")
        inputs, targets = _table(self.inputs, "inputs"), _table(self.targets, "targets")
        examples = inputs.shape[0]
        if examples < 1:
            raise ValueError("a data set needs at least one example")
        # (_table made them new arrays: a 60,000 × 784 data set is not copied twice more)
        inputs = finite_matrix(inputs, (examples, len(input_names)), "inputs", copy=False)
        targets = finite_matrix(targets, (examples, len(output_names)), "targets", copy=False)
        inputs.flags.writeable = False
        targets.flags.writeable = False
        object.__setattr__(self, "input_names", input_names)
        object.__setattr__(self, "output_names", output_names)
        object.__setattr__(self, "inputs", inputs)
        object.__setattr__(self, "targets", targets)

    @functools.cached_property
    def input_range(self) -> tuple[float, float]:
        """The smallest and the largest input value (read once: 60,000 × 784 inputs take ~60 ms,
        so an import works it out on its thread)."""
        return float(self.inputs.min()), float(self.inputs.max())

    @property
    def n_inputs(self) -> int:
        return len(self.input_names)

    @property
    def n_outputs(self) -> int:
        return len(self.output_names)

    @property
    def n_examples(self) -> int:
        examples: int = self.inputs.shape[0]
        return examples

    def edge_name(self, output: int, input_: int, *, screen: bool = False) -> str:
        """The name of the weight from ``input_`` to ``output``: ``toes->win`` (``toes→win`` on screen)."""
        return edge_name(self.input_names[input_], self.output_names[output], screen=screen)

    def edge_names(self) -> list[str]:
        """All weight names, row-major: for each output, each input."""
        return [self.edge_name(o, i) for o in range(self.n_outputs) for i in range(self.n_inputs)]

    def find_edge(self, name: str) -> tuple[int, int]:
        """``(output, input)`` of the weight called ``name`` (``input->output`` or ``input→output``);
        KeyError if none."""
        try:
            input_, _, output = name.replace("→", "->").partition("->")
            index = self.edge_names().index(edge_name(input_.strip(), output.strip()))
        except ValueError:
            raise KeyError(
                f"no weight {name!r}; the weights are {', '.join(self.edge_names())}"
            ) from None
        return divmod(index, self.n_inputs)

    def with_value(self, kind: str, example: int, column: int, value: float) -> DataSet:
        """A copy with one input (``kind='input'``) or target (``kind='target'``) changed."""
        inputs, targets = self.inputs.copy(), self.targets.copy()
        (inputs if kind == "input" else targets)[example, column] = value
        return DataSet(self.input_names, self.output_names, inputs, targets, self.one_hot, self.image)

    @staticmethod
    def blank(n_inputs: int, n_outputs: int, n_examples: int = 1) -> DataSet:
        """A fresh data set with nodes named ``x1…``/``y1…``, inputs 1 and targets 0."""
        return DataSet(
            tuple(f"x{i + 1}" for i in range(n_inputs)),
            tuple(f"y{o + 1}" for o in range(n_outputs)),
            np.ones((n_examples, n_inputs)),
            np.zeros((n_examples, n_outputs)),
        )
