"""Statistical disclosure control: small counts of people are shown as [c], as in government statistics."""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from dashboard import config

SUPPRESSED = "[c]"
# The key value of a row that holds a total (see `suppress(margins=...)`). Department ids are upper case and scheme
# ids lower case, so no real key can be spelt this way.
TOTAL = "Total"
NOTE = (
    "Counts of fewer than {k} people are shown as [c], with rates built on them and any further counts that could be "
    "worked out from the totals, so that no one can be identified."
)
# A null-space component smaller than this is zero: the cell's value follows from the published numbers.
TOLERANCE = 1e-9

Cell = tuple[int, object]  # (row, column); the column is a (table, column) pair when tables are protected together


def threshold() -> int:
    """The configured threshold k (0 means no suppression)."""
    return config.disclosure_threshold()


def is_small(count, k: int | None = None) -> bool:
    """True when a count of people is below k and must not be shown."""
    k = threshold() if k is None else k
    return count is not None and not pd.isna(count) and k > 0 and count < k


def format_count(count, k: int | None = None) -> str:
    """A count of people for display: thousands separated, or [c] when small or already suppressed."""
    if count is None or pd.isna(count) or is_small(count, k):
        return SUPPRESSED
    return f"{int(count):,}"


def note(k: int | None = None) -> str:
    """The one-line explanation shown under tables of people."""
    k = threshold() if k is None else k
    return NOTE.format(k=k) if k else "Disclosure control is off: every count is shown."


def suppress(
    frame: pd.DataFrame,
    counts: Sequence[str],
    *,
    rates: Mapping[str, str | tuple[str, str]] | None = None,
    groups: Sequence[Sequence[str]] | None = None,
    margins: Sequence[str] | None = None,
    sums: Mapping[str, Sequence[str]] | None = None,
    k: int | None = None,
) -> pd.DataFrame:
    """Blank (set to NA) every count below k, then enough further counts that no blank can be worked out from totals.

    `counts` are columns of people counts (returned as nullable integers). `rates` maps a rate column to its
    denominator column, or to a (numerator, denominator) pair; a rate is blanked when its denominator is below k or
    either count is blank (with a bare denominator, when any count in the row is blank).

    Totals: `groups` lists sets of key columns, and the rows sharing the values of one set are the parts of a total.
    `margins` names the key columns in which the value TOTAL marks a row that holds a total: within a group, the row
    whose other margin columns are all TOTAL is the total of the rows where none is. A group without such a row is
    taken to have its total published elsewhere. With margins and no groups, each margin column is summed over in
    turn (a 1-D table with a total row, or a 2-D table with row and column totals). `sums` maps a count column to the
    count columns that add up to it within each row. Blanks then spread until every blank value has more than one
    solution given all the shown numbers, whichever way the totals are combined. The input is not changed.
    """
    spec = {"counts": counts, "rates": rates, "groups": groups, "margins": margins, "sums": sums}
    return suppress_together({"": frame}, {"": spec}, k=k)[""]


Ref = tuple[str, int, str]  # a cell of one of several tables: (table, row position, column)


@dataclass(frozen=True)
class Link:
    """A sum across tables shown together: the `parts` cells add up to the `total` cell."""

    parts: tuple[Ref, ...]
    total: Ref


