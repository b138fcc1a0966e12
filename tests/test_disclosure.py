"""Disclosure control on crafted frames: primary and secondary suppression, checked by an independent solver."""

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from dashboard import disclosure
from dashboard.disclosure import SUPPRESSED, TOTAL

K = 10


def feasible_range(equations: list[dict], values: dict, hidden: set) -> dict:
    """For each hidden cell, the least and greatest value it can take given every shown cell and every sum.

    `equations` are {cell: coefficient} with a right-hand side of 0 once every cell is known; a cell's range is found
    by linear programming over the hidden cells (non-negative), the way an intruder with a solver would.
    """
    unknowns = sorted(hidden)
    position = {cell: index for index, cell in enumerate(unknowns)}
    rows, right = [], []
    for equation in equations:
        row = np.zeros(len(unknowns))
        constant = 0.0
        for cell, coefficient in equation.items():
            if cell in position:
                row[position[cell]] += coefficient
            else:
                constant += coefficient * values[cell]
        if row.any():
            rows.append(row)
            right.append(-constant)
    ranges = {}
    for cell in unknowns:
        objective = np.zeros(len(unknowns))
        objective[position[cell]] = 1
        options = {"A_eq": np.array(rows), "b_eq": np.array(right)} if rows else {}
        low = linprog(objective, bounds=(0, None), **options)
        high = linprog(-objective, bounds=(0, None), **options)
        assert low.status == 0 and high.status in (0, 3)  # 3: no sum bounds it from above, so it is not pinned
        ranges[cell] = (low.fun, -high.fun if high.status == 0 else np.inf)
    return ranges


def assert_protected(equations, values, hidden):
    """No hidden cell can be pinned to one value."""
    for cell, (low, high) in feasible_range(equations, values, hidden).items():
        assert high - low > 0.5, f"{cell} can be worked out: it must be {low:g}"


def hidden_cells(result: pd.DataFrame, columns) -> set:
    return {(row, column) for column in columns for row in range(len(result)) if pd.isna(result[column].iat[row])}


def cells_of(frame: pd.DataFrame, columns) -> dict:
    return {(row, column): float(frame[column].iat[row]) for column in columns for row in range(len(frame))}


def two_way(values: dict) -> pd.DataFrame:
    """A department x scheme table with row and column totals, as leadership_department_schemes returns it."""
    rows = [(department, scheme, count) for (department, scheme), count in values.items()]
    departments = sorted({department for department, _ in values})
    schemes = sorted({scheme for _, scheme in values})
    for department in departments:
        rows.append((department, TOTAL, sum(n for (d, _), n in values.items() if d == department)))
    for scheme in schemes:
        rows.append((TOTAL, scheme, sum(n for (_, s), n in values.items() if s == scheme)))
    rows.append((TOTAL, TOTAL, sum(values.values())))
    return pd.DataFrame(rows, columns=["department_id", "scheme_id", "n"])


def two_way_equations(frame: pd.DataFrame, column: str = "n") -> list[dict]:
    """Each row and column of a two-way table adds up to its total (written independently of the code under test)."""
    position = {
        (d, s): index for index, (d, s) in enumerate(zip(frame["department_id"], frame["scheme_id"], strict=True))
    }
    departments = {d for d, _ in position}
    schemes = {s for _, s in position}
    equations = []
    for department in departments:
        parts = {(position[(department, s)], column): 1 for s in schemes if s != TOTAL and (department, s) in position}
        equations.append({**parts, (position[(department, TOTAL)], column): -1})
    for scheme in schemes:
        parts = {(position[(d, scheme)], column): 1 for d in departments if d != TOTAL and (d, scheme) in position}
        equations.append({**parts, (position[(TOTAL, scheme)], column): -1})
    return equations


def test_primary_blanks_counts_below_k_and_keeps_the_rest():
    frame = pd.DataFrame({"group": list("abcd"), "people": [0, 9, 10, 250]})
    result = disclosure.suppress(frame, ["people"], k=K)
    assert result["people"].isna().tolist() == [True, True, False, False]
    assert result["people"].iloc[2:].tolist() == [10, 250]
    assert frame["people"].tolist() == [0, 9, 10, 250], "the input must not change"


def test_threshold_comes_from_the_environment_and_zero_turns_it_off(monkeypatch):
    frame = pd.DataFrame({"group": list("abc"), "people": [3, 40, 50]})
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    assert disclosure.suppress(frame, ["people"], groups=[[]])["people"].tolist() == [3, 40, 50]
    assert disclosure.format_count(3) == "3"
    assert disclosure.note() == "Disclosure control is off: every count is shown."
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "5")
    assert disclosure.suppress(frame, ["people"])["people"].isna().tolist() == [True, False, False]
    monkeypatch.delenv("GSE_DISCLOSURE_THRESHOLD")
    assert disclosure.threshold() == 10
    assert "fewer than 10 people" in disclosure.note()


