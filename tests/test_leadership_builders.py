"""Leadership's pure builders on small hand-made tables: every trace, title, sentence and table cell written out here.

Fast (no database, no page run), so the mutation selection can run them for every mutant. Expected values are worked
out by hand in the comments, never read from the module's constants: the Analysis Function colours are spelt out.
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import leadership

NAN = float("nan")
TOTAL = "Total"  # the key of a total row or column, as the queries write it
DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE = (
    "#12436D",
    "#28A197",
    "#801650",
    "#F46A25",
    "#3D3D3D",
    "#A285D1",
)
# A name tick_label wraps into three lines at 24 characters: "Gamma Department of Very" is 24, "Long" would make 29.
LONG = "Gamma Department of Very Long Names Indeed For Sure"
LONG_TICK = "Gamma Department of Very<br>Long Names Indeed For<br>Sure"


def view_frame(rows: list[tuple]) -> pd.DataFrame:
    """A department view as department_view returns it (already in order), from (name, id, members, places,
    participation_rate, applications, acceptance_rate, lower, upper, below) rows."""
    frame = pd.DataFrame(
        rows,
        columns=[
            "name",
            "department_id",
            "members",
            "places",
            "participation_rate",
            "applications",
            "acceptance_rate",
            "lower",
            "upper",
            "below",
        ],
    )
    for column in ("members", "places", "applications"):
        frame[column] = frame[column].astype("Int64")
    return frame


# Two shown departments, then two blanked: the order department_view gives (highest participation first).
PARTICIPATION = view_frame(
    [
        ("Alpha Agency", "ALP", 10000, 1234, 12.34, 2000, 0.617, 0.595, 0.638, False),
        ("Beta Office", "BET", 1000, 30, 3.0, 100, 0.30, 0.22, 0.39, True),
        (LONG, "GAM", None, None, NAN, None, NAN, NAN, NAN, False),
        ("Delta", "DEL", None, None, NAN, None, NAN, NAN, NAN, False),
    ]
)


def close(values, expected) -> None:
    np.testing.assert_allclose(np.asarray(values, dtype=float), expected, rtol=1e-9)


def shape_lines(figure: go.Figure) -> list[tuple]:
    return [
        (shape.x0, shape.x1, shape.line.dash, shape.line.color, shape.line.width, shape.layer)
        for shape in figure.layout.shapes
    ]


def annotation_texts(figure: go.Figure) -> list[tuple]:
    return [
        (note.x, note.y, note.yref, note.yanchor, note.text, note.showarrow, note.font.size)
        for note in figure.layout.annotations
    ]


@pytest.mark.parametrize(
    ("value", "rate", "share"),
    [(2.344, "2.3", "234%"), (0.354, "0.4", "35%"), (12.0, "12.0", "1200%"), (None, "[c]", "[c]"), (NAN, "[c]", "[c]")],
)
def test_rates_are_written_to_one_place_per_100_and_whole_percentages(value, rate, share):
    assert leadership.per_100(value) == rate
    assert leadership.percent(value) == share
    assert leadership.per_100(pd.NA) == "[c]" and leadership.percent(pd.NA) == "[c]"


def test_the_participation_chart_draws_shown_rates_labels_blanks_and_the_reference():
    ref = {"participation_rate": 4.56}
    figure = leadership.participation_chart(PARTICIPATION, ref, "Participation by department")
    bars, blanks = figure.data
    assert bars.type == "bar" and bars.orientation == "h"
    assert list(bars.x) == [12.34, 3.0]
    assert list(bars.y) == ["Alpha Agency", "Beta Office"]
    assert bars.marker.color == DARK_BLUE
    assert list(bars.text) == ["12.3 (1,234)", "3.0 (30)"]
    assert bars.textposition == "outside" and bars.cliponaxis is False
    assert [list(row) for row in bars.customdata] == [["Alpha Agency"], ["Beta Office"]]
    assert bars.hovertemplate == "%{customdata[0]}: %{x:.1f} participants per 100 members<extra></extra>"
    assert bars.name == "Participants per 100 members"
    # The blanked departments: no bar, a [c] at zero so the gap is explained.
    assert blanks.type == "scatter" and blanks.mode == "text"
    assert list(blanks.x) == [0, 0]
    assert list(blanks.y) == [LONG_TICK, "Delta"]
    assert list(blanks.text) == ["[c]", "[c]"]
    assert blanks.textposition == "middle right" and blanks.hoverinfo == "skip" and blanks.showlegend is False
    # Plotly draws a category array from the bottom up: the highest rate last, the blanked ones first.
    assert list(figure.layout.yaxis.categoryarray) == ["Delta", LONG_TICK, "Beta Office", "Alpha Agency"]
    assert figure.layout.yaxis.categoryorder == "array"
    assert figure.layout.xaxis.title.text == "Participants per 100 members<br>(label: rate and count)"
    assert figure.layout.xaxis.rangemode == "tozero"
    assert figure.layout.showlegend is False
    assert shape_lines(figure) == [(4.56, 4.56, "dash", DARK_GREY, 1.5, "below")]  # behind the bars and their labels
    assert annotation_texts(figure) == [(4.56, 1, "paper", "bottom", "Profession-wide 4.6", False, 12)]
    # Rows of a three-line label: 15 * 3 + 6 = 51 pixels each, 4 rows and 120 for the rest: 324. One title line.
    assert figure.layout.height == 324
    assert figure.layout.title.text == "Participation by department"
    assert figure.layout.margin.t == 72


def test_a_participation_chart_with_nothing_blanked_and_no_reference_draws_only_its_bars():
    view = PARTICIPATION.iloc[:2]
    figure = leadership.participation_chart(view, {"participation_rate": None}, "t")
    assert len(figure.data) == 1
    assert not figure.layout.shapes and not figure.layout.annotations
    assert list(figure.layout.yaxis.categoryarray) == ["Beta Office", "Alpha Agency"]
    # Two one-line rows: 26 * 2 + 120 = 172, so the floor of 300.
    assert figure.layout.height == 300
    nan_ref = leadership.participation_chart(view, {"participation_rate": NAN}, "t")
    assert not nan_ref.layout.shapes and not nan_ref.layout.annotations


def test_a_tall_participation_chart_grows_with_its_rows():
    names = [f"Department {letter}" for letter in "ABCDEFGHIJ"]
    view = view_frame(
        [(name, name[-1], 100, 10 - i, 10.0 - i, 20, 0.5, 0.3, 0.7, False) for i, name in enumerate(names)]
    )
    figure = leadership.participation_chart(view, {"participation_rate": 5.0}, "t")
    # One-line labels: 15 + 6 = 21 is under the base of 26, so 26 * 10 + 120 = 380.
    assert figure.layout.height == 380
    assert list(figure.data[0].text)[:2] == ["10.0 (10)", "9.0 (9)"]


@pytest.mark.parametrize(
    ("labels", "base", "expected"),
    [
        (["one line", "another"], 26, 26),
        (["two\nlines", "one"], 26, 36),
        (["two\nlines", "three\nlines\nhere"], 28, 51),
        (["one"], 10, 21),
        ([], 26, 26),
        ([], 10, 21),
    ],
)
def test_a_row_is_tall_enough_for_its_longest_label(labels, base, expected):
    assert leadership.row_height(pd.Series(labels, dtype=object), base) == expected


def test_tick_labels_wrap_at_24_characters_unless_told():
    assert leadership.tick_label(LONG) == "Gamma Department of Very\nLong Names Indeed For\nSure"
    assert leadership.tick_label("Short name") == "Short name"
    # "Department of Health Care" is 25 characters: one too many.
    assert leadership.tick_label("Department of Health Care Services") == "Department of Health\nCare Services"
    assert leadership.tick_label(LONG, 30) == "Gamma Department of Very Long\nNames Indeed For Sure"


def test_a_long_title_wraps_and_the_figure_grows_by_a_line_each():
    # Forty characters at width 20: "alpha beta gamma" (16), "delta epsilon zeta" (18), "eta" -- three lines.
    figure = leadership.titled(go.Figure(), "alpha beta gamma delta epsilon zeta eta", height=200, width=20, top=7)
    assert figure.layout.title.text == "alpha beta gamma<br>delta epsilon zeta<br>eta"
    assert figure.layout.height == 200 + 22 * 2 + 7
    assert figure.layout.margin.t == 50 + 22 * 3 + 7
    title = figure.layout.title
    assert (title.xref, title.x, title.y, title.yref, title.yanchor, title.pad.t) == (
        "container",
        0.01,
        1,
        "container",
        "top",
        12,
    )
    assert leadership.alt_text(figure) == "alpha beta gamma delta epsilon zeta eta"


def test_a_title_wraps_at_90_characters_by_default_and_an_empty_one_takes_a_line():
    words = "word " * 20  # 99 characters without the last space: 18 words take 89, the last 2 go on a second line
    figure = leadership.titled(go.Figure(), words, height=100)
    assert figure.layout.title.text == ("word " * 18).strip() + "<br>" + "word word"
    assert figure.layout.height == 122
    assert figure.layout.margin.t == 94
    empty = leadership.titled(go.Figure(), "", height=100)
    assert empty.layout.height == 100 and empty.layout.margin.t == 72
    assert empty.layout.title.text == ""


@pytest.mark.parametrize(
    ("rows", "rate", "expected"),
    [
        (
            PARTICIPATION,
            4.56,
            "Participation in the Future Leaders Scheme ranges from 3.0 (Beta Office) to 12.3 (Alpha Agency) per 100 "
            "members",
        ),
        (
            PARTICIPATION.iloc[[0, 2]],
            4.56,
            "Participants in the Future Leaders Scheme per 100 members: 4.6 profession-wide",
        ),
        (
            PARTICIPATION.iloc[2:],
            None,
            "Participants in the Future Leaders Scheme per 100 members: [c] profession-wide",
        ),
    ],
)
def test_the_participation_title_names_the_ends_of_the_range(rows, rate, expected):
    assert leadership.participation_title(rows, {"participation_rate": rate}, "the Future Leaders Scheme") == expected


def test_the_participation_sentence_gives_the_profession_rate_and_both_ends():
    ref = {"participation_rate": 4.56}
    assert leadership.participation_sentence(PARTICIPATION, ref, "all schemes") == (
        "Across the profession, there were 4.6 participants per 100 members in all schemes together; Alpha Agency had "
        "the most (12.3) and Beta Office the fewest (3.0)."
    )
    assert leadership.participation_sentence(PARTICIPATION.iloc[[1, 3]], ref, "the Future Leaders Scheme", "DSIT") == (
        "Across DSIT, there were 4.6 participants per 100 members in the Future Leaders Scheme."
    )
    assert leadership.participation_sentence(PARTICIPATION, {"participation_rate": None}, "all schemes") is None


def test_the_hidden_sentence_counts_blanked_departments_only_under_disclosure_control(monkeypatch):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "10")
    assert leadership.hidden_sentence(PARTICIPATION) == (
        "2 departments have numbers too small to show a participation rate here."
    )
    assert leadership.hidden_sentence(PARTICIPATION.iloc[:3]) == (
        "1 department has numbers too small to show a participation rate here."
    )
    assert leadership.hidden_sentence(PARTICIPATION.iloc[:2]) is None
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    assert leadership.hidden_sentence(PARTICIPATION) is None


# Three departments shown (one wholly below 55%, one with a three-line name), one blanked.
ACCESS = view_frame(
    [
        ("Alpha Agency", "ALP", 10000, 1234, 12.34, 2000, 0.617, 0.596, 0.638, False),
        ("Beta Office", "BET", 1000, 30, 3.0, 100, 0.30, 0.22, 0.39, True),
        (LONG, "GAM", 1000, 40, 4.0, 50, 0.80, 0.67, 0.89, False),
        ("Delta", "DEL", None, None, NAN, None, NAN, NAN, NAN, False),
    ]
)
AT_55 = {"acceptance_rate": 0.55}


def flagged(view: pd.DataFrame, below: list[bool]) -> pd.DataFrame:
    return view.assign(below=below)


def test_the_interval_chart_draws_each_rate_with_its_interval_and_marks_the_ones_wholly_below():
    title = "Acceptance rate by department, with the profession-wide rate"
    figure = leadership.interval_chart(ACCESS, "name", AT_55, title, title_width=30)
    inside, below, labels, blanks = figure.data
    assert (inside.name, below.name) == (
        "Acceptance rate, with its 95% interval",
        "Interval wholly below the profession-wide rate",
    )
    assert list(inside.x) == [0.617, 0.80] and list(inside.y) == ["Alpha Agency", LONG_TICK]
    assert list(below.x) == [0.30] and list(below.y) == ["Beta Office"]
    assert (inside.mode, inside.marker.symbol, inside.marker.size, inside.marker.color) == (
        "markers",
        "circle",
        11,
        DARK_BLUE,
    )
    assert (below.mode, below.marker.symbol, below.marker.size, below.marker.color) == (
        "markers",
        "triangle-down",
        11,
        DARK_PINK,
    )
    for trace, colour in ((inside, DARK_BLUE), (below, DARK_PINK)):
        bar = trace.error_x
        assert (bar.type, bar.symmetric, bar.color, bar.thickness) == ("data", False, colour, 1.5)
        assert trace.hovertemplate == (
            "%{customdata[0]}: %{x:.0%} accepted (%{customdata[1]:,} of %{customdata[2]:,}); "
            "95% interval %{customdata[3]:.0%} to %{customdata[4]:.0%}<extra></extra>"
        )
    # Upper minus rate above, rate minus lower below: 0.638 - 0.617, 0.89 - 0.80; 0.617 - 0.596, 0.80 - 0.67.
    assert list(inside.error_x.array) == pytest.approx([0.021, 0.09])
    assert list(inside.error_x.arrayminus) == pytest.approx([0.021, 0.13])
    assert list(below.error_x.array) == pytest.approx([0.09]) and list(below.error_x.arrayminus) == pytest.approx(
        [0.08]
    )
    assert [list(row) for row in inside.customdata] == [
        ["Alpha Agency", 1234, 2000, 0.596, 0.638],
        [LONG_TICK, 40, 50, 0.67, 0.89],
    ]
    assert [list(row) for row in below.customdata] == [["Beta Office", 30, 100, 0.22, 0.39]]
    # The labels sit just right of each interval, and say 'below' where it is wholly below.
    assert list(labels.x) == pytest.approx([0.648, 0.40, 0.90])
    assert list(labels.y) == ["Alpha Agency", "Beta Office", LONG_TICK]
    assert list(labels.text) == ["62%", "30% below", "80%"]
    assert (labels.mode, labels.textposition, labels.hoverinfo, labels.showlegend) == (
        "text",
        "middle right",
        "skip",
        False,
    )
    assert list(blanks.y) == ["Delta"] and list(blanks.text) == ["[c]"] and list(blanks.x) == [0]
    assert shape_lines(figure) == [(0.55, 0.55, "dash", DARK_GREY, 1.5, "below")]
    assert annotation_texts(figure) == [(0.55, 1, "paper", "bottom", "Profession-wide 55%", False, 12)]
    assert list(figure.layout.yaxis.categoryarray) == ["Delta", LONG_TICK, "Beta Office", "Alpha Agency"]
    assert figure.layout.yaxis.categoryorder == "array"
    xaxis = figure.layout.xaxis
    assert (xaxis.title.text, xaxis.tickformat, list(xaxis.range)) == (
        "Share of applications accepted",
        ".0%",
        [0, 1.12],
    )
    assert figure.layout.showlegend is False
    # "Acceptance rate by department," is 30 characters: two title lines at width 30.
    assert figure.layout.title.text == "Acceptance rate by department,<br>with the profession-wide rate"
    # Three-line labels: 51 pixels a row, 4 rows and 190: 394, and 22 for the second title line.
    assert figure.layout.height == 416
    assert figure.layout.margin.t == 94


def test_an_interval_chart_by_code_hovers_the_name_and_leaves_out_an_empty_group():
    figure = leadership.interval_chart(
        flagged(ACCESS.iloc[:3], [False] * 3), "department_id", {"acceptance_rate": None}, "t", hover="name"
    )
    points, labels = figure.data
    assert points.marker.symbol == "circle" and labels.mode == "text"
    assert list(points.y) == ["ALP", "BET", "GAM"]
    assert [row[0] for row in points.customdata] == ["Alpha Agency", "Beta Office", LONG_TICK.replace("<br>", " ")]
    assert list(labels.text) == ["62%", "30%", "80%"]
    assert not figure.layout.shapes and not figure.layout.annotations
    # One-line codes: 28 * 3 + 190 = 274, so the floor of 300.
    assert figure.layout.height == 300
    every_one = leadership.interval_chart(flagged(ACCESS.iloc[:3], [True] * 3), "department_id", AT_55, "t")
    assert [trace.marker.symbol for trace in every_one.data[:1]] == ["triangle-down"]
    assert list(every_one.data[1].text) == ["62% below", "30% below", "80% below"]
    taller = pd.concat([ACCESS.iloc[:3]] * 2, ignore_index=True).assign(department_id=list("ABCDEF"))
    # Six one-line rows: 28 * 6 + 190 = 358.
    assert leadership.interval_chart(taller, "department_id", AT_55, "t").layout.height == 358


@pytest.mark.parametrize(
    ("view", "ref", "label", "expected"),
    [
        (ACCESS, AT_55, "department", "1 department has an acceptance rate clearly below the profession-wide 55%"),
        (
            flagged(ACCESS, [True, True, False, False]),
            AT_55,
            "department",
            "2 departments have acceptance rates clearly below the profession-wide 55%",
        ),
        (ACCESS, AT_55, "grade", "1 grade has an acceptance rate clearly below the profession-wide 55%"),
        (
            flagged(ACCESS, [False] * 4),
            AT_55,
            "department",
            "Of those large enough to show, none of the 3 departments is clearly below the profession-wide 55%",
        ),
        (
            flagged(ACCESS.iloc[[0, 3]], [False] * 2),
            AT_55,
            "department",
            "Of those large enough to show, the one department is not clearly below the profession-wide 55%",
        ),
        (
            flagged(ACCESS.iloc[[0, 3]], [False] * 2),
            AT_55,
            "region",
            "Of those large enough to show, the one region is not clearly below the profession-wide 55%",
        ),
        (
            flagged(ACCESS.iloc[:3], [False] * 3),
            {"acceptance_rate": 0.454},
            "department",
            "No department's acceptance rate is clearly below the profession-wide 45%",
        ),
        (
            flagged(ACCESS.iloc[:3], [False] * 3),
            {"acceptance_rate": None},
            "grade",
            "No grade's acceptance rate is clearly below the profession-wide [c]",
        ),
        (ACCESS.iloc[[3]], AT_55, "department", "The numbers for Delta are too small to show an acceptance rate"),
        (
            pd.concat([ACCESS.iloc[[3]]] * 2),
            AT_55,
            "department",
            "The numbers for the chosen departments are too small to show an acceptance rate",
        ),
        (
            ACCESS.iloc[[3]],
            AT_55,
            "grade",
            "The numbers for the chosen grades are too small to show an acceptance rate",
        ),
        (ACCESS.iloc[:0], AT_55, "grade", "No grade matches the filters"),
    ],
)
def test_the_access_title_states_how_many_are_clearly_below(view, ref, label, expected):
    assert leadership.access_title(view, ref, label) == expected


def test_the_access_title_speaks_of_departments_unless_told():
    assert leadership.access_title(ACCESS, AT_55) == (
        "1 department has an acceptance rate clearly below the profession-wide 55%"
    )
    assert leadership.too_small_to_show(ACCESS.iloc[:0]) == "No department matches the filters"
    assert leadership.too_small_to_show(ACCESS.iloc[[3]]) == (
        "The numbers for Delta are too small to show an acceptance rate"
    )


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (
            ACCESS,
            "Beta Office has an acceptance rate clearly below the profession-wide 55% (the whole 95% interval is below "
            "it).",
        ),
        (
            flagged(ACCESS, [True, True, False, False]),
            "Beta Office and Alpha Agency have acceptance rates clearly below the profession-wide 55% (the whole 95% "
            "interval is below it).",
        ),
        (
            flagged(ACCESS, [True, True, True, False]),
            f"Beta Office, Alpha Agency and {LONG} have acceptance rates clearly below the profession-wide 55% (the "
            "whole 95% interval is below it).",
        ),
        (
            flagged(ACCESS.iloc[:3], [False] * 3),
            "No department's applications are accepted clearly less often than the profession-wide 55%.",
        ),
        (
            flagged(ACCESS, [False] * 4),
            "None of the 3 departments with numbers large enough to show has applications accepted clearly less often "
            "than the profession-wide 55%; 1 department has numbers too small to show.",
        ),
        (
            flagged(pd.concat([ACCESS.iloc[[0, 3]], ACCESS.iloc[[3]]]), [False] * 3),
            "Alpha Agency's applications are not accepted clearly less often than the profession-wide 55%; "
            "2 departments have numbers too small to show.",
        ),
        (ACCESS.iloc[[3]], "The numbers for Delta are too small to show an acceptance rate."),
        (
            pd.concat([ACCESS.iloc[[3]]] * 2),
            "The numbers for the chosen departments are too small to show an acceptance rate.",
        ),
    ],
)
def test_the_access_sentence_names_the_departments_wholly_below_lowest_first(view, expected):
    assert leadership.access_sentence(view, AT_55) == expected


def test_no_access_sentence_without_a_profession_wide_rate():
    assert leadership.access_sentence(ACCESS, {"acceptance_rate": None}) is None


def test_each_department_wholly_below_gets_its_own_sentence_lowest_first():
    assert leadership.below_sentences(flagged(ACCESS, [True, True, False, False]), AT_55) == [
        "Beta Office: 30% of applications accepted (30 of 100; 95% interval 22% to 39%). Even the top of that range is "
        "below the profession-wide 55%, so chance is unlikely to explain it.",
        "Alpha Agency: 62% of applications accepted (1,234 of 2,000; 95% interval 60% to 64%). Even the top of that "
        "range is below the profession-wide 55%, so chance is unlikely to explain it.",
    ]
    assert leadership.below_sentences(flagged(ACCESS, [False] * 4), AT_55) == []


def test_a_row_is_flagged_below_only_when_its_whole_interval_is_under_the_rate():
    frame = pd.DataFrame({"upper": [0.5, 0.55, 0.6, NAN], "other": [1, 2, 3, 4]})
    result = leadership.flag_below(frame, AT_55)
    assert list(result["below"]) == [True, False, False, False]
    assert list(result["other"]) == [1, 2, 3, 4]
    assert "below" not in frame  # a copy: the cached frame it came from is left alone
    assert list(leadership.flag_below(frame, {"acceptance_rate": None})["below"]) == [False] * 4


def test_the_access_series_holds_the_rates_in_percent_with_their_intervals_and_marks():
    series = leadership.access_series(ACCESS, AT_55)
    assert series.categories == ("ALP", "BET", "GAM", "DEL")
    assert series.values == (61.7, 30.0, 80.0, None)
    assert series.name == "Acceptance rate (%)"
    assert series.number_format == "0.0"
    assert series.title == "Acceptance rate (%) and 95% interval: 1 department clearly below the profession-wide 55%"
    # 61.7 - 59.6, 30 - 22, 80 - 67; 63.8 - 61.7, 39 - 30, 89 - 80.
    assert series.minus == (2.1, 8.0, 13.0, None)
    assert series.plus == (2.1, 9.0, 9.0, None)
    assert series.marked == (False, True, False, False)
    assert series.marked_label == "below"
    assert series.reference == 55.0
    assert series.reference_label == "Profession-wide 55%"
    assert series.maximum == 100.0
    assert series.key == (
        "Black lines: each rate's 95% interval. Dashed line: the profession-wide rate. Dark pink bars, marked (below): "
        "the whole interval is below it."
    )


def test_the_access_series_title_says_none_below_two_below_or_too_few():
    assert leadership.access_series(flagged(ACCESS, [False] * 4), AT_55).title == (
        "Acceptance rate (%) and 95% interval: none clearly below the profession-wide 55%"
    )
    assert leadership.access_series(flagged(ACCESS, [True, True, False, False]), AT_55).title == (
        "Acceptance rate (%) and 95% interval: 2 departments clearly below the profession-wide 55%"
    )
    blank = leadership.access_series(ACCESS.iloc[[3]], {"acceptance_rate": None})
    assert blank.title == "Acceptance rate (%) and 95% interval: too few applications to show"
    assert blank.reference is None and blank.reference_label == "Profession-wide [c]"
    assert blank.values == (None,) and blank.minus == (None,) and blank.plus == (None,)
    # A rate shown without an interval (a lower bound missing) keeps its value and leaves the bar out.
    partial = ACCESS.iloc[[0]].assign(lower=[NAN], upper=[NAN])
    assert leadership.access_series(partial, AT_55).minus == (None,)
    assert leadership.access_series(partial, AT_55).plus == (None,)


# 400 applications: 120 accepted (48 in progress, 72 completed), 200 rejected, 28 withdrawn, 52 awaiting.
FUNNEL = {
    "applications": 400,
    "places": 120,
    "accepted": 48,
    "completed": 72,
    "rejected": 200,
    "withdrawn": 28,
    "awaiting": 52,
}
# The funnel's stages as its tables name them, in FUNNEL's order.
STAGE_NAMES = [
    "Applied",
    "Accepted (participants)",
    "Accepted, in progress",
    "Completed",
    "Rejected",
    "Withdrawn",
    "Awaiting decision",
]


def test_the_funnel_chart_shows_the_stages_reached_and_where_every_application_stands():
    figure = leadership.funnel_chart(FUNNEL, "the Future Leaders Scheme")
    stages, outcomes = figure.data
    assert list(stages.x) == [400, 120, 72]
    assert list(stages.y) == ["Applied", "Accepted (participants)", "Completed"]
    assert list(stages.marker.color) == [DARK_BLUE] * 3
    assert list(stages.text) == ["400 (100%)", "120 (30%)", "72 (18%)"]
    assert list(stages.hovertext) == [
        "Applied: 400 (100%)",
        "Accepted (participants): 120 (30%)",
        "Completed: 72 (18%)",
    ]
    assert list(outcomes.x) == [120, 200, 28, 52]
    assert list(outcomes.y) == ["Accepted (participants)", "Rejected", "Withdrawn", "Awaiting decision"]
    assert list(outcomes.marker.color) == [DARK_BLUE, DARK_GREY, ORANGE, LIGHT_PURPLE]
    assert list(outcomes.text) == ["120 (30%)", "200 (50%)", "28 (7%)", "52 (13%)"]
    assert list(outcomes.hovertext)[1:] == ["Rejected: 200 (50%)", "Withdrawn: 28 (7%)", "Awaiting decision: 52 (13%)"]
    for trace, axis in ((stages, ("x", "y")), (outcomes, ("x2", "y2"))):
        assert (trace.orientation, trace.textposition, trace.cliponaxis, trace.hoverinfo, trace.showlegend) == (
            "h",
            "outside",
            False,
            "text",
            False,
        )
        assert (trace.xaxis, trace.yaxis) == axis
    layout = figure.layout
    assert list(layout.yaxis.categoryarray) == ["Completed", "Accepted (participants)", "Applied"]
    assert list(layout.yaxis2.categoryarray) == [
        "Awaiting decision",
        "Withdrawn",
        "Rejected",
        "Accepted (participants)",
    ]
    assert layout.yaxis.categoryorder == "array" and layout.yaxis2.categoryorder == "array"
    # 1.45 times the largest count (400), on both sides, with no ticks or grid.
    for axis in (layout.xaxis, layout.xaxis2):
        assert list(axis.range) == [0, 580] and axis.showticklabels is False and axis.showgrid is False
        assert axis.ticks == ""  # no tick marks without their numbers
    # One panel above the other, each the full width (side by side, a tablet ran the labels of one into the other):
    # heights 0.43 and 0.57 (three bars, then four) of the 0.8 left after the 0.2 gap.
    assert list(layout.xaxis.domain) == [0, 1] and list(layout.xaxis2.domain) == [0, 1]
    assert list(layout.yaxis.domain) == pytest.approx([0.656, 1])
    assert list(layout.yaxis2.domain) == pytest.approx([0, 0.456])
    assert "xaxis3" not in layout
    assert [note.text for note in layout.annotations] == ["Stages reached", "Where every application stands"]
    # The title is 90 characters: one line.
    assert (
        layout.title.text
        == "Of 400 applications to the Future Leaders Scheme, 30% were accepted and 18% have completed"
    )
    assert layout.height == 480


def test_a_blanked_stage_gets_no_bar_only_its_label():
    funnel = {**FUNNEL, "places": pd.NA, "completed": None, "accepted": NAN}
    figure = leadership.funnel_chart(funnel, "all schemes")
    stages, outcomes = figure.data
    assert list(stages.x) == [400, 0, 0]
    assert list(stages.text) == ["400 (100%)", "[c]", "[c]"]
    assert list(outcomes.x) == [0, 200, 28, 52]
    assert outcomes.hovertext[0] == "Accepted (participants): [c]"
    assert layout_range(figure) == [0, 580]
    assert figure.layout.title.text == "Of 400 applications to all schemes, the number accepted is too small to show"
    nothing = leadership.funnel_chart(dict.fromkeys(FUNNEL), "all schemes")
    assert list(nothing.data[0].x) == [0, 0, 0] and list(nothing.data[0].text) == ["[c]"] * 3
    assert layout_range(nothing) == [0, 1.45]
    # Rejections can outnumber everything else on the left; the range follows the largest count of any stage.
    assert layout_range(leadership.funnel_chart({**FUNNEL, "applications": 100, "rejected": 300}, "x")) == [0, 435]


def layout_range(figure: go.Figure) -> list:
    return list(figure.layout.xaxis.range)


@pytest.mark.parametrize(
    ("value", "applied", "expected"),
    [
        (1234, 4000, "1,234 (31%)"),
        (1234, None, "1,234"),
        (1234, pd.NA, "1,234"),
        (1234, 0, "1,234"),
        (None, 4000, "[c]"),
        (pd.NA, 4000, "[c]"),
        (7.0, 8, "7 (88%)"),
    ],
)
def test_a_funnel_label_is_the_count_and_its_share_of_applications(value, applied, expected):
    assert leadership._count_and_share(value, applied) == expected


@pytest.mark.parametrize(
    ("funnel", "expected"),
    [
        (FUNNEL, "Of 400 applications to the FLS, 30% were accepted and 18% have completed"),
        ({**FUNNEL, "completed": pd.NA}, "Of 400 applications to the FLS, 30% were accepted"),
        ({**FUNNEL, "places": None}, "Of 400 applications to the FLS, the number accepted is too small to show"),
        (
            {**FUNNEL, "applications": 1, "places": 1, "completed": 0},
            "Of 1 application to the FLS, 100% were accepted and 0% have completed",
        ),
        ({**FUNNEL, "applications": 2500}, "Of 2,500 applications to the FLS, 5% were accepted and 3% have completed"),
        ({**FUNNEL, "applications": pd.NA}, "Applications to the FLS: too few to show"),
        ({**FUNNEL, "applications": 0}, "Applications to the FLS: too few to show"),
        ({}, "Applications to the FLS: too few to show"),
    ],
)
def test_the_funnel_title_gives_the_shares_accepted_and_completed(funnel, expected):
    assert leadership.funnel_title(funnel, "the FLS") == expected


def test_the_funnel_table_lists_every_stage_with_its_share_and_blanks():
    funnel = {**FUNNEL, "applications": 300, "places": 101, "withdrawn": pd.NA}
    table = leadership.funnel_table(funnel)
    assert list(table.columns) == ["Stage", "Applications", "Share of applications (%)"]
    assert list(table["Stage"]) == STAGE_NAMES
    # 101 / 300 = 33.67%, 48 / 300 = 16%, 72 / 300 = 24%, 200 / 300 = 66.67%, 52 / 300 = 17.33%.
    assert list(table["Applications"]) == [300, 101, 48, 72, 200, "[c]", 52]
    assert list(table["Share of applications (%)"]) == [100, 33.7, 16, 24, 66.7, "[c]", 17.3]
    blank = leadership.funnel_table({**FUNNEL, "applications": pd.NA})
    assert list(blank["Applications"])[:2] == ["[c]", 120]
    assert list(blank["Share of applications (%)"]) == ["[c]"] * 7
    none_applied = leadership.funnel_table({**FUNNEL, "applications": 0})
    assert list(none_applied["Share of applications (%)"]) == ["[c]"] * 7


def cohort_years(applications: list, places: list, awaiting: list | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "cohort_year": [2021, 2022, 2023, 2024][: len(applications)],
            "applications": pd.array(applications, dtype="Int64"),
            "places": pd.array(places, dtype="Int64"),
        }
    )
    if awaiting is not None:
        frame["awaiting"] = pd.array(awaiting, dtype="Int64")
    return frame


TREND = cohort_years([1459, 1530, None, 1488], [100, None, 1120, 110])


def test_the_trend_title_tells_the_shape_and_names_blanked_years():
    expected = (
        "Applications to all schemes rose from 1,459 in 2021 to a peak of 1,530 in 2022, then fell to 1,488 in 2024 "
        "(2023: too small to show)"
    )
    assert leadership.trend_title(TREND, "all schemes") == expected
    assert leadership.trend_sentence(TREND, "all schemes") == expected + "."
    two_blank = cohort_years([1459, None, None, 1488], [1, 2, 3, 4])
    assert leadership.trend_title(two_blank, "the FLS") == (
        "Applications to the FLS rose from 1,459 in 2021 to 1,488 in 2024 (2022, 2023: too small to show)"
    )
    every_year = cohort_years([300, 200, 100], [1, 2, 3])
    assert (
        leadership.trend_title(every_year, "the FLS") == "Applications to the FLS fell from 300 in 2021 to 100 in 2023"
    )
    one_year = cohort_years([None, 200, None], [1, 2, 3])
    assert leadership.trend_title(one_year, "the FLS") == "Applications to the FLS by cohort year"
    assert leadership.trend_sentence(one_year, "the FLS") is None
    assert leadership.trend_sentence(every_year.iloc[:2], "the FLS") == (
        "Applications to the FLS fell from 300 in 2021 to 200 in 2022."
    )


def test_the_trend_chart_draws_applications_and_participants_with_their_blanked_years():
    figure = leadership.trend_chart(TREND, "Applications by cohort")
    applied, applied_blanks, placed, placed_blanks = figure.data
    years = ["2021", "2022", "2023", "2024"]
    assert list(applied.x) == years and list(placed.x) == years
    assert list(applied.y)[:2] == [1459, 1530] and np.isnan(applied.y[2]) and applied.y[3] == 1488
    assert placed.y[0] == 100 and np.isnan(placed.y[1]) and list(placed.y)[2:] == [1120, 110]
    assert list(applied.text) == ["1,459", "1,530", "[c]", "1,488"]
    assert list(placed.text) == ["100", "[c]", "1,120", "110"]
    assert (applied.name, placed.name) == ("Applications", "Participants (accepted or completed)")
    assert (applied.line.color, applied.line.dash, applied.marker.symbol, applied.marker.color) == (
        DARK_BLUE,
        "solid",
        "circle",
        DARK_BLUE,
    )
    assert (placed.line.color, placed.line.dash, placed.marker.symbol, placed.marker.color) == (
        TURQUOISE,
        "dash",
        "square",
        TURQUOISE,
    )
    assert applied.marker.size == 9 and placed.marker.size == 9
    assert applied.mode == "lines+markers+text" and placed.textposition == "top center"
    assert applied.hovertemplate == "Applications %{x}: %{y:,}<extra></extra>"
    assert placed.hovertemplate == "Participants (accepted or completed) %{x}: %{y:,}<extra></extra>"
    for blanks, year in ((applied_blanks, "2023"), (placed_blanks, "2022")):
        assert list(blanks.x) == [year] and list(blanks.y) == [0] and list(blanks.text) == ["[c]"]
        assert (blanks.mode, blanks.textposition, blanks.hoverinfo, blanks.showlegend) == (
            "text",
            "top center",
            "skip",
            False,
        )
    layout = figure.layout
    assert (layout.xaxis.title.text, layout.xaxis.type) == ("Cohort year", "category")
    assert (layout.yaxis.title.text, layout.yaxis.rangemode) == ("Applications", "tozero")
    legend = layout.legend
    assert (legend.orientation, legend.x, legend.xanchor, legend.y, legend.yanchor) == ("h", 0, "left", 1.02, "bottom")
    # 400, and 30 above the plot for the legend; one title line.
    assert layout.height == 430 and layout.margin.t == 102
    assert layout.title.text == "Applications by cohort"
    whole = leadership.trend_chart(cohort_years([10, 20], [1, 2]), "t")
    assert len(whole.data) == 2


@pytest.mark.parametrize(
    ("awaiting", "by_year", "expected"),
    [
        (
            52,
            [0, 0, None, 52],
            "52 applications still await a decision (to the 2024 cohort): they count as applications but not yet as "
            "acceptances, so recent acceptance rates will rise.",
        ),
        (
            1,
            [0, 1, 0, 0],
            "1 application still awaits a decision (to the 2022 cohort): they count as applications but not yet as "
            "acceptances, so recent acceptance rates will rise.",
        ),
        (
            52,
            [0, 0, 12, 40],
            "52 applications still await a decision: they count as applications but not yet as acceptances, so recent "
            "acceptance rates will rise.",
        ),
        (
            1052,
            [0, 0, None, 40],
            "1,052 applications still await a decision: they count as applications but not yet as acceptances, so "
            "recent acceptance rates will rise.",
        ),
        (0, [0, 0, 0, 0], None),
        # The 2024 cohort's participants are blanked: its awaiting count is still known, and still its own.
        (
            52,
            [0, 0, 0, 52],
            "52 applications still await a decision (to the 2024 cohort): they count as applications but not yet as "
            "acceptances, so recent acceptance rates will rise.",
        ),
        (pd.NA, [0, 0, 0, 5], None),
        (None, [0, 0, 0, 5], None),
    ],
)
def test_the_awaiting_sentence_names_the_one_cohort_that_holds_them(awaiting, by_year, expected):
    cohorts = cohort_years([1, 1, 1, 1], [1, 1, 1, None], by_year)
    assert leadership.awaiting_sentence({"awaiting": awaiting}, cohorts) == expected


def test_the_breakdown_title_names_the_highest_and_lowest_rate():
    grades = pd.DataFrame({"grade": ["SEO", "G6", "EO", "HEO"], "acceptance_rate": [0.22, 0.41, NAN, 0.30]})
    assert leadership.breakdown_title(grades, "grade", "grade") == (
        "Acceptance by grade: highest G6 (41%), lowest SEO (22%)"
    )
    assert leadership.breakdown_title(grades.iloc[[1, 2]], "grade", "grade") == "Acceptance rate by grade"
    regions = pd.DataFrame({"area": ["London", "Rest of the UK"], "acceptance_rate": [0.62, 0.54]})
    assert leadership.breakdown_title(regions, "area", "region") == (
        "Acceptance by region: highest London (62%), lowest Rest of the UK (54%)"
    )


def test_the_region_title_gives_both_rates_or_only_says_what_the_chart_shows():
    regions = pd.DataFrame({"area": ["Rest of the UK", "London"], "acceptance_rate": [0.54, 0.62]})
    assert leadership.region_title(regions) == (
        "Accepted: 62% of applications from London, 54% from the rest of the UK"
    )
    plain = "Acceptance rate, London and the rest of the UK"
    assert leadership.region_title(regions.assign(acceptance_rate=[0.54, NAN])) == plain
    assert leadership.region_title(regions.iloc[[1]]) == plain


def test_the_region_sentence_needs_both_areas_with_rates_and_calls_touching_intervals_overlapping():
    def areas(london, rest, names=("London", "Rest of the UK")):
        return pd.DataFrame(
            [(names[0], *london), (names[1], *rest)], columns=["area", "acceptance_rate", "lower", "upper"]
        )

    assert leadership.region_sentence(areas((0.6, 0.5, 0.7), (0.4, 0.3, 0.5))) == (
        "Applicants working in London were accepted at 60%, against 40% in the rest of the UK (the 95% intervals "
        "overlap)."
    )
    assert leadership.region_sentence(areas((0.4, 0.3, 0.5), (0.6, 0.5, 0.7))).endswith("(the 95% intervals overlap).")
    assert leadership.region_sentence(areas((0.4, 0.3, 0.49), (0.6, 0.5, 0.7))).endswith("do not overlap).")
    assert leadership.region_sentence(areas((0.6, 0.51, 0.7), (0.4, 0.3, 0.5))).endswith("do not overlap).")
    assert leadership.region_sentence(areas((NAN, NAN, NAN), (0.4, 0.3, 0.5))) is None
    assert leadership.region_sentence(areas((0.6, 0.5, 0.7), (NAN, NAN, NAN))) is None
    assert leadership.region_sentence(areas((0.6, 0.5, 0.7), (0.4, 0.3, 0.5), ("London", "Wales"))) is None
    assert leadership.region_sentence(areas((0.6, 0.5, 0.7), (0.4, 0.3, 0.5), ("Wales", "Rest of the UK"))) is None


# Three departments, whose names sort in another order than their codes (Aardvark Group is GAM); two schemes, the
# departmental one (Beta's own) first in the picker, so picker order is not alphabetical order either.
DEPARTMENTS = pd.DataFrame(
    {"department_id": ["ALP", "BET", "GAM"], "name": ["Alpha Agency", "Beta Office", "Aardvark Group"]}
)
SCHEMES = pd.DataFrame(
    {
        "scheme_id": ["own", "fls"],
        "name": ["Beta's Own Scheme", "Future Leaders Scheme"],
        "department_id": ["BET", None],
    }
)
# Applications and participants, with GAM's participants blanked; the totals hold its hidden 7 participants. The
# rows come in no useful order (totals first, schemes by code), so a table's order is the builder's doing.
DEPARTMENT_SCHEMES = pd.DataFrame(
    [
        (TOTAL, TOTAL, 120, 26),
        (TOTAL, "fls", 90, 20),
        (TOTAL, "own", 30, 6),
        ("BET", TOTAL, 50, 10),
        ("BET", "fls", 20, 4),
        ("BET", "own", 30, 6),
        ("ALP", TOTAL, 60, 9),
        ("ALP", "fls", 60, 9),
        ("GAM", TOTAL, 10, None),
        ("GAM", "fls", 10, None),
    ],
    columns=["department_id", "scheme_id", "applications", "places"],
).astype({"applications": "Int64", "places": "Int64"})
MEMBERS = pd.DataFrame(
    {"department_id": ["ALP", "BET", "GAM", TOTAL], "members": pd.array([600, 200, 200, 1000], dtype="Int64")}
)


def test_cell_rates_are_per_100_members_and_a_departmental_schemes_total_is_over_its_own_department():
    rates = leadership.cell_rates(DEPARTMENT_SCHEMES, MEMBERS, SCHEMES)
    # 9 of 600, 4 and 6 and 10 of 200; the totals 26 and 20 of 1000, and Beta's scheme 6 of Beta's 200 (not 1000).
    expected = pd.DataFrame(
        {
            TOTAL: [1.5, 5.0, NAN, 2.6],
            "fls": [1.5, 2.0, NAN, 2.0],
            "own": [NAN, 3.0, NAN, 3.0],
        },
        index=pd.Index(["ALP", "BET", "GAM", TOTAL], name="department_id"),
    )
    pd.testing.assert_frame_equal(rates, expected, check_names=False, check_dtype=False)


def test_the_heatmap_grid_orders_departments_by_rate_and_labels_open_blanked_and_closed_cells():
    grid = leadership.heatmap_grid(DEPARTMENT_SCHEMES, MEMBERS, DEPARTMENTS, SCHEMES)
    rows = ["All departments", "Beta Office", "Alpha Agency", "Aardvark Group"]
    columns = ["All schemes", "Beta's Own Scheme", "Future Leaders Scheme"]
    for name in ("rates", "relative", "labels"):
        assert list(grid[name].index) == rows and list(grid[name].columns) == columns, name
    assert list(grid["ids"].index) == [TOTAL, "BET", "ALP", "GAM"]
    assert list(grid["ids"].columns) == [TOTAL, "own", "fls"]
    assert grid["labels"].to_numpy().tolist() == [
        ["2.6", "3.0", "2.0"],
        ["5.0", "3.0", "2.0"],
        ["1.5", "", "1.5"],
        ["[c]", "", "[c]"],
    ]
    # Each rate over its scheme's profession-wide rate (2.6, 3.0 and 2.0).
    relative = grid["relative"].to_numpy(dtype=float, na_value=NAN)
    close(relative[:3], [[1, 1, 1], [5 / 2.6, 1, 1], [1.5 / 2.6, NAN, 0.75]])
    assert np.isnan(relative[3]).all()
    assert grid["rates"].to_numpy(dtype=float, na_value=NAN)[1].tolist() == pytest.approx([5.0, 3.0, 2.0])


def test_with_some_departments_chosen_the_heatmap_shades_against_the_whole_profession():
    chosen = pd.DataFrame(
        [
            ("BET", "own", 30, 6),
            ("BET", "fls", 20, 4),
            ("BET", TOTAL, 50, 10),
            (TOTAL, "own", 30, 6),
            (TOTAL, "fls", 20, 4),
            (TOTAL, TOTAL, 50, 10),
        ],
        columns=["department_id", "scheme_id", "applications", "places"],
    )
    members = pd.DataFrame({"department_id": ["BET", TOTAL], "members": [200, 200]})
    grid = leadership.heatmap_grid(chosen, members, DEPARTMENTS, SCHEMES, (DEPARTMENT_SCHEMES, MEMBERS))
    assert list(grid["labels"].index) == ["Chosen departments", "Beta Office"]
    assert grid["labels"].to_numpy().tolist() == [["5.0", "3.0", "2.0"], ["5.0", "3.0", "2.0"]]
    # Against the profession's 2.6, 3.0 and 2.0, not the chosen department's own 5.0, 3.0 and 2.0.
    close(grid["relative"].to_numpy(dtype=float), [[5 / 2.6, 1, 1], [5 / 2.6, 1, 1]])


def test_the_heatmap_shades_each_cell_against_its_schemes_rate_in_the_sequential_palette():
    grid = leadership.heatmap_grid(DEPARTMENT_SCHEMES, MEMBERS, DEPARTMENTS, SCHEMES)
    figure = leadership.heatmap(grid)
    cells, written = figure.data
    assert list(cells.x) == ["All schemes", "Beta's Own<br>Scheme", "Future<br>Leaders<br>Scheme"]
    assert list(cells.y) == ["All departments", "Beta Office", "Alpha Agency", "Aardvark Group"]
    # Every rate written on its cell, [c] where blanked, nothing where the scheme is not open to the department.
    assert [(y, x, text) for x, y, text in zip(written.x, written.y, written.text, strict=True)] == [
        ("All departments", "All schemes", "2.6"),
        ("All departments", "Beta's Own<br>Scheme", "3.0"),
        ("All departments", "Future<br>Leaders<br>Scheme", "2.0"),
        ("Beta Office", "All schemes", "5.0"),
        ("Beta Office", "Beta's Own<br>Scheme", "3.0"),
        ("Beta Office", "Future<br>Leaders<br>Scheme", "2.0"),
        ("Alpha Agency", "All schemes", "1.5"),
        ("Alpha Agency", "Future<br>Leaders<br>Scheme", "1.5"),
        ("Aardvark Group", "All schemes", "[c]"),
        ("Aardvark Group", "Future<br>Leaders<br>Scheme", "[c]"),
    ]
    close(np.asarray(cells.z, dtype=float)[:3], [[1, 1, 1], [5 / 2.6, 1, 1], [1.5 / 2.6, NAN, 0.75]])
    close(np.asarray(cells.customdata, dtype=float)[:3], [[2.6, 3.0, 2.0], [5.0, 3.0, 2.0], [1.5, NAN, 1.5]])
    assert [list(stop) for stop in cells.colorscale] == [
        [0.0, "#ADD1F1"],
        [0.25, "#6BACE6"],
        [0.5, "#2073BC"],
        [0.75, "#12436D"],
        [1.0, "#092135"],
    ]
    assert (cells.zmin, cells.zmax, cells.xgap, cells.ygap, cells.hoverongaps) == (0, 2, 2, 2, False)
    assert cells.colorbar.title.text == "× profession<br>rate"
    assert list(cells.colorbar.tickvals) == [0, 0.5, 1, 1.5, 2]
    assert cells.hovertemplate == (
        "%{y}, %{x}: %{customdata:.1f} per 100 members (%{z:.1f} × profession rate)<extra></extra>"
    )
    layout = figure.layout
    assert layout.yaxis.autorange == "reversed"
    assert (layout.xaxis.side, layout.xaxis.tickangle, layout.xaxis.tickfont.size) == ("top", 0, 11)
    assert layout.title.text == "Widest gap: Alpha Agency in all schemes (0.6 × the profession-wide rate)"
    # Four rows: 24 * 4 + 120 = 216, so the floor of 360, and 60 above for the scheme names; one title line.
    assert (layout.height, layout.margin.t) == (420, 132)


def test_a_heatmap_of_many_departments_grows_with_them():
    names = [f"Department {number}" for number in range(12)]
    frame = pd.DataFrame(
        {"All schemes": [1.0] * 13, "Senior Leader Programme": [1.0] * 13}, index=["All departments", *names]
    )
    grid = {"rates": frame, "relative": frame, "labels": frame.astype(str)}
    figure = leadership.heatmap(grid)
    # Thirteen rows: 24 * 13 + 120 = 432, and 60 above.
    assert figure.layout.height == 492
    # "Senior Leader" is 13 characters: over the 12 a scheme's name may take on a line.
    assert list(figure.data[0].x) == ["All schemes", "Senior<br>Leader<br>Programme"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"All schemes": [1.0, 0.9, 1.2, 0.1], "FLS": [1.0, 0.4, NAN, 0.05]},
            "Widest gap: A in the FLS (0.4 × the profession-wide rate)",
        ),
        (
            {"All schemes": [1.0, 0.27, 1.2, 0.1], "FLS": [1.0, 0.4, NAN, 0.05]},
            "Widest gap: A in all schemes (0.3 × the profession-wide rate)",
        ),
        (
            {"All schemes": [1.0, NAN, NAN, 0.1], "FLS": [1.0, NAN, NAN, 0.05]},
            "Participation by department and scheme: too few participants to compare",
        ),
    ],
)
def test_the_heatmap_title_names_the_widest_gap_below_the_profession(values, expected):
    # The total rows are left out, whichever the grid holds: their 0.1 and 0.05 are no department's gap.
    for total in ("All departments", "Chosen departments"):
        relative = pd.DataFrame(
            values,
            index=[total, "A", "B", "Chosen departments" if total != "Chosen departments" else "All departments"],
        )
        assert leadership.heatmap_title({"relative": relative}) == expected


def test_scheme_names_wrap_at_12_characters_on_the_heatmap_and_14_unless_told():
    assert leadership._wrap("Future Leaders Scheme") == "Future Leaders\nScheme"
    assert leadership._wrap("Scientific Data Scheme") == "Scientific\nData Scheme"  # "Scientific Data" is 15
    assert leadership._wrap("Future Leaders Scheme", 12) == "Future\nLeaders\nScheme"
    assert leadership._wrap("Senior Leaders Scheme", 21) == "Senior Leaders Scheme"
    assert leadership._wrap("Policy") == "Policy"


def test_the_heatmap_table_is_the_cell_labels_with_a_department_column():
    grid = leadership.heatmap_grid(DEPARTMENT_SCHEMES, MEMBERS, DEPARTMENTS, SCHEMES)
    table = leadership.heatmap_table(grid)
    assert list(table.columns) == ["Department", "All schemes", "Beta's Own Scheme", "Future Leaders Scheme"]
    assert table.to_numpy().tolist() == [
        ["All departments", "2.6", "3.0", "2.0"],
        ["Beta Office", "5.0", "3.0", "2.0"],
        ["Alpha Agency", "1.5", "", "1.5"],
        ["Aardvark Group", "[c]", "", "[c]"],
    ]
    assert grid["labels"].index.name != "Department"  # the grid itself is left as it was


def test_the_detail_table_runs_by_department_name_then_picker_order_with_totals_last():
    table = leadership.detail_table(DEPARTMENT_SCHEMES, DEPARTMENTS, SCHEMES)
    assert list(table.columns) == [
        "Department",
        "Scheme",
        "Applications",
        "Participants",
        "Acceptance rate (%)",
        "95% interval from (%)",
        "95% interval to (%)",
    ]
    # Wilson intervals by scipy (binomtest's proportion_ci): 9 of 60 is 8.1 to 26.1, 6 of 30 is 9.5 to 37.3, 4 of 20
    # is 8.1 to 41.6, 10 of 50 is 11.2 to 33.0, 20 of 90 is 14.9 to 31.8 and 26 of 120 is 15.2 to 29.9.
    assert table.to_numpy().tolist() == [
        ["Aardvark Group", "Future Leaders Scheme", 10, "[c]", "[c]", "[c]", "[c]"],
        ["Aardvark Group", "All schemes", 10, "[c]", "[c]", "[c]", "[c]"],
        ["Alpha Agency", "Future Leaders Scheme", 60, 9, 15, 8.1, 26.1],
        ["Alpha Agency", "All schemes", 60, 9, 15, 8.1, 26.1],
        ["Beta Office", "Beta's Own Scheme", 30, 6, 20, 9.5, 37.3],
        ["Beta Office", "Future Leaders Scheme", 20, 4, 20, 8.1, 41.6],
        ["Beta Office", "All schemes", 50, 10, 20, 11.2, 33],
        ["All departments", "Beta's Own Scheme", 30, 6, 20, 9.5, 37.3],
        ["All departments", "Future Leaders Scheme", 90, 20, 22.2, 14.9, 31.8],
        ["All departments", "All schemes", 120, 26, 21.7, 15.2, 29.9],
    ]


def test_a_rate_over_no_applications_is_a_dash_and_a_blanked_one_is_c():
    cells = pd.DataFrame(
        [("ALP", "fls", 0, 0), ("BET", "fls", None, None), ("GAM", "fls", 10, 0)],
        columns=["department_id", "scheme_id", "applications", "places"],
    ).astype({"applications": "Int64", "places": "Int64"})
    table = leadership.detail_table(cells, DEPARTMENTS, SCHEMES)
    # Aardvark (GAM): 0 of 10 is 0.0 to 27.8 by scipy.
    assert table.to_numpy().tolist() == [
        ["Aardvark Group", "Future Leaders Scheme", 10, 0, 0, 0, 27.8],
        ["Alpha Agency", "Future Leaders Scheme", 0, 0, "–", "–", "–"],
        ["Beta Office", "Future Leaders Scheme", "[c]", "[c]", "[c]", "[c]", "[c]"],
    ]


ACCESS_TABLE_COLUMNS = [
    "Members",
    "Participants",
    "Participants per 100 members",
    "Applications",
    "Acceptance rate (%)",
    "95% interval from (%)",
    "95% interval to (%)",
    "Clearly below profession-wide rate",
]
# ACCESS with rates that need rounding, and a department with no members and no applications (rates undefined, "–").
TABLED = pd.concat(
    [
        ACCESS.assign(
            participation_rate=[12.3456, 3.0, 4.0, NAN],
            acceptance_rate=[0.61734, 0.30, 0.80, NAN],
            lower=[0.59649, 0.22, 0.67, NAN],
            upper=[0.63751, 0.39, 0.89, NAN],
        ),
        view_frame([("Epsilon", "EPS", 0, 0, NAN, 0, NAN, NAN, NAN, False)]),
    ],
    ignore_index=True,
)
TABLED_ROWS = [
    [10000, 1234, 12.35, 2000, 61.7, 59.6, 63.8, "no"],
    [1000, 30, 3, 100, 30, 22, 39, "yes"],
    [1000, 40, 4, 50, 80, 67, 89, "no"],
    ["[c]", "[c]", "[c]", "[c]", "[c]", "[c]", "[c]", "no"],
    [0, 0, "–", 0, "–", "–", "–", "no"],
]


def test_the_department_table_names_codes_counts_rates_and_the_below_flag():
    table = leadership.department_table(TABLED)
    assert list(table.columns) == ["Department", "Code", *ACCESS_TABLE_COLUMNS]
    assert list(table["Department"]) == ["Alpha Agency", "Beta Office", LONG, "Delta", "Epsilon"]
    assert list(table["Code"]) == ["ALP", "BET", "GAM", "DEL", "EPS"]
    assert table[ACCESS_TABLE_COLUMNS].to_numpy().tolist() == TABLED_ROWS
    # Under the access chart the acceptance figures come first after the names, every column and row kept.
    access = leadership.access_first(table)
    assert list(access.columns[:4]) == ["Department", "Code", "Applications", "Acceptance rate (%)"]
    assert sorted(access.columns) == sorted(table.columns)
    assert access[list(table.columns)].equals(table)


def test_a_breakdown_table_is_headed_by_its_own_label():
    table = leadership.breakdown_table(TABLED.assign(grade=["G6", "G7", "SEO", "HEO", "EO"]), "grade", "Grade")
    assert list(table.columns) == ["Grade", *ACCESS_TABLE_COLUMNS]
    assert list(table["Grade"]) == ["G6", "G7", "SEO", "HEO", "EO"]
    assert table[ACCESS_TABLE_COLUMNS].to_numpy().tolist() == TABLED_ROWS


def test_the_cohort_table_has_every_stage_and_the_rate_with_its_interval():
    cohorts = pd.DataFrame(
        [
            (2023, 99, 30, 10, 20, 49, 15, 5, 0.30333, 0.22144, 0.39136),
            (2024, None, None, None, None, None, None, None, NAN, NAN, NAN),
            (2025, 0, 0, 0, 0, 0, 0, 0, NAN, NAN, NAN),
        ],
        columns=["cohort_year", *FUNNEL, "acceptance_rate", "lower", "upper"],
    ).astype(dict.fromkeys(FUNNEL, "Int64"))
    table = leadership.cohort_table(cohorts)
    assert list(table.columns) == [
        "Cohort year",
        *STAGE_NAMES,
        "Acceptance rate (%)",
        "95% interval from (%)",
        "95% interval to (%)",
    ]
    assert table.to_numpy().tolist() == [
        [2023, 99, 30, 10, 20, 49, 15, 5, 30.3, 22.1, 39.1],
        [2024, *["[c]"] * 10],
        [2025, 0, 0, 0, 0, 0, 0, 0, "–", "–", "–"],
    ]


def test_on_screen_writes_numbers_out_so_a_column_can_hold_c():
    table = pd.DataFrame(
        {
            "Department": ["A", "B", "C", "D", "E", "F", "G"],
            "Mixed": [1234, 12.345, "[c]", None, NAN, np.int64(56789), np.float64(2.0)],
            "Flag": [True, False, True, False, True, False, True],
            "Count": [1, 2, 3, 4, 5, 6, 7],
            "Rate": [1234.5678, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
        }
    )
    table["Flag"] = table["Flag"].astype(object)
    table["Mixed"] = pd.Series([1234, 12.345, "[c]", None, NAN, np.int64(56789), np.float64(2.0)], dtype=object)
    screen = leadership.on_screen(table)
    mixed = list(screen["Mixed"])
    # None stays missing (pandas 3 stores it as NaN in the text column).
    assert mixed[:3] == ["1,234", "12.3", "[c]"] and pd.isna(mixed[3]) and mixed[4:] == ["", "56,789", "2.0"]
    assert list(screen["Flag"]) == [True, False, True, False, True, False, True]
    assert list(screen["Department"]) == ["A", "B", "C", "D", "E", "F", "G"]
    # Columns of one numeric type are left to st.dataframe's own formatting.
    assert list(screen["Count"]) == [1, 2, 3, 4, 5, 6, 7] and screen["Rate"].iloc[0] == 1234.5678
    assert table["Mixed"].iloc[0] == 1234  # the table it was given is left alone
    when = pd.Timestamp("2026-12-05")
    assert leadership._written(when) is when


@pytest.mark.parametrize(
    ("scheme", "years", "grades", "expected"),
    [
        (
            "the Future Leaders Scheme",
            [2024, 2023],
            ["G6", "SCS"],
            "The Future Leaders Scheme; cohorts 2023, 2024; grades G6, SCS",
        ),
        ("all schemes", None, None, "All schemes; all cohorts; all grades"),
        ("all schemes", (), [], "All schemes; all cohorts; all grades"),
        ("the SLS", (2025,), ("EO",), "The SLS; cohorts 2025; grades EO"),
    ],
)
def test_the_choices_are_put_in_words_for_download_titles(scheme, years, grades, expected):
    assert leadership.choices_text(scheme, years, grades) == expected


def test_a_scheme_is_named_for_a_sentence_and_a_departmental_one_has_its_owner():
    assert leadership.scheme_label(None, SCHEMES) == "all schemes"
    assert leadership.scheme_label("fls", SCHEMES) == "the Future Leaders Scheme"
    assert leadership.scheme_label("own", SCHEMES) == "the Beta's Own Scheme"
    assert leadership.owner_department(None, SCHEMES) is None
    assert leadership.owner_department("fls", SCHEMES) is None
    assert leadership.owner_department("own", SCHEMES) == "BET"


def test_the_reference_is_the_profession_or_for_a_departmental_scheme_its_own_department():
    everything = leadership.reference(DEPARTMENT_SCHEMES, MEMBERS, SCHEMES, None)
    assert list(everything) == [
        "members",
        "applications",
        "places",
        "participation_rate",
        "acceptance_rate",
        "lower",
        "upper",
    ]
    # 26 of 120 applications accepted, 26 participants per 1000 members; Wilson (scipy) 15.2% to 29.9%.
    assert (everything["members"], everything["applications"], everything["places"]) == (1000, 120, 26)
    assert everything["participation_rate"] == pytest.approx(2.6)
    assert everything["acceptance_rate"] == pytest.approx(26 / 120)
    assert (round(everything["lower"], 3), round(everything["upper"], 3)) == (0.152, 0.299)
    # Beta's own scheme: 6 of its 200 members (3.0 per 100), not of the profession's 1000 (0.6).
    own = leadership.reference(DEPARTMENT_SCHEMES, MEMBERS, SCHEMES, "own")
    assert (own["members"], own["applications"], own["places"]) == (200, 30, 6)
    assert own["participation_rate"] == pytest.approx(3.0)
    assert own["acceptance_rate"] == pytest.approx(0.2)
    fls = leadership.reference(DEPARTMENT_SCHEMES, MEMBERS, SCHEMES, "fls")
    assert (fls["members"], fls["applications"], fls["places"]) == (1000, 90, 20)
    assert fls["participation_rate"] == pytest.approx(2.0)


def test_a_reference_without_its_total_row_or_members_is_blank_not_zero():
    departments_only = DEPARTMENT_SCHEMES[DEPARTMENT_SCHEMES["department_id"] != TOTAL]
    ref = leadership.reference(departments_only, MEMBERS, SCHEMES, None)
    assert ref == {
        "members": 1000,
        "applications": None,
        "places": None,
        "participation_rate": None,
        "acceptance_rate": None,
        "lower": None,
        "upper": None,
    }
    no_total = leadership.reference(DEPARTMENT_SCHEMES, MEMBERS.iloc[:3], SCHEMES, None)
    assert no_total["members"] is None and no_total["participation_rate"] is None
    assert no_total["acceptance_rate"] == pytest.approx(26 / 120)
    blanked = DEPARTMENT_SCHEMES.assign(
        places=DEPARTMENT_SCHEMES["places"].mask(DEPARTMENT_SCHEMES["department_id"] == TOTAL)
    )
    hidden = leadership.reference(blanked, MEMBERS, SCHEMES, None)
    assert (hidden["applications"], hidden["places"], hidden["acceptance_rate"], hidden["upper"]) == (
        120,
        None,
        None,
        None,
    )


def test_the_department_view_is_highest_participation_first_with_rates_and_the_below_flag():
    view = leadership.department_view(DEPARTMENT_SCHEMES, MEMBERS, DEPARTMENTS, None, 0.30)
    assert list(view.index) == [0, 1, 2]
    assert list(view.columns) == [
        "department_id",
        "applications",
        "places",
        "members",
        "name",
        "participation_rate",
        "acceptance_rate",
        "lower",
        "upper",
        "below",
    ]
    assert list(view["department_id"]) == ["BET", "ALP", "GAM"]
    assert list(view["name"]) == ["Beta Office", "Alpha Agency", "Aardvark Group"]
    assert list(view["applications"]) == [50, 60, 10]
    assert list(view["members"]) == [200, 600, 200]
    close(view["participation_rate"], [5.0, 1.5, NAN])
    close(view["acceptance_rate"], [0.2, 0.15, NAN])
    # Wilson (scipy): 10 of 50 is 11.2% to 33.0%, 9 of 60 is 8.1% to 26.1%: only Alpha's is wholly under 30%.
    close(view["upper"].round(3), [0.330, 0.261, NAN])
    assert list(view["below"]) == [False, True, False]
    fls = leadership.department_view(DEPARTMENT_SCHEMES, MEMBERS, DEPARTMENTS, "fls", None)
    assert list(fls["department_id"]) == ["BET", "ALP", "GAM"]
    close(fls["participation_rate"], [2.0, 1.5, NAN])
    assert list(fls["below"]) == [False, False, False]
    own = leadership.department_view(DEPARTMENT_SCHEMES, MEMBERS, DEPARTMENTS, "own", 0.5)
    # Beta's scheme is open to Beta only; 6 of 30 (9.5% to 37.3%) is wholly under 50%.
    assert list(own["department_id"]) == ["BET"] and list(own["below"]) == [True]


def test_a_department_whose_interval_reaches_the_reference_exactly_is_not_below_it():
    top = leadership.department_view(DEPARTMENT_SCHEMES, MEMBERS, DEPARTMENTS, None, None)["upper"]
    # "Below" means the whole interval is under the reference: an interval whose top is the reference touches it.
    at_betas_top = leadership.department_view(DEPARTMENT_SCHEMES, MEMBERS, DEPARTMENTS, None, float(top[0]))
    assert list(at_betas_top["department_id"]) == ["BET", "ALP", "GAM"]
    assert list(at_betas_top["below"]) == [False, True, False]


def test_equal_rates_are_in_name_order_and_a_department_without_members_goes_last():
    cells = pd.DataFrame(
        [("ALP", TOTAL, 10, 6), ("BET", TOTAL, 10, 2), ("GAM", TOTAL, 10, 2), ("DEL", TOTAL, 10, 5)],
        columns=["department_id", "scheme_id", "applications", "places"],
    )
    members = pd.DataFrame({"department_id": ["ALP", "BET", "GAM"], "members": [300, 100, 100]})
    departments = pd.concat([DEPARTMENTS, pd.DataFrame({"department_id": ["DEL"], "name": ["Delta"]})])
    view = leadership.department_view(cells, members, departments, None, None)
    # 2 per 100 each: Aardvark (GAM) before Alpha (ALP) before Beta, by name; Delta has no members, so no rate.
    assert list(view["name"]) == ["Aardvark Group", "Alpha Agency", "Beta Office", "Delta"]
    close(view["participation_rate"], [2.0, 2.0, 2.0, NAN])


def test_rates_come_from_the_protected_counts_and_a_blank_count_blanks_them():
    frame = pd.DataFrame(
        {
            "members": pd.array([200, 0, 100, None], dtype="Int64"),
            "applications": pd.array([40, 0, None, 10], dtype="Int64"),
            "places": pd.array([10, 0, 5, 3], dtype="Int64"),
        }
    )
    rated = leadership.with_rates(frame)
    close(rated["participation_rate"], [5.0, NAN, 5.0, NAN])
    close(rated["acceptance_rate"], [0.25, NAN, NAN, 0.3])
    # 10 of 40 by scipy: 14.2% to 40.2%; 3 of 10: 10.8% to 60.3%.
    close(rated["lower"].round(3), [0.142, NAN, NAN, 0.108])
    close(rated["upper"].round(3), [0.402, NAN, NAN, 0.603])
    assert "participation_rate" not in frame
    without_members = leadership.with_rates(frame.drop(columns="members"))
    assert "participation_rate" not in without_members
    close(leadership.ratio(pd.Series([1, 2, 3]), pd.Series([4, 0, -1])), [0.25, NAN, NAN])


def test_a_ratio_keeps_its_rows_index_and_reads_blanks_of_any_dtype():
    # A frame cut from a larger one keeps its row labels: a ratio on a fresh 0..n index would be assigned to the wrong
    # rows, or to none, when set back on that frame.
    numerator = pd.Series([6, pd.NA, 3], dtype=object, index=[7, 3, 12])
    denominator = pd.Series(pd.array([12, 5, None], dtype="Int64"), index=[7, 3, 12])
    shares = leadership.ratio(numerator, denominator)
    assert list(shares.index) == [7, 3, 12]
    close(shares, [0.5, NAN, NAN])


def test_the_wilson_interval_follows_the_confidence_asked_for():
    # scipy's binomtest(81, 263).proportion_ci(0.90, "wilson") is 0.2633 to 0.3566; z for 90% is 1.6449.
    lower, upper = leadership.wilson_interval(81, 263, 0.90)
    assert (round(lower, 4), round(upper, 4)) == (0.2633, 0.3566)
    assert round(leadership.z_score(0.90), 4) == 1.6449
    assert round(leadership.z_score(), 4) == 1.9600
    # A count blanked by disclosure control arrives as pd.NA, on either side.
    for blank in (leadership.wilson_interval(pd.NA, 10), leadership.wilson_interval(5, pd.NA)):
        assert np.isnan(blank[0]) and np.isnan(blank[1])
    assert all(np.isnan(leadership.wilson_interval(3, 0)))
    # One application, accepted: scipy gives 20.65% to 100%; a single trial is a trial.
    lower, upper = leadership.wilson_interval(1, 1)
    assert (round(lower, 4), round(upper, 4)) == (0.2065, 1.0)


def test_the_ends_of_the_range_are_the_first_and_last_shown_whatever_else_is_blank():
    # Three shown departments, the last one with its applications blanked (so no acceptance rate): the range runs
    # from the first to the last, and a blank in another column hides no department.
    view = view_frame(
        [
            ("Alpha Agency", "ALP", 10000, 1234, 12.34, 2000, 0.617, 0.596, 0.638, False),
            ("Beta Office", "BET", 1000, 60, 6.0, 100, 0.30, 0.22, 0.39, True),
            ("Gamma", "GAM", 1000, 30, 3.0, None, NAN, NAN, NAN, False),
            ("Delta", "DEL", None, None, NAN, None, NAN, NAN, NAN, False),
        ]
    )
    ref = {"participation_rate": 4.56}
    assert leadership.participation_sentence(view, ref, "the FLS") == (
        "Across the profession, there were 4.6 participants per 100 members in the FLS; Alpha Agency had the most "
        "(12.3) and Gamma the fewest (3.0)."
    )
    assert leadership.participation_title(view, ref, "the FLS") == (
        "Participation in the FLS ranges from 3.0 (Gamma) to 12.3 (Alpha Agency) per 100 members"
    )
    assert leadership.participation_title(view.iloc[[1, 3]], ref, "the FLS") == (
        "Participants in the FLS per 100 members: 4.6 profession-wide"
    )
    grades = pd.DataFrame(
        {
            "grade": ["SEO", "G6", "EO", "HEO"],
            "acceptance_rate": [0.22, 0.41, NAN, 0.30],
            "members": pd.array([None, None, 5, 40], dtype="Int64"),
        }
    )
    assert leadership.breakdown_title(grades, "grade", "grade") == (
        "Acceptance by grade: highest G6 (41%), lowest SEO (22%)"
    )


def test_cohort_rates_are_added_to_the_cohort_counts():
    cohorts = cohort_years([40, 10], [10, 3])
    framed = leadership.cohort_frame(cohorts)
    close(framed["acceptance_rate"], [0.25, 0.3])
    # 10 of 40 and 3 of 10 by scipy: from 14.2% and 10.8%.
    close(framed["lower"].round(3), [0.142, 0.108])
    assert list(framed["cohort_year"]) == [2021, 2022]


def test_the_access_series_rounds_to_a_tenth_of_a_percent():
    rated = ACCESS.iloc[:1].assign(acceptance_rate=[0.61734], lower=[0.59649], upper=[0.63751])
    series = leadership.access_series(rated, {"acceptance_rate": 0.55123})
    # 61.734 is 61.7; 59.649 is 59.6 and 63.751 is 63.8, so 2.1 either side; the reference 55.123 is 55.1.
    assert (series.values, series.minus, series.plus, series.reference) == ((61.7,), (2.1,), (2.1,), 55.1)


def test_a_trend_of_two_years_is_told_even_when_a_years_participants_are_blank():
    cohorts = cohort_years([300, 200], [1, None])
    assert (
        leadership.trend_sentence(cohorts, "the FLS") == "Applications to the FLS fell from 300 in 2021 to 200 in 2022."
    )


# 91 characters: two lines at the usual width of 90, one at 91.
TITLE_91 = "a" * 40 + " " + "b" * 50


def test_a_title_of_91_characters_takes_two_lines_on_every_chart():
    two_lines = "a" * 40 + "<br>" + "b" * 50
    assert leadership.titled(go.Figure(), TITLE_91, height=100).layout.title.text == two_lines
    assert leadership.interval_chart(ACCESS, "name", AT_55, TITLE_91).layout.title.text == two_lines
    assert leadership.participation_chart(PARTICIPATION, {"participation_rate": 4.56}, TITLE_91).layout.title.text == (
        two_lines
    )


def test_rates_of_a_filtered_frame_stay_on_their_own_rows():
    # A frame cut from a larger one keeps its index labels (5 and 7); the intervals must land on those rows.
    frame = pd.DataFrame(
        {"applications": pd.array([40, 10], dtype="Int64"), "places": pd.array([10, 3], dtype="Int64")}, index=[5, 7]
    )
    rated = leadership.with_rates(frame)
    # 10 of 40 and 3 of 10 by scipy: 14.2% to 40.2%, 10.8% to 60.3%.
    close(rated["lower"].round(3), [0.142, 0.108])
    close(rated["upper"].round(3), [0.402, 0.603])
