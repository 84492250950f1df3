"""Edits of the data table that change its shape: examples and columns added, removed, renamed,
pasted; the Shape fields. Each returns a new :class:`Network` (data, weights, frozen), so the
network follows its data: a new input or output gets weights 0 (not frozen), a removed one takes
its weights with it, and every other weight stays where it was.

Everything here is plain Python on immutable data: the window makes each result one Undo step.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gdviz.core.data_import import MAX_EXAMPLES
from gdviz.core.dataset import MAX_INPUTS, MAX_OUTPUTS, DataSet, check_name


def cell_number(text: str, where: str) -> float:
    """A pasted cell as a finite float: ``0.5``, ``-3``, ``1e-3``, the tables' minus sign, a
    spreadsheet's decimal comma (``0,5``); ValueError naming ``where`` otherwise."""
    cleaned = text.strip().replace("\u2212", "-")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not cleaned:
        raise ValueError(f"{where}: the cell is empty")
    try:
        if not cleaned.isascii() or "_" in cleaned:
            raise ValueError
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{where}: {text.strip()!r} is not a number") from None
    if not np.isfinite(value) or abs(value) > 1e100:
        raise ValueError(f"{where}: {text.strip()!r} is not a finite number within ±1e100")
    return value


@dataclass(frozen=True)
class Network:
    data: DataSet
    weights: np.ndarray  # outputs × inputs
    frozen: np.ndarray  # outputs × inputs, bool

    def __post_init__(self) -> None:
        shape = (self.data.n_outputs, self.data.n_inputs)
        object.__setattr__(self, "weights", np.array(self.weights, dtype=np.float64).reshape(shape))
        object.__setattr__(self, "frozen", np.array(self.frozen, dtype=bool).reshape(shape))


def _with(network: Network, inputs: np.ndarray, targets: np.ndarray, input_names: Sequence[str],
          output_names: Sequence[str], weights: np.ndarray, frozen: np.ndarray) -> Network:
    # the outputs are still the classes of the column they came from only if they are the same
    one_hot = network.data.one_hot if tuple(output_names) == network.data.output_names else None
    # the inputs are still an image's pixels only if there are as many of them
    image = network.data.image if len(input_names) == network.data.n_inputs else None
    data = DataSet(tuple(input_names), tuple(output_names), inputs, targets, one_hot, image)
    return Network(data, weights, frozen)


def fresh_name(taken: Sequence[str], prefix: str, start: int) -> str:
    """``x4`` for the fourth input (``x5`` … if taken), ``y2`` for a second output."""
    number = start
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def add_examples(network: Network, at: int, count: int = 1) -> Network:
    """``count`` new examples before row ``at`` (at the end if ``at`` is the number of examples):
    inputs and targets 0 until edited."""
    data = network.data
    if data.n_examples + count > MAX_EXAMPLES:
        raise ValueError(f"a data set has at most {MAX_EXAMPLES:,} examples")
    inputs = np.insert(data.inputs, at, np.zeros((count, data.n_inputs)), axis=0)
    targets = np.insert(data.targets, at, np.zeros((count, data.n_outputs)), axis=0)
    return _with(network, inputs, targets, data.input_names, data.output_names, network.weights, network.frozen)


def remove_examples(network: Network, rows: Sequence[int]) -> Network:
    data = network.data
    rows = sorted(set(rows))
    if len(rows) >= data.n_examples:
        raise ValueError("a data set needs at least one example: keep one")
    inputs, targets = np.delete(data.inputs, rows, axis=0), np.delete(data.targets, rows, axis=0)
    return _with(network, inputs, targets, data.input_names, data.output_names, network.weights, network.frozen)


def add_column(network: Network, kind: str, at: int | None = None, name: str | None = None) -> Network:
    """A new input (``kind='input'``) or output (``'target'``) before column ``at`` of its kind
    (at the end if None), its values 0, its weights 0."""
    data, weights, frozen = network.data, network.weights, network.frozen
    names = list(data.input_names if kind == "input" else data.output_names)
    most = MAX_INPUTS if kind == "input" else MAX_OUTPUTS
    if len(names) >= most:
        raise ValueError(f"a data set has at most {most:,} {'inputs' if kind == 'input' else 'outputs'}")
    at = len(names) if at is None else at
    taken = (*data.input_names, *data.output_names)
    name = name if name is not None else fresh_name(taken, "x" if kind == "input" else "y", len(names) + 1)
    check_name(name, kind)
    if name in taken:
        raise ValueError(f"there is already a column named {name!r}")
    names.insert(at, name)
    if kind == "input":
        return _with(network, np.insert(data.inputs, at, 0.0, axis=1), data.targets, names, data.output_names,
                     np.insert(weights, at, 0.0, axis=1), np.insert(frozen, at, False, axis=1))
    return _with(network, data.inputs, np.insert(data.targets, at, 0.0, axis=1), data.input_names, names,
                 np.insert(weights, at, 0.0, axis=0), np.insert(frozen, at, False, axis=0))