def test_a_lone_blank_in_a_published_total_forces_the_next_smallest():
    frame = pd.DataFrame({"grade": ["EO", "HEO", "SEO", "G7"], "people": [4, 60, 25, 31]})
    result = disclosure.suppress(frame, ["people"], groups=[[]], k=K)
    assert result["people"].isna().tolist() == [True, False, True, False]
    # With the total known, the two blanks are only known together.
    equations = [{(row, "people"): 1 for row in range(4)} | {("total",): -1}]
    assert_protected(equations, {**cells_of(frame, ["people"]), ("total",): 120}, hidden_cells(result, ["people"]))


def test_two_blanks_need_no_more():
    frame = pd.DataFrame({"grade": ["EO", "HEO", "SEO"], "people": [4, 60, 7]})
    result = disclosure.suppress(frame, ["people"], groups=[[]], k=K)
    assert result["people"].isna().tolist() == [True, False, True]


def test_one_way_table_with_its_total_row():
    frame = pd.DataFrame({"department_id": ["A", "B", "C", "D", TOTAL], "people": [3, 50, 40, 60, 153]})
    result = disclosure.suppress(frame, ["people"], margins=["department_id"], k=K)
    assert result["people"].isna().tolist() == [True, False, True, False, False], "C (smallest) goes with A"


def test_a_part_that_equals_its_total_takes_the_total_with_it():
    # One department chosen: its row and the total row are the same number.
    frame = pd.DataFrame({"department_id": ["A", TOTAL], "people": [6, 6]})
    result = disclosure.suppress(frame, ["people"], margins=["department_id"], k=K)
    assert result["people"].isna().all()


def test_blank_zeros_that_must_add_up_to_zero_take_a_shown_cell_with_them():
    # A and B are blank, but the total minus C says they add up to 0, and no count is negative: both would be known.
    frame = pd.DataFrame({"department_id": ["A", "B", "C", "D", TOTAL], "people": [0, 0, 40, 55, 95]})
    result = disclosure.suppress(frame, ["people"], margins=["department_id"], k=K)
    hidden = hidden_cells(result, ["people"])
    assert hidden == {(0, "people"), (1, "people"), (2, "people")}
    equations = [{(0, "people"): 1, (1, "people"): 1, (2, "people"): 1, (3, "people"): 1, (4, "people"): -1}]
    assert_protected(equations, cells_of(frame, ["people"]), hidden)


def test_two_way_table_blanks_a_closed_pattern():
    values = {("A", "x"): 3, ("A", "y"): 20, ("A", "z"): 30, ("B", "x"): 15, ("B", "y"): 25, ("B", "z"): 12}
    values |= {("C", "x"): 40, ("C", "y"): 22, ("C", "z"): 50}
    frame = two_way(values)
    result = disclosure.suppress(frame, ["n"], margins=["department_id", "scheme_id"], k=K)
    hidden = hidden_cells(result, ["n"])
    # Suppressing A-x forces another in its row and its column, and those force a fourth: a rectangle.
    assert len(hidden) == 4
    blanked = {(frame["department_id"].iat[row], frame["scheme_id"].iat[row]) for row, _ in hidden}
    assert ("A", "x") in blanked
    assert not any(TOTAL in pair for pair in blanked), "totals stay shown when parts can protect"
    for line in [*(["A", "B", "C"]), *(["x", "y", "z"])]:
        assert sum(line in pair for pair in blanked) in (0, 2)
    assert_protected(two_way_equations(frame), cells_of(frame, ["n"]), hidden)


def test_suppressing_one_cell_forces_another_in_a_chain():
    values = {("A", "x"): 2, ("A", "y"): 11, ("A", "z"): 90, ("B", "x"): 80, ("B", "y"): 12, ("B", "z"): 95}
    values |= {("C", "x"): 85, ("C", "y"): 70, ("C", "z"): 13}
    frame = two_way(values)
    result = disclosure.suppress(frame, ["n"], margins=["department_id", "scheme_id"], k=K)
    hidden = hidden_cells(result, ["n"])
    blanked = {(frame["department_id"].iat[row], frame["scheme_id"].iat[row]) for row, _ in hidden}
    # Only A-x is small. Its row gives up A-y (11, the smallest). Columns x and y then hold one blank each, so each
    # forces another; B-y (12) is the cheapest for column y, and row B then closes the rectangle with B-x.
    assert blanked == {("A", "x"), ("A", "y"), ("B", "y"), ("B", "x")}
    assert_protected(two_way_equations(frame), cells_of(frame, ["n"]), hidden)


