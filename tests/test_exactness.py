"""Every logged number is the book's, bit for bit, whatever the CPU, BLAS or engine.

The oracle is the chapter's arithmetic written as plain Python loops (``book_run``): sums from 0,
left to right, one multiplication and one addition at a time. Plain Python floats are IEEE
doubles with one rounding per operation on every machine, so agreeing with it bit for bit means
agreeing with every machine. A BLAS call (whose summation order depends on the CPU's kernel) on
the per-iteration path breaks the equality as soon as a sum has more than a few terms.
"""

import ast
import math
import re
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz.core import DataSet, Training
from gdviz.core import compiled as compiled_module
from gdviz.core.engine import NUMPY_LOOPS
from gdviz.core.log import FIELDS

COMPILED = compiled_module.loops()


def book_run(inputs, targets, weights, alpha, mode, example, frozen, as_printed, iterations):
    """The chapter's loop in plain Python: one dict of fields per iteration.

    It stops, as the chapter's reader would, before the first iteration whose numbers are no
    longer numbers: a total error or a weight_delta that is not finite, or an update that makes
    a weight not finite. The weights returned are then those that iteration started from.
    """
    n_examples, n_outputs, n_inputs = len(inputs), len(weights), len(weights[0])
    w = [[float(v) for v in row] for row in weights]
    records = []
    for number in range(1, iterations + 1):
        if mode == "batch":
            used = range(n_examples)
        else:
            used = [(number - 1) % n_examples if mode == "cycle" else example]
        preds, deltas, sums = [], [], [[0.0] * n_inputs for _ in range(n_outputs)]
        for k in used:
            x, t = inputs[k], targets[k]
            pred = []
            for o in range(n_outputs):
                total = 0  # the book's w_sum starts from 0
                for i in range(n_inputs):
                    total += x[i] * w[o][i]
                pred.append(total)
            delta = [pred[o] - t[o] for o in range(n_outputs)]
            for o in range(n_outputs):
                for i in range(n_inputs):
                    product = x[o] * delta[i] if as_printed else delta[o] * x[i]
                    # one example: the product itself (the book's ele_mul); batch: summed from 0
                    sums[o][i] = sums[o][i] + product if mode == "batch" else product
            preds.append(pred)
            deltas.append(delta)

        def mean(rows, column):
            total = 0.0
            for row in rows:
                total += row[column]
            return total / len(rows)

        count = len(used)
        weight_deltas = [[0.0 if frozen[o][i] else (sums[o][i] / count if mode == "batch" else sums[o][i])
                          for i in range(n_inputs)] for o in range(n_outputs)]
        if mode == "batch":
            x_row = [mean(inputs, i) for i in range(n_inputs)]
            t_row = [mean(targets, o) for o in range(n_outputs)]
            pred = [mean(preds, o) for o in range(n_outputs)]
            delta = [mean(deltas, o) for o in range(n_outputs)]
            error = [mean([[d * d for d in row] for row in deltas], o) for o in range(n_outputs)]
        else:
            x_row, t_row, pred, delta = list(inputs[used[0]]), list(targets[used[0]]), preds[0], deltas[0]
            error = [d * d for d in delta]
        error_total = 0.0
        for e in error:
            error_total += e
        updated = [[w[o][i] - alpha * weight_deltas[o][i] for i in range(n_inputs)] for o in range(n_outputs)]
        if not all(math.isfinite(v) for v in [error_total, *sum(weight_deltas, []), *sum(updated, [])]):
            break  # overflowed: the weights stay those this iteration started from
        records.append({
            "example": -1 if mode == "batch" else used[0], "alpha": alpha, "inputs": x_row, "targets": t_row,
            "pred": pred, "delta": delta, "error": error, "error_total": error_total,
            "weights": [row[:] for row in w], "weight_deltas": weight_deltas, "as_printed": as_printed,
        })
        w = updated
    return records, w


def bits(values):
    """Each float's 64 bits (so -0.0 and 0.0 differ, as they would in a CSV)."""
    return np.asarray(values, dtype=np.float64).view(np.uint64)


