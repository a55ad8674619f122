"""The lägesbild's counts and small-cell suppression for statistics that leave the vault."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

DIMENSIONS: tuple[str, ...] = (
    "environment",
    "incident_type",
    "area",
    "reporting_unit",
    "month",
)
"""The dimensions of the lägesbild, in the order the report shows them."""

NOT_STATED = ""
"""The code under which incidents without a value (no area, no reporting unit) are counted."""


@dataclass(frozen=True)
class Situation:
    """The lägesbild's counts for ``year`` and ``year - 1``.

    ``counts[dimension][code]`` is ``(previous_year, year)``; months are the codes
    ``"01"``…``"12"``; incidents without an area or reporting unit count under
    ``NOT_STATED``. Incident types are a set per incident, so that table's counts sum to
    more than ``totals``.
    """

    year: int
    totals: tuple[int, int]
    counts: Mapping[str, Mapping[str, tuple[int, int]]] = field(default_factory=dict)

    def dimension(self, name: str) -> Mapping[str, tuple[int, int]]:
        return self.counts.get(name, {})


def month_codes() -> tuple[str, ...]:
    return tuple(f"{m:02d}" for m in range(1, 13))


# -- suppression -----------------------------------------------------------------------------

VISIBLE = 0
PRIMARY = 1
"""Hidden because the count is between 1 and the threshold minus one."""
COMPLEMENTARY = 2
"""Hidden so that a primary cell cannot be worked out from totals."""


@dataclass(frozen=True)
class SuppressedTable:
    """A table of counts with its margins, and which entries may be shown.

    ``cells[i][j]`` are the inner counts; ``row_totals[i]``, ``column_totals[j]`` and
    ``grand_total`` the margins. ``*_marks`` say for each entry ``VISIBLE``, ``PRIMARY`` or
    ``COMPLEMENTARY``. Hidden values must only be shown as ``label(...)``.
    """

    cells: tuple[tuple[int, ...], ...]
    row_totals: tuple[int, ...]
    column_totals: tuple[int, ...]
    grand_total: int
    cell_marks: tuple[tuple[int, ...], ...]
    row_marks: tuple[int, ...]
    column_marks: tuple[int, ...]
    grand_mark: int
    threshold: int

    def hidden(self, i: int, j: int) -> bool:
        return self.cell_marks[i][j] != VISIBLE

    def label(self, value: int, mark: int) -> str:
        """What a reader sees: the count, ``<threshold`` or ``×``."""
        if mark == PRIMARY:
            return f"<{self.threshold}"
        if mark == COMPLEMENTARY:
            return "×"
        return str(value)

    def cell_label(self, i: int, j: int) -> str:
        return self.label(self.cells[i][j], self.cell_marks[i][j])

    def row_total_label(self, i: int) -> str:
        return self.label(self.row_totals[i], self.row_marks[i])

    def column_total_label(self, j: int) -> str:
        return self.label(self.column_totals[j], self.column_marks[j])

    def grand_total_label(self) -> str:
        return self.label(self.grand_total, self.grand_mark)

    def visible_value(self, i: int, j: int) -> int | None:
        """The count if it may be shown, else ``None`` (for charts)."""
        return None if self.hidden(i, j) else self.cells[i][j]

    @property
    def any_hidden(self) -> bool:
        return any(m != VISIBLE for row in self.cell_marks for m in row)


def suppress(cells: Sequence[Sequence[int]], threshold: int) -> SuppressedTable:
    """Small-cell suppression of a table whose row, column and grand totals are published.

    Primary: every count (inner cell or total) from 1 to ``threshold - 1`` is hidden.
    Complementary, repeated until stable:

    1. every row or column (with its total) holding exactly one hidden entry gets a
       second one — the smallest count still shown, preferring counts above zero and
       inner cells over the total;
    2. every hidden entry that the published numbers still determine — an entry whose
       (row, column) edge is a bridge in the graph of hidden entries, since hidden
       values can only be shifted around cycles — gets a cycle through it by hiding the
       smallest shown entry that joins the two sides of the bridge.

    Afterwards no hidden value follows from the shown values by any combination of
    additions and subtractions of rows and columns (see tests/test_statistics.py).
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    n_rows = len(cells)
    n_cols = len(cells[0]) if n_rows else 0
    if any(len(row) != n_cols for row in cells):
        raise ValueError("ragged table")
    if any(v < 0 for row in cells for v in row):
        raise ValueError("negative count")
    # The extended (n_rows + 1) x (n_cols + 1) table: the last row and column are totals.
    # Each line of it is one published equation: its inner entries sum to its total.
    ext = [[*row, sum(row)] for row in cells]
    ext.append([sum(cells[i][j] for i in range(n_rows)) for j in range(n_cols)])
    ext[-1].append(sum(ext[-1]))
    rows, cols = n_rows + 1, n_cols + 1
    marks = [
        [PRIMARY if 0 < ext[i][j] < threshold else VISIBLE for j in range(cols)]
        for i in range(rows)
    ]

    def key(i: int, j: int) -> tuple[int, int, int, int]:
        value = ext[i][j]
        is_total = (i == rows - 1) + (j == cols - 1)
        return (value == 0, is_total, value, i * cols + j)

    changed = True
    while changed:
        changed = False
        for line in _lines(rows, cols):
            hidden = [(i, j) for i, j in line if marks[i][j] != VISIBLE]
            if len(hidden) != 1:
                continue
            shown = [(i, j) for i, j in line if marks[i][j] == VISIBLE]
            if not shown:  # a line of one entry cannot occur: every line has a total
                continue
            i, j = min(shown, key=lambda c: key(*c))
            marks[i][j] = COMPLEMENTARY
            changed = True
        if changed:
            continue
        bridge = _first_bridge(marks, rows, cols)
        if bridge is not None:
            side = _side(marks, rows, cols, bridge)
            candidates = [
                (i, j)
                for i in range(rows)
                for j in range(cols)
                if marks[i][j] == VISIBLE and {side[("r", i)], side[("c", j)]} == {0, 1}
            ]
            if candidates:
                i, j = min(candidates, key=lambda c: key(*c))
                marks[i][j] = COMPLEMENTARY
                changed = True
    return SuppressedTable(
        cells=tuple(tuple(ext[i][:n_cols]) for i in range(n_rows)),
        row_totals=tuple(ext[i][n_cols] for i in range(n_rows)),
        column_totals=tuple(ext[n_rows][:n_cols]),
        grand_total=ext[n_rows][n_cols],
        cell_marks=tuple(tuple(marks[i][:n_cols]) for i in range(n_rows)),
        row_marks=tuple(marks[i][n_cols] for i in range(n_rows)),
        column_marks=tuple(marks[n_rows][:n_cols]),
        grand_mark=marks[n_rows][n_cols],
        threshold=threshold,
    )