def suppress_together(
    frames: Mapping[str, pd.DataFrame],
    specs: Mapping[str, Mapping],
    links: Iterable[Link] = (),
    *,
    k: int | None = None,
) -> dict[str, pd.DataFrame]:
    """`suppress` for tables shown together, so that no number in one table undoes a blank in another.

    `specs` gives each table's `suppress` arguments (counts, rates, groups, margins, sums); `links` are the sums that
    tie cells of different tables together (a funnel's applications are the total column of a department table, the
    grades' members add up to all members). All the tables' sums are then solved as one system.
    """
    k = threshold() if k is None else k
    protected = {name: frame.copy() for name, frame in frames.items()}
    for name, frame in protected.items():
        for column in specs[name]["counts"]:
            frame[column] = frame[column].astype("Int64")
    if k <= 0:
        return protected
    offsets = dict(zip(frames, np.cumsum([0, *map(len, frames.values())]).tolist(), strict=False))
    size = sum(map(len, frames.values()))
    values, equations = {}, []
    for name, frame in frames.items():
        spec, offset = specs[name], offsets[name]
        local = {column: frame[column].to_numpy(dtype=float, na_value=np.nan) for column in spec["counts"]}
        margins = list(spec.get("margins") or [])
        groups = spec.get("groups")
        if groups is None:
            groups = [[other for other in margins if other != column] for column in margins]
        for column, column_values in local.items():
            values[(name, column)] = np.full(size, np.nan)
            values[(name, column)][offset : offset + len(frame)] = column_values
        if frame.empty:
            continue
        keys = frame.reset_index(drop=True)
        for equation in _equations(keys, local, groups, margins, spec.get("sums") or {}):
            cells = [(row + offset, (name, column)) for row, column in equation.parts]
            total = equation.total and (equation.total[0] + offset, (name, equation.total[1]))
            equations.append(_Equation(cells, total))
    for link in links:
        cells = [(offsets[name] + row, (name, column)) for name, row, column in (*link.parts, link.total)]
        if all(not np.isnan(values[column][row]) for row, column in cells):
            equations.append(_Equation(cells[:-1], cells[-1]))
    primary = {(int(row), column) for column, array in values.items() for row in np.flatnonzero(array < k)}
    hidden = _secondary(values, equations, primary)
    for name, frame in protected.items():
        for column in specs[name]["counts"]:
            blank = np.zeros(size, dtype=bool)
            blank[[row for row, hidden_column in hidden if hidden_column == (name, column)]] = True
            frame[column] = frame[column].mask(blank[offsets[name] : offsets[name] + len(frame)])
        _blank_rates(frame, frames[name], specs[name], k)
    return protected


def _blank_rates(protected: pd.DataFrame, frame: pd.DataFrame, spec: Mapping, k: int) -> None:
    for rate, parts in (spec.get("rates") or {}).items():
        protected[rate] = protected[rate].astype("Float64")
        numerator, denominator = parts if isinstance(parts, tuple) else (None, parts)
        blank = protected[denominator].isna() | (frame[denominator].fillna(0) < k).to_numpy()
        blank |= protected[numerator].isna() if numerator else protected[list(spec["counts"])].isna().any(axis=1)
        protected[rate] = protected[rate].mask(blank)


class _Equation:
    """One published sum: parts minus total (when the table holds it) is zero, or the parts add to a known number."""

    def __init__(self, parts: list[Cell], total: Cell | None):
        self.parts, self.total = parts, total
        self.cells = [*parts, *([total] if total else [])]

    def coefficient(self, cell: Cell) -> float:
        return -1.0 if cell == self.total else 1.0


def _equations(
    keys: pd.DataFrame,
    values: Mapping[str, np.ndarray],
    groups: Sequence[Sequence[str]],
    margins: list[str],
    sums: Mapping[str, Sequence[str]],
) -> list[_Equation]:
    # Cells whose value is missing (not applicable) are left out of every sum.
    present = {column: ~np.isnan(column_values) for column, column_values in values.items()}
    equations = []
    for group_keys in groups:
        summed = [column for column in margins if column not in group_keys]
        is_total = keys[summed].eq(TOTAL).to_numpy() if summed else np.zeros((len(keys), 0), dtype=bool)
        total_rows = is_total.all(axis=1) if summed else np.zeros(len(keys), dtype=bool)
        part_rows = ~is_total.any(axis=1)
        grouped = keys.groupby(list(group_keys), dropna=False, sort=False).indices if group_keys else {(): keys.index}
        for rows in grouped.values():
            parts = [int(row) for row in rows if part_rows[row]]
            totals = [int(row) for row in rows if total_rows[row]]
            if len(totals) > 1:
                raise ValueError(f"more than one total row in a group of {list(group_keys)}")
            if totals and not parts:
                # A total alone in its group is a coarser total seen from a finer grouping (in a rollup, a region's
                # row among the groups of its locations): its parts are not in this group, and its own group sums it.
                continue
            for column in values:
                total = (totals[0], column) if totals and present[column][totals[0]] else None
                equations.append(_Equation([(row, column) for row in parts if present[column][row]], total))
    for total_column, part_columns in sums.items():
        for row in range(len(keys)):
            if present[total_column][row]:
                cells = [(row, column) for column in part_columns if present[column][row]]
                equations.append(_Equation(cells, (row, total_column)))
    return [equation for equation in equations if equation.cells]