def assert_bit_identical(log, records, weights_after, training):
    """The whole log, as long as the book's (never cut to what the engine logged), bit for bit."""
    assert log.count == len(records)
    for name in FIELDS:
        expected = [record[name] for record in records]
        if log.field(name).dtype.kind == "f":
            assert bits(log.field(name)).reshape(-1).tolist() == bits(expected).reshape(-1).tolist(), name
        else:
            assert log.field(name).tolist() == expected, name
    assert bits(training.weights).tolist() == bits(weights_after).tolist()


values = st.one_of(
    st.floats(-10, 10, allow_nan=False, allow_infinity=False),
    st.integers(-1000, 1000).map(lambda n: n / 100),  # the book's kind of data: 0.65, 8.5, -0.1
    st.sampled_from([0.0, -0.0, 1.0, 0.1]),
)


@st.composite
def cases(draw):
    square = draw(st.booleans())
    n = draw(st.integers(1, 64))
    m = n if square else draw(st.integers(1, 64))
    k = draw(st.integers(1, 5))
    matrix = lambda rows, columns: [[draw(values) for _ in range(columns)] for _ in range(rows)]  # noqa: E731
    weights = matrix(m, n)
    if draw(st.integers(0, 4)) == 0:  # a weight so large that the numbers overflow within a few iterations
        weights[draw(st.integers(0, m - 1))][draw(st.integers(0, n - 1))] = draw(st.sampled_from([1e150, -1e151]))
    return {
        "inputs": matrix(k, n), "targets": matrix(k, m), "weights": weights,
        "frozen": [[draw(st.booleans()) and draw(st.booleans()) for _ in range(n)] for _ in range(m)],
        "mode": draw(st.sampled_from(["example", "cycle", "batch"])), "example": draw(st.integers(0, k - 1)),
        "as_printed": square and draw(st.booleans()),
        "alpha": draw(st.sampled_from([0.01, 0.1, 1e-3, 0.3])), "iterations": draw(st.integers(1, 12)),
    }


NO_NUMBA = pytest.mark.skipif(COMPILED is None, reason=f"numba cannot compile here: {compiled_module.problem()}")
ENGINES = [pytest.param(NUMPY_LOOPS, id="numpy"), pytest.param(COMPILED, id="compiled", marks=NO_NUMBA)]


@pytest.mark.parametrize("loops", ENGINES)
@settings(max_examples=80, deadline=None)
@given(case=cases())
def test_every_logged_number_is_the_books_bit_for_bit(case, loops):
    """The engine's log is the oracle's, as long and bit for bit (-0.0 is not 0.0).

    Checked against broken builds (monkeypatched in a scratch copy of this test): an engine that
    drops the last iteration of a run (``Training.run`` ending one row early) fails here, where the
    old version cut the oracle to what the engine had logged and passed; ``engine.first_bad_row``
    returning None (overflow not caught) fails; every weight_delta of -0.0 written as 0.0 fails
    on the bits (``==`` would have let it pass)."""
    data = DataSet(tuple(f"x{i}" for i in range(len(case["weights"][0]))),
                   tuple(f"y{o}" for o in range(len(case["weights"]))), case["inputs"], case["targets"])
    training = Training(data, case["weights"], case["alpha"], mode=case["mode"], example=case["example"],
                        frozen=case["frozen"], as_printed=case["as_printed"], growth_limit=None, loops=loops)
    result = training.run(case["iterations"], block=5)  # blocks of 5: iterations carry across calls of the loops
    records, weights_after = book_run(case["inputs"], case["targets"], case["weights"], case["alpha"],
                                      case["mode"], case["example"], case["frozen"], case["as_printed"],
                                      case["iterations"])
    assert_bit_identical(training.log, records, weights_after, training)
    assert (result.divergence is not None) == (len(records) < case["iterations"])  # stopped when the book's did


@pytest.mark.parametrize("loops", ENGINES)
def test_an_overflow_midway_keeps_exactly_the_books_finite_iterations(loops):
    """One input of 10, alpha 1: delta is multiplied by -99 an iteration, so delta² overflows
    after ~77 iterations. The log holds the book's iterations up to there, no fewer."""
    data = DataSet(("x",), ("y",), [[10.0]], [[0.0]])
    training = Training(data, [[1.0]], 1.0, growth_limit=None, loops=loops)
    result = training.run(200, block=16)
    records, weights_after = book_run([[10.0]], [[0.0]], [[1.0]], 1.0, "example", 0, [[False]], False, 200)
    assert 50 < len(records) < 200 and result.divergence is not None
    assert_bit_identical(training.log, records, weights_after, training)