def _lines(rows: int, cols: int) -> list[list[tuple[int, int]]]:
    return [[(i, j) for j in range(cols)] for i in range(rows)] + [
        [(i, j) for i in range(rows)] for j in range(cols)
    ]


Node = tuple[str, int]


def _graph(marks: list[list[int]], rows: int, cols: int) -> dict[Node, list[Node]]:
    """Rows and columns as nodes, hidden entries as edges (each entry joins its two lines)."""
    graph: dict[Node, list[Node]] = {}
    for i in range(rows):
        for j in range(cols):
            if marks[i][j] != VISIBLE:
                graph.setdefault(("r", i), []).append(("c", j))
                graph.setdefault(("c", j), []).append(("r", i))
    return graph


def _first_bridge(marks: list[list[int]], rows: int, cols: int) -> tuple[int, int] | None:
    """A hidden entry that lies on no cycle of hidden entries (Tarjan), or ``None``."""
    graph = _graph(marks, rows, cols)
    order: dict[Node, int] = {}
    low: dict[Node, int] = {}
    for root in graph:
        if root in order:
            continue
        # Iterative DFS; the graph is simple (one entry per row/column pair).
        order[root] = low[root] = len(order)
        stack: list[tuple[Node, Node | None, int]] = [(root, None, 0)]
        while stack:
            node, parent, idx = stack.pop()
            neighbours = graph[node]
            if idx < len(neighbours):
                stack.append((node, parent, idx + 1))
                nxt = neighbours[idx]
                if nxt == parent:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                else:
                    order[nxt] = low[nxt] = len(order)
                    stack.append((nxt, node, 0))
            elif parent is not None:
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    r, c = (node, parent) if node[0] == "r" else (parent, node)
                    return r[1], c[1]
    return None


def _side(marks: list[list[int]], rows: int, cols: int, bridge: tuple[int, int]) -> dict[Node, int]:
    """Once ``bridge`` is cut: 1 for lines on the row's side, 0 on the column's, -1 neither."""
    graph = _graph(marks, rows, cols)
    row_node: Node = ("r", bridge[0])
    col_node: Node = ("c", bridge[1])
    cut = {(row_node, col_node), (col_node, row_node)}

    def reach(start: Node) -> set[Node]:
        seen = {start}
        todo = [start]
        while todo:
            node = todo.pop()
            for nxt in graph.get(node, []):
                if (node, nxt) not in cut and nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    row_side, col_side = reach(row_node), reach(col_node)
    nodes = [("r", i) for i in range(rows)] + [("c", j) for j in range(cols)]
    return {n: 1 if n in row_side else 0 if n in col_side else -1 for n in nodes}


def suppress_situation(
    situation: Situation, dimension: str, codes: Sequence[str], threshold: int
) -> SuppressedTable:
    """One dimension of the lägesbild as rows ``codes`` × (previous year, year), suppressed."""
    data = situation.dimension(dimension)
    return suppress([list(data.get(code, (0, 0))) for code in codes], threshold)
