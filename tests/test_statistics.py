"""Small-cell suppression: primary and complementary, checked against exact linear algebra."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vbedesk.statistics import (
    COMPLEMENTARY,
    PRIMARY,
    VISIBLE,
    Situation,
    SuppressedTable,
    suppress,
    suppress_situation,
)


def _extended(t: SuppressedTable) -> tuple[list[list[int]], list[list[int]]]:
    values = [[*row, total] for row, total in zip(t.cells, t.row_totals, strict=True)]
    values.append([*t.column_totals, t.grand_total])
    marks = [[*row, m] for row, m in zip(t.cell_marks, t.row_marks, strict=True)]
    marks.append([*t.column_marks, t.grand_mark])
    return values, marks


def _rank(matrix: list[list[Fraction]]) -> int:
    m = [row[:] for row in matrix]
    rank = 0
    cols = len(m[0]) if m else 0
    for c in range(cols):
        pivot = next((r for r in range(rank, len(m)) if m[r][c] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for r in range(len(m)):
            if r != rank and m[r][c] != 0:
                f = m[r][c] / m[rank][c]
                m[r] = [a - f * b for a, b in zip(m[r], m[rank], strict=True)]
        rank += 1
    return rank


def determined_cells(t: SuppressedTable) -> list[tuple[int, int]]:
    """Hidden entries whose value follows from the shown ones by any linear combination.

    Unknowns are the hidden entries; each row and column of the extended table (inner
    entries minus the total) is a published equation. An unknown is determined exactly
    when its unit vector lies in the row space of the equations.
    """
    _values, marks = _extended(t)
    rows, cols = len(marks), len(marks[0])
    hidden = [(i, j) for i in range(rows) for j in range(cols) if marks[i][j] != VISIBLE]
    if not hidden:
        return []
    index = {cell: k for k, cell in enumerate(hidden)}
    equations: list[list[Fraction]] = []
    for i in range(rows):
        eq = [Fraction(0)] * len(hidden)
        for j in range(cols):
            if (i, j) in index:
                eq[index[(i, j)]] = Fraction(-1 if j == cols - 1 else 1)
        equations.append(eq)
    for j in range(cols):
        eq = [Fraction(0)] * len(hidden)
        for i in range(rows):
            if (i, j) in index:
                eq[index[(i, j)]] = Fraction(-1 if i == rows - 1 else 1)
        equations.append(eq)
    base = _rank(equations)
    found = []
    for cell, k in index.items():
        unit = [Fraction(0)] * len(hidden)
        unit[k] = Fraction(1)
        if _rank([*equations, unit]) == base:
            found.append(cell)
    return found


def test_primary_cells_are_those_from_one_to_below_threshold() -> None:
    t = suppress([[0, 1, 2, 3], [10, 10, 10, 10], [10, 10, 10, 10]], 3)
    assert t.cell_marks[0][0] == VISIBLE  # zero is shown
    assert t.cell_marks[0][1] == PRIMARY
    assert t.cell_marks[0][2] == PRIMARY
    assert t.cell_marks[0][3] == VISIBLE or t.cell_marks[0][3] == COMPLEMENTARY
    assert t.cell_label(0, 1) == "<3"
    assert t.cell_label(0, 0) == "0"


def test_threshold_is_used_in_the_label() -> None:
    t = suppress([[4, 9], [9, 9]], 5)
    assert t.cell_label(0, 0) == "<5"


def test_a_lone_hidden_cell_gets_a_partner_in_its_row_and_column() -> None:
    t = suppress([[1, 7, 8], [6, 9, 12], [5, 11, 4]], 3)
    assert t.cell_marks[0][0] == PRIMARY
    hidden_in_row = sum(m != VISIBLE for m in (*t.cell_marks[0], t.row_marks[0]))
    hidden_in_col = sum(m != VISIBLE for m in (*(r[0] for r in t.cell_marks), t.column_marks[0]))
    assert hidden_in_row >= 2 and hidden_in_col >= 2
    # The smallest shown count is chosen: 7 in the row, 5 in the column.
    assert t.cell_marks[0][1] == COMPLEMENTARY
    assert t.cell_marks[2][0] == COMPLEMENTARY
    assert determined_cells(t) == []


def test_a_one_column_table_hides_the_total_with_the_cell() -> None:
    t = suppress([[2], [8], [9]], 3)
    # The row total equals the cell and is itself small: hidden as well.
    assert t.row_marks[0] == PRIMARY
    assert determined_cells(t) == []


def test_nothing_hidden_when_nothing_is_small() -> None:
    t = suppress([[0, 5], [7, 3]], 3)
    assert not t.any_hidden
    assert t.grand_total_label() == "15"


def test_bridges_between_hidden_rectangles_are_closed() -> None:
    # Two blocks of small cells joined by one small cell: the line rule alone is satisfied,
    # but the joining cell follows from the equations.
    cells = [
        [1, 1, 1, 9, 9],
        [1, 1, 9, 9, 9],
        [9, 9, 9, 1, 1],
        [9, 9, 9, 1, 1],
        [9, 9, 9, 9, 9],
    ]
    t = suppress(cells, 2)
    assert t.cell_marks[0][2] == PRIMARY
    assert determined_cells(t) == []


def test_the_checker_sees_a_recomputable_cell() -> None:
    # Sanity check of the checker itself: one hidden cell is always recomputable.
    t = SuppressedTable(
        cells=((1, 5), (5, 5)),
        row_totals=(6, 10),
        column_totals=(6, 10),
        grand_total=16,
        cell_marks=((PRIMARY, VISIBLE), (VISIBLE, VISIBLE)),
        row_marks=(VISIBLE, VISIBLE),
        column_marks=(VISIBLE, VISIBLE),
        grand_mark=VISIBLE,
        threshold=3,
    )
    assert determined_cells(t) == [(0, 0)]


def test_invalid_input_is_refused() -> None:
    with pytest.raises(ValueError):
        suppress([[1, 2], [3]], 3)
    with pytest.raises(ValueError):
        suppress([[-1]], 3)
    with pytest.raises(ValueError):
        suppress([[1]], 0)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=7).flatmap(
        lambda n_cols: st.lists(
            st.lists(st.integers(min_value=0, max_value=12), min_size=n_cols, max_size=n_cols),
            min_size=1,
            max_size=8,
        )
    ),
    st.integers(min_value=1, max_value=6),
)
def test_no_hidden_value_can_be_recomputed(cells: list[list[int]], threshold: int) -> None:
    t = suppress(cells, threshold)
    values, marks = _extended(t)
    # Every small count is hidden, and every count shown is the true one.
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            if 0 < value < threshold:
                assert marks[i][j] == PRIMARY
            if marks[i][j] == PRIMARY:
                assert 0 < value < threshold
    # No line has exactly one hidden entry (simple subtraction) …
    for line in [list(r) for r in marks] + [list(c) for c in zip(*marks, strict=True)]:
        assert sum(m != VISIBLE for m in line) != 1
    # … and no combination of lines recovers a hidden entry.
    assert determined_cells(t) == []


def test_suppress_situation_orders_rows_by_codes() -> None:
    situation = Situation(
        year=2021,
        totals=(12, 13),
        counts={"environment": {"HOGER": (10, 11), "VANSTER": (2, 2)}},
    )
    t = suppress_situation(situation, "environment", ["VANSTER", "HOGER", "OKAND"], 3)
    assert t.cells == ((2, 2), (10, 11), (0, 0))
    assert t.cell_label(0, 0) == "<3"
    assert determined_cells(t) == []