@pytest.mark.parametrize("loops", ENGINES)
def test_long_sums_give_the_same_bits_as_the_book_where_blas_does_not(loops):
    """32 inputs: a sum that BLAS (or numpy's pairwise sum) orders differently on most CPUs."""
    rng = np.random.default_rng(7)
    inputs, weights = rng.uniform(-1, 1, (1, 32)), rng.uniform(-1, 1, (1, 32))
    data = DataSet(tuple(f"x{i}" for i in range(32)), ("y",), inputs, [[0.5]])
    training = Training(data, weights, 0.001, loops=loops)
    training.step()
    records, _ = book_run(inputs.tolist(), [[0.5]], weights.tolist(), 0.001, "example", 0,
                          [[False] * 32], False, 1)
    assert bits(training.log.pred[0]).tolist() == bits(records[0]["pred"]).tolist()


PER_ITERATION_FILES = ["engine.py", "compiled.py", "training.py", "log.py"]
BLAS_NAMES = {"dot", "matmul", "einsum", "tensordot", "inner", "vdot", "outer", "linalg"}


@pytest.mark.parametrize("name", PER_ITERATION_FILES)
def test_no_blas_call_on_the_per_iteration_path(name):
    import gdviz.core

    tree = ast.parse((Path(gdviz.core.__file__).parent / name).read_text())
    for node in ast.walk(tree):
        assert not (isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(node.op, ast.MatMult)), \
            f"{name}:{node.lineno} uses @"
        called = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
        assert called not in BLAS_NAMES, f"{name}:{node.lineno} uses {called}"


@NO_NUMBA
def test_the_compiled_loops_never_fuse_a_multiply_and_an_add():
    """numba compiles without fast-math flags, so LLVM must not contract x*y+z into one rounding:
    the machine code holds no fused multiply-add (x86 vfmadd…, ARM fmadd/fmla)."""
    fused = re.compile(r"\b(v?f(n)?m(add|sub)\w*|fmla|fmls)\b", re.IGNORECASE)
    fresh = compiled_module._compile(cache=False)  # numba cannot show the code of cached kernels
    for kernel in (fresh._rows, fresh._batch, fresh._records_rows, fresh._records_batch):
        (assembly,) = kernel.inspect_asm().values()
        assert "mul" in assembly  # the code is there to read
        assert not fused.search(assembly), fused.search(assembly).group(0)


def ulps_apart(a: float, b: float) -> int:
    as_int = lambda value: struct.unpack("<q", struct.pack("<d", value))[0]  # noqa: E731
    return abs(as_int(a) - as_int(b))


@settings(max_examples=2000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_the_books_power_of_two_is_within_one_ulp_of_delta_times_delta(delta):
    """The book writes ``(pred - true) ** 2``, which calls the C library's pow; gdviz computes
    ``delta * delta``, correctly rounded on every machine. They never differ by more than one
    unit in the last place (glibc's pow: measured 1 in ~1,200 values differ, by exactly one)."""
    square = delta * delta
    if math.isfinite(square):
        assert ulps_apart(delta**2, square) <= 1


def test_the_books_printed_errors_are_delta_times_delta_exactly():
    for delta in (0.8600000000000001 - 1, 0.9637574999999999 - 1, 0.9906177228125002 - 1):
        assert delta**2 == delta * delta


def test_two_logs_are_equal_only_bit_for_bit():
    """``IterationLog.equals``, which many tests use as "bit for bit", tells -0.0 from 0.0.
    Checked against the version before (``np.array_equal``): this failed there."""
    data = DataSet(("a",), ("y",), [[1.0]], [[0.0]])
    one, other = (Training(data, [[0.5]], 0.1, growth_limit=None) for _ in range(2))
    one.run(3)
    other.run(3)
    assert one.log.equals(other.log)
    other.log.storage("weights")[0, 0, 0] = 0.0
    one.log.storage("weights")[0, 0, 0] = -0.0
    assert not one.log.equals(other.log) and not other.log.equals(one.log)