def test_blanks_that_no_single_sum_gives_away_are_still_protected():
    # Each sum holds two blanks, yet the three sums together solve for all three: only algebra sees it.
    frame = pd.DataFrame({"a": [4], "b": [5], "c": [6], "x": [9], "y": [10], "z": [11]})
    sums = {"x": ["a", "b"], "y": ["a", "c"], "z": ["b", "c"]}
    result = disclosure.suppress(frame, ["a", "b", "c", "x", "y", "z"], sums=sums, k=K)
    hidden = hidden_cells(result, ["a", "b", "c", "x", "y", "z"])
    assert {(0, "a"), (0, "b"), (0, "c")} < hidden, "at least one of the sums must go too"
    equations = [{(0, total): -1, **{(0, part): 1 for part in parts}} for total, parts in sums.items()]
    assert_protected(equations, cells_of(frame, ["a", "b", "c", "x", "y", "z"]), hidden)


def test_stages_that_add_up_within_a_row():
    frame = pd.DataFrame(
        {
            "applications": [100],
            "places": [60],
            "accepted": [25],
            "completed": [35],
            "rejected": [31],
            "withdrawn": [4],
            "awaiting": [5],
        }
    )
    sums = {"applications": ["places", "rejected", "withdrawn", "awaiting"], "places": ["accepted", "completed"]}
    columns = list(frame.columns)
    result = disclosure.suppress(frame, columns, sums=sums, k=K)
    assert hidden_cells(result, columns) == {(0, "withdrawn"), (0, "awaiting")}
    frame.loc[0, ["awaiting", "rejected"]] = [20, 16]
    result = disclosure.suppress(frame, columns, sums=sums, k=K)
    hidden = hidden_cells(result, columns)
    assert hidden == {(0, "withdrawn"), (0, "rejected")}, "the smallest other part goes with the lone blank"
    equations = [{(0, total): -1, **{(0, part): 1 for part in parts}} for total, parts in sums.items()]
    assert_protected(equations, cells_of(frame, columns), hidden)


@pytest.mark.parametrize("seed", range(12))
def test_random_two_way_tables_are_safe(seed):
    rng = np.random.default_rng(seed)
    departments, schemes = [f"D{i}" for i in range(rng.integers(3, 8))], [f"s{i}" for i in range(rng.integers(2, 6))]
    values = {
        (d, s): int(rng.choice([rng.integers(0, 10), rng.integers(10, 80)], p=[0.35, 0.65]))
        for d, s in itertools.product(departments, schemes)
    }
    frame = two_way(values)
    result = disclosure.suppress(frame, ["n"], margins=["department_id", "scheme_id"], k=K)
    hidden = hidden_cells(result, ["n"])
    shown = result["n"].dropna()
    assert (shown >= K).all(), "no shown count is below k"
    assert {row for row, _ in hidden} >= set(np.flatnonzero(frame["n"] < K)), "every small count is blanked"
    assert (shown == frame.loc[shown.index, "n"]).all(), "shown counts are unchanged"
    assert_protected(two_way_equations(frame), cells_of(frame, ["n"]), hidden)


def test_rates_follow_their_counts():
    frame = pd.DataFrame(
        {
            "group": list("abcd"),
            "members": [8, 200, 150, 300],
            "places": [2, 5, 30, 40],
            "share": [0.25, 0.025, 0.2, 0.133],
            "per_member": [0.25, 0.025, 0.2, 0.133],
        }
    )
    result = disclosure.suppress(
        frame, ["members", "places"], rates={"share": ("places", "members"), "per_member": "members"}, k=K
    )
    # a: denominator below k; b: numerator blanked, so the rate would give it away.
    assert result["share"].isna().tolist() == [True, True, False, False]
    assert result["per_member"].isna().tolist() == [True, True, False, False]
    assert result["share"].iloc[2] == pytest.approx(0.2)


def test_a_rate_over_a_small_denominator_is_blanked_even_if_that_denominator_is_not_a_count_column():
    frame = pd.DataFrame({"group": list("ab"), "trials": [6, 60], "rate": [0.5, 0.5]})
    result = disclosure.suppress(frame, [], rates={"rate": "trials"}, k=K)
    assert result["rate"].isna().tolist() == [True, False]


def test_display_and_format_count():
    frame = pd.DataFrame({"people": pd.array([12, None, 1500], dtype="Int64"), "rate": [0.5, None, 0.25]})
    shown = disclosure.display(frame, ["people", "rate"])
    assert shown["people"].tolist() == [12, SUPPRESSED, 1500]
    assert shown["rate"].tolist() == [0.5, SUPPRESSED, 0.25]
    assert disclosure.format_count(1500, k=K) == "1,500"
    assert disclosure.format_count(9, k=K) == SUPPRESSED
    assert disclosure.format_count(pd.NA, k=K) == SUPPRESSED
    assert disclosure.is_small(9, k=K) and not disclosure.is_small(10, k=K) and not disclosure.is_small(3, k=0)


def test_more_than_one_total_row_in_a_group_is_an_error():
    frame = pd.DataFrame({"department_id": ["A", TOTAL, TOTAL], "people": [20, 20, 20]})
    with pytest.raises(ValueError, match="more than one total"):
        disclosure.suppress(frame, ["people"], margins=["department_id"], k=K)