def _secondary(values: Mapping[str, np.ndarray], equations: list[_Equation], primary: set[Cell]) -> set[Cell]:
    # Greedy, like tau-argus's simpler methods: while some blank can be solved for, blank one more shown cell in an
    # equation that pins it, preferring parts to totals, then cells that close a pattern (their other equations
    # already hold a blank, so no new lone blank appears), then the smallest; and check again over all equations.
    # Counts are never negative, so blank parts that must add up to zero are pinned too (each is zero): such a sum
    # also needs a shown, non-zero cell blanked with them.
    hidden = set(primary)
    touching: dict[Cell, list[int]] = defaultdict(list)
    for number, equation in enumerate(equations):
        for cell in equation.cells:
            touching[cell].append(number)
    blanks = [sum(cell in hidden for cell in equation.cells) for equation in equations]
    totals = {equation.total for equation in equations if equation.total}
    given_up: set[Cell] = set()
    while True:
        # A lone blank in a sum is the common case and needs no algebra; the full check runs when none is left.
        revealing = {
            number for number in range(len(equations)) if _reveals(equations[number], hidden, blanks[number], values)
        }
        exposed = {cell for number in revealing for cell in equations[number].cells}
        exposed = (
            sorted((exposed & hidden) - given_up)
            or [cell for cell in _derivable(values, equations, hidden, touching) if cell not in given_up]
            or [cell for cell in _pinned_by_sign(values, equations, hidden, touching) if cell not in given_up]
        )
        if not exposed:
            return hidden
        changed: set[int] = set()
        for cell in exposed:
            alone = [number for number in touching[cell] if number in revealing]
            if changed.intersection(alone or touching[cell]):
                continue  # a blank added on this pass may already protect it; the next check will tell
            choice = None
            for numbers in (alone, touching[cell], _component(cell, equations, hidden, touching)):
                choice = _cheapest(values, equations, numbers, hidden, totals, touching, blanks)
                if choice is not None:
                    break
            if choice is None:
                # Every number around it is blank already: only a total published elsewhere pins it down.
                given_up.add(cell)
                continue
            hidden.add(choice)
            for number in touching[choice]:
                blanks[number] += 1
            changed.update(alone or touching[cell])
            changed.update(touching[choice])


def _reveals(equation: _Equation, hidden: set[Cell], blanks: int, values: Mapping[str, np.ndarray]) -> bool:
    if blanks == 1:
        return True
    blank_parts = [cell for cell in equation.parts if cell in hidden]
    return blanks > 1 and len(blank_parts) == blanks and sum(values[column][row] for row, column in blank_parts) == 0


def _cheapest(
    values: Mapping[str, np.ndarray],
    equations: list[_Equation],
    numbers: Iterable[int],
    hidden: set[Cell],
    totals: set[Cell],
    touching: Mapping[Cell, list[int]],
    blanks: list[int],
) -> Cell | None:
    shown = {cell for number in numbers for cell in equations[number].cells if cell not in hidden}
    if not shown:
        return None

    def cost(cell: Cell):
        lone_blanks_made = sum(blanks[number] == 0 for number in touching[cell])
        return (cell in totals, lone_blanks_made, values[cell[1]][cell[0]], cell)

    return min(shown, key=cost)


