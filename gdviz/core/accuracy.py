"""How well a network classifies: for data whose targets are one class per example (one-hot),
the share of examples whose largest pred is the target's class, and which classes it takes for
which (the confusion table).

The preds are the book's weighted sums, added input by input from 0 for every example at once,
so the numbers (and which output is largest, even in a near tie) are the same on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdviz.core.dataset import DataSet

TIE = -1
"""The predicted class of an example whose largest pred two or more outputs share."""


def target_classes(data: DataSet) -> np.ndarray | None:
    """Each example's class (the output whose target is 1), or None unless every target row is
    one 1 and zeros elsewhere and there are at least two outputs."""
    targets = data.targets
    if data.n_outputs < 2:
        return None
    ones = targets == 1.0
    if not (np.all(ones | (targets == 0.0)) and np.all(ones.sum(axis=1) == 1)):
        return None
    classes: np.ndarray = ones.argmax(axis=1)
    return classes


def all_preds(weights: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    """Every example's preds (examples × outputs), each the book's sum ``((0 + x0·w0) + x1·w1) + …``."""
    preds = np.zeros((inputs.shape[0], weights.shape[0]))
    for column in range(inputs.shape[1]):
        preds += inputs[:, column, None] * weights[None, :, column]
    return preds


@dataclass(frozen=True)
class Accuracy:
    """How a network's largest preds compare with the classes of a data set's examples."""

    classes: np.ndarray
    """Each example's class (its target's 1)."""
    predicted: np.ndarray
    """Each example's predicted class: the output with the largest pred, or TIE when two or more
    share the largest (an untrained network, every pred 0, names no class: it is not right)."""

    @property
    def correct(self) -> int:
        return int(np.count_nonzero(self.classes == self.predicted))

    @property
    def examples(self) -> int:
        return int(self.classes.size)

    @property
    def ties(self) -> int:
        """Examples whose largest pred is shared by two or more outputs (counted wrong)."""
        return int(np.count_nonzero(self.predicted == TIE))

    @property
    def share(self) -> float:
        return self.correct / self.examples

    def confusion(self, n_classes: int) -> np.ndarray:
        """Counts: row = the example's class, column = the class predicted; a last column counts
        the ties (no single largest pred)."""
        table = np.zeros((n_classes, n_classes + 1), dtype=np.int64)
        np.add.at(table, (self.classes, np.where(self.predicted == TIE, n_classes, self.predicted)), 1)
        return table

    def examples_in(self, true_class: int, predicted_class: int) -> np.ndarray:
        """The examples of class ``true_class`` taken for ``predicted_class`` (0-based, in order;
        ``predicted_class`` TIE: those with no single largest pred)."""
        found: np.ndarray = np.flatnonzero((self.classes == true_class) & (self.predicted == predicted_class))
        return found

    def text(self) -> str:
        """``accuracy 92.7% (1,666 of 1,797)``, and the ties when there are any."""
        ties = f"; {self.ties:,} tied" if self.ties else ""
        return f"accuracy {100 * self.share:.1f}% ({self.correct:,} of {self.examples:,}{ties})"


def accuracy_work(data: DataSet) -> int:
    """The multiply-adds :func:`accuracy` does for ``data``: every example's every pred."""
    return data.n_examples * data.n_inputs * data.n_outputs


def accuracy(data: DataSet, weights: np.ndarray) -> Accuracy | None:
    """How ``weights`` classify ``data``'s examples; None if the data has no classes."""
    classes = target_classes(data)
    if classes is None:
        return None
    with np.errstate(all="ignore"):  # weights far away (inf, nan) still classify: argmax takes the first
        preds = all_preds(np.asarray(weights, dtype=np.float64), data.inputs)
        largest = preds.argmax(axis=1)
        shared = np.count_nonzero(preds == preds[np.arange(len(preds)), largest, None], axis=1) > 1
    return Accuracy(classes, np.where(shared, TIE, largest))
