"""Leadership's pure builders on small hand-made tables: every trace, title, sentence and table cell written out here.

Fast (no database, no page run), so the mutation selection can run them for every mutant. Expected values are worked
out by hand in the comments, never read from the module's constants: the Analysis Function colours are spelt out.
"""

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import leadership

NAN = float("nan")
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


def shape_lines(figure: go.Figure) -> list[tuple]:
    return [(shape.x0, shape.x1, shape.line.dash, shape.line.color, shape.line.width) for shape in figure.layout.shapes]


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
    assert figure.layout.xaxis.title.text == "Participants per 100 members (label: rate and count)"
    assert figure.layout.xaxis.rangemode == "tozero"
    assert figure.layout.showlegend is False
    assert shape_lines(figure) == [(4.56, 4.56, "dash", DARK_GREY, 1.5)]
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
    assert shape_lines(figure) == [(0.55, 0.55, "dash", DARK_GREY, 1.5)]
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