def _component(cell: Cell, equations: list[_Equation], hidden: set[Cell], touching) -> list[int]:
    # The equations linked to this blank through other blanks: the ones a solver would combine.
    seen_cells, seen_equations, todo = {cell}, set(), [cell]
    while todo:
        for number in touching[todo.pop()]:
            if number in seen_equations:
                continue
            seen_equations.add(number)
            for other in equations[number].cells:
                if other in hidden and other not in seen_cells:
                    seen_cells.add(other)
                    todo.append(other)
    return sorted(seen_equations)


def _systems(values: Mapping, equations: list[_Equation], hidden: set[Cell], touching):
    """Each group of blanks linked through the sums, with those sums over them: (blanks, coefficients, right-hand side)."""
    done = set()
    for start in sorted(hidden):
        if start in done:
            continue
        numbers = _component(start, equations, hidden, touching)
        unknowns = sorted({cell for number in numbers for cell in equations[number].cells if cell in hidden} | {start})
        done.update(unknowns)
        if numbers:
            yield (unknowns, *_system(values, [equations[number] for number in numbers], unknowns))


def _derivable(values: Mapping, equations: list[_Equation], hidden: set[Cell], touching) -> list[Cell]:
    # A blank is derivable when every solution of the equations (shown cells moved to the right-hand side) gives it
    # the same value: when its unit vector lies in the row space of the coefficient matrix over the blanks.
    derivable = []
    for unknowns, matrix, _ in _systems(values, equations, hidden, touching):
        _, singular, rows = np.linalg.svd(matrix, full_matrices=False)
        row_space = rows[: int((singular > TOLERANCE * max(matrix.shape)).sum())]
        in_row_space = (row_space**2).sum(axis=0) > 1 - 1e-7
        derivable.extend(cell for cell, pinned in zip(unknowns, in_row_space, strict=True) if pinned)
    return derivable


def _pinned_by_sign(values: Mapping, equations: list[_Equation], hidden: set[Cell], touching) -> list[Cell]:
    # Algebra alone misses blanks that only one value fits because counts are never negative (x + y = 0 means both
    # are 0; then x + z = 7 gives z). A solver finds them: if some solution has every blank above zero, no sign bound
    # binds and the algebra above is the whole story; if not, each blank's largest value shows which are stuck at 0.
    pinned = []
    for unknowns, matrix, right in _systems(values, equations, hidden, touching):
        size = len(unknowns)
        lift = linprog(
            np.r_[np.zeros(size), -1.0],  # maximise t with every blank at least t
            A_ub=np.hstack([-np.eye(size), np.ones((size, 1))]),
            b_ub=np.zeros(size),
            A_eq=np.hstack([matrix, np.zeros((len(matrix), 1))]),
            b_eq=right,
            bounds=[(0, None)] * size + [(0, 1)],
        )
        if lift.status == 0 and -lift.fun > 1e-6:
            continue
        for position, cell in enumerate(unknowns):
            objective = np.zeros(size)
            objective[position] = -1.0
            highest = linprog(objective, A_eq=matrix, b_eq=right, bounds=(0, None))
            if highest.status == 0 and -highest.fun < 0.5:
                pinned.append(cell)
    return pinned


def _system(values: Mapping, equations: list[_Equation], unknowns: list[Cell]) -> tuple[np.ndarray, np.ndarray]:
    """The equations over the blank cells: coefficients, and the right-hand side the shown cells give."""
    column = {cell: position for position, cell in enumerate(unknowns)}
    matrix, right = np.zeros((len(equations), len(unknowns))), np.zeros(len(equations))
    for row, equation in enumerate(equations):
        for cell in equation.cells:
            if cell in column:
                matrix[row, column[cell]] = equation.coefficient(cell)
            else:
                right[row] -= equation.coefficient(cell) * values[cell[1]][cell[0]]
    return matrix, right


def display(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """A copy for tables and downloads, with blanked cells written as [c] and whole numbers kept whole."""
    shown = frame.copy()
    for column in columns:
        cells = [SUPPRESSED if pd.isna(value) else _plain(value) for value in shown[column]]
        shown[column] = pd.Series(cells, index=shown.index, dtype=object)
    return shown


def _plain(value):
    number = float(value)
    return int(number) if number.is_integer() else number