def remove_columns(network: Network, kind: str, columns: Sequence[int]) -> Network:
    data, weights, frozen = network.data, network.weights, network.frozen
    columns = sorted(set(columns))
    names = data.input_names if kind == "input" else data.output_names
    if len(columns) >= len(names):
        raise ValueError(f"a network needs at least one {'input' if kind == 'input' else 'output'}: keep one")
    kept = [n for k, n in enumerate(names) if k not in columns]
    if kind == "input":
        return _with(network, np.delete(data.inputs, columns, axis=1), data.targets, kept, data.output_names,
                     np.delete(weights, columns, axis=1), np.delete(frozen, columns, axis=1))
    return _with(network, data.inputs, np.delete(data.targets, columns, axis=1), data.input_names, kept,
                 np.delete(weights, columns, axis=0), np.delete(frozen, columns, axis=0))


def rename(network: Network, kind: str, column: int, name: str) -> Network:
    data = network.data
    inputs, outputs = list(data.input_names), list(data.output_names)
    names = inputs if kind == "input" else outputs
    if name == names[column]:
        return network
    check_name(name, kind)
    if name in (*inputs, *outputs):
        raise ValueError(f"there is already a column named {name!r}; names must be different")
    names[column] = name
    return _with(network, data.inputs, data.targets, inputs, outputs, network.weights, network.frozen)


def resized(network: Network, n_inputs: int, n_outputs: int) -> Network:
    """The Shape fields: inputs and outputs added at the end (``x4``…, ``y2``…, values and weights
    0) or removed from the end; the other names, values and weights stay."""
    data = network.data
    while network.data.n_inputs < n_inputs:
        network = add_column(network, "input")
    while network.data.n_outputs < n_outputs:
        network = add_column(network, "target")
    if network.data.n_inputs > n_inputs:
        network = remove_columns(network, "input", range(n_inputs, data.n_inputs))
    if network.data.n_outputs > n_outputs:
        network = remove_columns(network, "target", range(n_outputs, data.n_outputs))
    return network


def copy_text(data: DataSet, rows: Sequence[int], columns: Sequence[int]) -> str:
    """The cells of these rows and table columns (inputs then targets) as tab-separated text,
    numbers as Python's repr, one line per row: what a spreadsheet pastes."""
    table = np.hstack([data.inputs, data.targets])
    return "".join("\t".join(repr(float(table[r, c])) for c in columns) + "\n" for r in rows)


def parse_block(text: str) -> list[list[str]]:
    """A block copied from a spreadsheet: tab-separated (or comma-separated when no line has a
    tab), one row per line; a trailing empty line dropped."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    separator = "\t" if "\t" in lines else ","
    rows = list(csv.reader(io.StringIO(lines), delimiter=separator))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    return rows


def paste(network: Network, top: int, left: int, block: list[list[str]]) -> Network:
    """``block`` (rows of cells) written from row ``top`` and table column ``left``; the table grows
    when the block is larger: new examples below, new target columns to the right (``y2``…),
    their other cells 0. A cell that is not a finite number refuses the whole paste (ValueError
    naming its row and column)."""
    if not block or not any(block):
        raise ValueError("the clipboard holds no cells to paste")
    height, width = len(block), max(len(row) for row in block)
    values = np.zeros((height, width))
    for r, row in enumerate(block):
        if len(row) != width:
            raise ValueError(f"pasted row {r + 1} has {len(row)} cells, the first longest has {width}")
        for c, cell in enumerate(row):
            try:
                values[r, c] = cell_number(cell, f"row {top + r}, column {left + c + 1}")
            except ValueError as exc:
                raise ValueError(f"cannot paste: {exc}") from None
    extra_rows = top + height - network.data.n_examples
    if extra_rows > 0:
        network = add_examples(network, network.data.n_examples, extra_rows)
    while left + width > network.data.n_inputs + network.data.n_outputs:
        network = add_column(network, "target")
    data = network.data
    table = np.hstack([data.inputs, data.targets])
    table[top:top + height, left:left + width] = values
    n = data.n_inputs
    return _with(network, table[:, :n], table[:, n:], data.input_names, data.output_names, network.weights,
                 network.frozen)
