"""The Suggestion themes page's builders (dashboard/theme_views.py), called directly on small hand-made tables.

Every title, sentence, trace setting and table cell is written out here by hand: nothing expected is computed with the
code under test or its constants. No database and no page run: the whole file takes about a second.
"""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard import theme_views

# The Analysis Function's colours, as the theme bar and the heatmaps must use them.
DARK_BLUE, TURQUOISE, ORANGE = "#12436D", "#28A197", "#F46A25"
SEQUENTIAL_LIGHT_TO_DARK = ["#ADD1F1", "#6BACE6", "#2073BC", "#12436D", "#092135"]


def theme_counts(rows: list[tuple]) -> pd.DataFrame:
    """A theme_counts.sql result from (theme_id, label, suggestions, share[, by_hand, reviewed, unreviewed]) rows."""
    columns = ["theme_id", "label", "suggestions", "share", "by_hand", "reviewed", "unreviewed"]
    return pd.DataFrame([row + (0,) * (7 - len(row)) for row in rows], columns=columns)


# Page windows -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "size", "matches", "window"),
    [
        (1, 10, 100, (1, 0)),
        (10, 10, 100, (10, 90)),
        (11, 10, 100, (10, 90)),  # 100 matches fill exactly ten pages
        (11, 10, 101, (11, 100)),  # one more: an eleventh page
        (0, 25, 60, (1, 0)),
        (-3, 25, 60, (1, 0)),
        ("2", 50, 60, (2, 50)),  # a page number read from a link is text
        (4, 100, 0, (1, 0)),  # no matches: one empty page
        (2, 25, 26, (2, 25)),
    ],
)
def test_the_page_is_clamped_to_the_pages_that_exist(page, size, matches, window):
    result = theme_views.page_window(page, size, matches)
    assert result == window
    assert all(type(value) is int for value in result)


@pytest.mark.parametrize("size", [0, 1, 20, 1_000_000])
def test_a_page_size_off_the_list_is_refused_by_name(size):
    with pytest.raises(ValueError) as error:
        theme_views.page_window(1, size, 10)
    assert str(error.value) == f"page size must be one of (10, 25, 50, 100), not {size}"


@pytest.mark.parametrize(
    ("matches", "size", "pages"), [(0, 25, 1), (1, 25, 1), (25, 25, 1), (26, 25, 2), (100, 10, 10), (101, 10, 11)]
)
def test_the_page_count_is_the_pages_the_matches_fill(matches, size, pages):
    assert theme_views.page_count(matches, size) == pages


# The theme bar --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "title"),
    [
        ([("careers", "Careers", 0, 0.0), ("cpd", "CPD", 1_234, 1.0)], "All 1,234 suggestions in view are about CPD"),
        ([("cpd", "CPD", 1, 1.0)], "All 1 suggestion in view are about CPD"),
        (
            [("cpd", "CPD", 3, 0.75), ("mentoring", "Mentoring", 1, 0.25)],
            "CPD is the most common theme (75% of suggestions)",
        ),
        (
            [("careers", "Careers", 2, 2 / 9), ("skills", "Skills and tools", 5, 5 / 9), ("cpd", "CPD", 2, 2 / 9)],
            "Skills and tools is the most common theme (56% of suggestions)",
        ),
        # Tied themes are named in the order of their labels ("CPD" sorts before "Careers": capitals first).
        (
            [
                ("skills", "Skills and tools", 4, 4 / 13),
                ("mentoring", "Mentoring", 1, 1 / 13),
                ("careers", "Careers", 4, 4 / 13),
                ("cpd", "CPD", 4, 4 / 13),
            ],
            "CPD and Careers and Skills and tools are the most common themes (31% of suggestions each)",
        ),
        (
            [("skills", "Skills and tools", 4, 0.4), ("cpd", "CPD", 4, 0.4), ("careers", "Careers", 2, 0.2)],
            "CPD and Skills and tools are the most common themes (40% of suggestions each)",
        ),
        ([("cpd", "CPD", 0, 0.0), ("skills", "Skills and tools", 0, 0.0)], "No suggestions match the filters"),
        ([], "No suggestions match the filters"),
    ],
)
def test_the_bar_title_names_the_most_common_theme(rows, title):
    assert theme_views.theme_bar_title(theme_counts(rows)) == title


@pytest.mark.parametrize(
    ("rows", "title"),
    [
        ([], "No suggestions match the filters"),
        ([("careers", "Careers", 0, 0.0), ("cpd", "CPD", 5, 1.0)], "All 5 suggestions in view are about CPD"),
        (
            [("mentoring", "Mentoring", 1, 0.2), ("cpd", "CPD", 4, 0.8)],
            "Suggestions per theme: CPD leads with 4 of 5, then Mentoring (1)",
        ),
        (
            [
                ("careers", "Careers", 0, 0.0),
                ("mentoring", "Mentoring", 1, 1 / 2_795),
                ("skills", "Skills and tools", 1_221, 1_221 / 2_795),
                ("cpd", "CPD", 1_352, 1_352 / 2_795),
                ("inclusion", "Inclusion", 221, 221 / 2_795),
            ],
            "Suggestions per theme: CPD leads with 1,352 of 2,795, then Skills and tools (1,221)",
        ),
        (
            [
                ("careers", "Careers", 221, 221 / 2_621),
                ("skills", "Skills and tools", 1_200, 1_200 / 2_621),
                ("cpd", "CPD", 1_200, 1_200 / 2_621),
            ],
            "Suggestions per theme: CPD and Skills and tools lead with 1,200 each of 2,621",
        ),
        # A tie for second place goes to the label first in order.
        (
            [("cpd", "CPD", 10, 0.625), ("skills", "Skills and tools", 3, 0.1875), ("careers", "Careers", 3, 0.1875)],
            "Suggestions per theme: CPD leads with 10 of 16, then Careers (3)",
        ),
    ],
)
def test_the_packs_chart_title_names_the_two_largest_themes(rows, title):
    assert theme_views.chart_title(theme_counts(rows)) == title


def test_the_packs_chart_title_writes_counts_read_as_floats_as_whole_numbers():
    # A count column with a gap in it comes back from pandas as floats: the title still says 1,352, not 1,352.0.
    rows = [("skills", "Skills and tools", 1_221.0, 0.5), ("cpd", "CPD", 1_352.0, 0.5)]
    assert theme_views.chart_title(theme_counts(rows)) == (
        "Suggestions per theme: CPD leads with 1,352 of 2,573, then Skills and tools (1,221)"
    )
    tied = [("skills", "Skills and tools", 1_200.0, 0.5), ("cpd", "CPD", 1_200.0, 0.5)]
    assert theme_views.chart_title(theme_counts(tied)) == (
        "Suggestions per theme: CPD and Skills and tools lead with 1,200 each of 2,400"
    )


FIVE_THEMES = theme_counts(
    [
        ("skills", "Skills and tools", 1_200, 0.48, 700, 200, 300),
        ("cpd", "CPD", 1_000, 0.40, 1_000, 0, 0),
        ("careers", "Careers", 0, 0.0, 0, 0, 0),
        ("inclusion", "Inclusion", 200, 0.08, 50, 50, 100),
        ("mentoring", "Mentoring", 100, 0.04, 0, 0, 100),
    ]
)


def test_the_theme_bar_stacks_each_themes_tags_by_how_solid_they_are():
    figure = theme_views.theme_bar(FIVE_THEMES)
    assert len(figure.data) == 3
    by_hand, reviewed, unreviewed = figure.data
    for part in figure.data:
        # Bottom-up: plotly draws the first row at the bottom, so the largest theme comes last.
        assert list(part.y) == ["Careers", "Mentoring", "Inclusion", "CPD", "Skills and tools"]
        assert list(part.customdata) == ["careers", "mentoring", "inclusion", "cpd", "skills"]
        assert part.orientation == "h"
        assert part.textposition == "outside"
        assert part.cliponaxis is False
    assert list(by_hand.x) == [0, 0, 50, 1_000, 700]
    assert list(reviewed.x) == [0, 0, 50, 0, 200]
    assert list(unreviewed.x) == [0, 100, 100, 0, 300]
    assert [part.name for part in figure.data] == ["Coded by hand", "Reviewed", "Unreviewed classifier tags"]
    assert [part.marker.color for part in figure.data] == [DARK_BLUE, TURQUOISE, ORANGE]
    assert [part.hovertemplate for part in figure.data] == [
        "%{y}: %{x:,} coded by hand<br>Click to list them below<extra></extra>",
        "%{y}: %{x:,} reviewed<br>Click to list them below<extra></extra>",
        "%{y}: %{x:,} unreviewed classifier tags<br>Click to list them below<extra></extra>",
    ]
    # Each bar's total and share, at the end of the whole bar: on its last part only.
    assert by_hand.text is None and reviewed.text is None
    assert list(unreviewed.text) == ["0 (0%)", "100 (4%)", "200 (8%)", "1,000 (40%)", "1,200 (48%)"]


def test_the_theme_bar_layout_leaves_room_for_its_legend_and_labels():
    figure = theme_views.theme_bar(FIVE_THEMES)
    layout = figure.layout
    assert layout.title.text == "Skills and tools is the most common theme (48% of suggestions)"
    assert layout.barmode == "stack"
    assert layout.height == 300  # 32 px a theme and 140 for the title, legend and axis
    assert (layout.legend.orientation, layout.legend.yanchor, layout.legend.y, layout.legend.x) == ("h", "bottom", 1, 0)
    assert layout.legend.traceorder == "normal"
    assert layout.margin.t == 90
    assert layout.xaxis.showgrid is True
    assert layout.xaxis.title.text == "Suggestions"
    # 18% beyond the longest bar (1,200) for its label.
    assert layout.xaxis.range == pytest.approx((0, 1_416))
    # Three themes: the smallest height, 260 px.
    three = theme_counts([("cpd", "CPD", 5, 0.625, 5), ("skills", "Skills and tools", 3, 0.375, 3), ("x", "X", 0, 0.0)])
    assert theme_views.theme_bar(three).layout.height == 260
    # Nothing to count: an axis that still runs from 0.
    none = theme_counts([("cpd", "CPD", 0, 0.0), ("skills", "Skills and tools", 0, 0.0)])
    assert theme_views.theme_bar(none).layout.xaxis.range == pytest.approx((0, 1.18))


def test_themes_with_equal_counts_are_barred_in_order_of_their_labels():
    tied = theme_counts(
        [("skills", "Skills and tools", 4, 0.4, 4), ("careers", "Careers", 4, 0.4, 4), ("cpd", "CPD", 2, 0.2, 2)]
    )
    for part in theme_views.theme_bar(tied).data:
        # Top to bottom: Careers, then Skills and tools (4 each), then CPD.
        assert list(part.y) == ["CPD", "Skills and tools", "Careers"]


@pytest.mark.parametrize(
    ("selection", "theme_ids"),
    [
        ({"selection": {"points": [{"customdata": "cpd"}, {"y": "Careers"}, {"customdata": None}]}}, ["cpd"]),
        (
            {"selection": {"points": [{"customdata": "skills"}, {"customdata": "cpd"}, {"customdata": "skills"}]}},
            ["skills", "cpd"],
        ),
        ({"selection": {}}, []),
        ({"other": 1}, []),
        ({}, []),
        (["cpd"], []),  # not a selection event at all
        (None, []),
    ],
)
def test_the_bars_picked_are_read_from_the_selection_event(selection, theme_ids):
    assert theme_views.selected_theme_ids(selection) == theme_ids


# Heatmaps -------------------------------------------------------------------------------------------------------------

BY_PLACE = pd.DataFrame(
    {
        "name": ["Bath"] * 4 + ["Aberdeen"] * 3,
        "theme_id": ["skills", "cpd", "careers", "cpd", "skills", "cpd", "careers"],
        "label": ["Skills and tools", "CPD", "Careers", "CPD", "Skills and tools", "CPD", "Careers"],
        # Bath's CPD comes in two rows, which add up: 10 suggestions, 25%.
        "suggestions": [30, 4, 0, 6, 20, 30, 0],
        "share": [0.75, 0.1, 0.0, 0.15, 0.4, 0.6, 0.0],
    }
)


def test_the_heatmap_writes_each_places_shares_with_the_themes_in_the_bar_charts_order():
    figure = theme_views.share_heatmap(BY_PLACE, "name", "Theme shares by location")
    heatmap, written = figure.data
    # Most suggestions first, as the bar chart above it: Skills and tools 50, CPD 40, Careers 0 (not alphabetical).
    assert list(heatmap.x) == ["Skills and tools", "CPD", "Careers"]
    assert list(heatmap.y) == ["Bath", "Aberdeen"]  # as the rows came
    assert np.allclose(np.array(heatmap.z, dtype=float), [[0.75, 0.25, 0.0], [0.4, 0.6, 0.0]])
    assert np.array(heatmap.customdata, dtype=float).tolist() == [[30, 10, 0], [20, 30, 0]]
    assert [list(stop) for stop in heatmap.colorscale] == [
        [0.0, SEQUENTIAL_LIGHT_TO_DARK[0]],
        [0.25, SEQUENTIAL_LIGHT_TO_DARK[1]],
        [0.5, SEQUENTIAL_LIGHT_TO_DARK[2]],
        [0.75, SEQUENTIAL_LIGHT_TO_DARK[3]],
        [1.0, SEQUENTIAL_LIGHT_TO_DARK[4]],
    ]
    assert (heatmap.zmin, heatmap.zmax) == (0, 0.8)  # the largest share shown, 75%, rounded up to a tenth
    # Each cell's share written on it, in the text layer over the cells (charts.cell_labels picks black or white).
    assert list(zip(written.x, written.y, written.text, strict=True)) == [
        ("Skills and tools", "Bath", "75%"),
        ("CPD", "Bath", "25%"),
        ("Careers", "Bath", "0%"),
        ("Skills and tools", "Aberdeen", "40%"),
        ("CPD", "Aberdeen", "60%"),
        ("Careers", "Aberdeen", "0%"),
    ]
    assert written.hoverinfo == "skip" and written.showlegend is False
    assert heatmap.hovertemplate == "%{y}<br>%{x}: %{z:.0%} (%{customdata:,} suggestions)<extra></extra>"
    assert heatmap.colorbar.title.text == "Share"
    assert heatmap.colorbar.tickformat == ".0%"
    assert (heatmap.xgap, heatmap.ygap) == (2, 2)
    layout = figure.layout
    assert layout.title.text == "Theme shares by location"
    assert layout.yaxis.autorange == "reversed"
    assert layout.yaxis.title.text is None and layout.xaxis.title.text is None
    assert layout.xaxis.tickangle == -30
    assert layout.height == 300  # two rows: the smallest height


def test_the_heatmaps_colour_scale_ends_at_the_tenth_its_largest_share_reaches_exactly():
    # Two rows of one place's theme add up as floats: 0.1 + 0.2 is 0.30000000000000004, which is 30%, not over it.
    frame = pd.DataFrame(
        {
            "name": ["Bath"] * 3 + ["York"] * 2,
            "label": ["CPD", "CPD", "Careers", "CPD", "Careers"],
            "suggestions": [1, 2, 2, 1, 1],
            "share": [0.1, 0.2, 0.25, 0.2, 0.2],
        }
    )
    heatmap, _labels = theme_views.share_heatmap(frame, "name", "t").data
    assert np.array(heatmap.z, dtype=float).max() > 0.3  # the float sum, as drawn
    assert heatmap.zmax == 0.3


def test_the_heatmap_follows_a_row_order_and_grows_with_its_rows():
    order = ["Aberdeen", "Cardiff", "Bath"]  # Cardiff has no suggestions: left out
    figure = theme_views.share_heatmap(BY_PLACE, "name", "t", row_order=order)
    heatmap, _labels = figure.data
    assert list(heatmap.y) == ["Aberdeen", "Bath"]
    assert np.allclose(np.array(heatmap.z, dtype=float), [[0.4, 0.6, 0.0], [0.75, 0.25, 0.0]])
    assert np.array(heatmap.customdata, dtype=float).tolist() == [[20, 30, 0], [30, 10, 0]]
    four = pd.DataFrame(
        {
            "nation": ["England", "Scotland", "Wales", "Northern Ireland"] * 2,
            "label": ["CPD"] * 4 + ["Careers"] * 4,
            "suggestions": [1, 2, 3, 4, 1, 2, 3, 4],
            "share": [0.5] * 8,
        }
    )
    assert theme_views.share_heatmap(four, "nation", "t").layout.height == 336  # 44 px a row and 160


def test_the_heatmap_wraps_a_long_question_over_lines():
    question = "How can GSE help you work across government, today and tomorrow?"
    frame = pd.DataFrame(
        {"question": [question, question], "label": ["CPD", "Careers"], "suggestions": [1, 3], "share": [0.25, 0.75]}
    )
    heatmap, _labels = theme_views.share_heatmap(frame, "question", "t").data
    assert list(heatmap.y) == ["How can GSE help you work across<br>government, today and tomorrow?"]


@pytest.mark.parametrize(
    ("text", "width", "wrapped"),
    [
        ("aaaa bbbbb", 10, "aaaa bbbbb"),  # exactly the width: one line
        ("aaaa bbbbbb", 10, "aaaa\nbbbbbb"),
        ("abcdefghijkl", 5, "abcdefghijkl"),  # a word longer than the width stays whole, on its own line
        ("ab abcdefghijkl cd", 5, "ab\nabcdefghijkl\ncd"),
        ("  spaced   out  ", 40, "spaced out"),
        ("", 40, ""),
    ],
)
def test_wrap_breaks_lines_between_words_at_the_width(text, width, wrapped):
    assert theme_views.wrap(text, width) == wrapped


def test_wrap_breaks_at_forty_characters_unless_told():
    forty = "x" * 19 + " " + "y" * 20
    assert theme_views.wrap(forty) == forty
    assert theme_views.wrap("x" * 20 + " " + "y" * 20) == "x" * 20 + "\n" + "y" * 20


@pytest.mark.parametrize(
    ("frame", "comparable"),
    [
        (pd.DataFrame({"label": ["CPD", "Careers"], "suggestions": [3, 1]}), True),
        (pd.DataFrame({"label": ["CPD", "Careers", "CPD"], "suggestions": [3, 0, 2]}), False),
        (pd.DataFrame({"label": ["CPD", "CPD"], "suggestions": [3, 5]}), False),
        (pd.DataFrame({"label": ["CPD", "Careers"], "suggestions": [0, 0]}), False),
    ],
)
def test_a_heatmap_compares_only_two_or_more_themes_with_suggestions(frame, comparable):
    assert theme_views.comparable(frame) is comparable


def test_a_heatmap_of_one_theme_is_replaced_by_a_sentence():
    frame = pd.DataFrame({"label": ["Careers", "CPD", "Careers", "CPD"], "suggestions": [0, 3, 0, 5]})
    assert theme_views.single_theme_sentence(frame, "nation") == (
        "Every suggestion in view is about CPD, so its share is 100% in each nation: there is nothing to compare. "
        "Choose more themes to compare their shares."
    )
    # One place with one suggestion.
    assert theme_views.single_theme_sentence(frame.iloc[:2].assign(suggestions=[0, 1]), "location") == (
        "Every suggestion in view is about CPD, so its share is 100% in each location: there is nothing to compare. "
        "Choose more themes to compare their shares."
    )
    assert theme_views.single_theme_sentence(frame.assign(suggestions=0), "location") == (
        "No suggestions match the filters, so there are no theme shares by location to compare."
    )


# Standouts ------------------------------------------------------------------------------------------------------------

OVERALL = pd.DataFrame(
    {
        "theme_id": ["cpd", "skills", "careers"],
        "label": ["CPD", "Skills and tools", "Careers"],
        "suggestions": [50, 30, 20],
        "share": [0.5, 0.3, 0.2],
    }
)


def places(mixes: dict[tuple[str, str], list[int]]) -> pd.DataFrame:
    """theme_by_location rows from {(location_id, name): [CPD, Skills and tools, Careers suggestions]}."""
    rows = []
    for (location_id, name), counts in mixes.items():
        for theme_id, label, count in zip(["cpd", "skills", "careers"], OVERALL["label"], counts, strict=True):
            rows.append((location_id, name, theme_id, label, count, count / sum(counts) if sum(counts) else 0.0))
    return pd.DataFrame(rows, columns=["location_id", "name", "theme_id", "label", "suggestions", "share"])


# Aberdeen has exactly 20 suggestions, the fewest a place needs; Bath 19 (all Careers: left out, however striking).
ABERDEEN, BATH, CARDIFF = ("a", "Aberdeen"), ("b", "Bath"), ("c", "Cardiff")
MIXES = {ABERDEEN: [10, 4, 6], BATH: [0, 0, 19], CARDIFF: [12, 24, 4]}


@pytest.mark.parametrize(
    ("mixes", "sentence"),
    [
        # Skills and tools in Cardiff: 60% against 30%, twice its share; Bath's 100% Careers is from too few.
        (MIXES, "Skills and tools makes up 60% of suggestions in Cardiff, against 30% overall."),
        # Without Cardiff: Aberdeen's 20 are enough. Careers, 30% against 20%.
        (
            {ABERDEEN: [10, 4, 6], BATH: [0, 0, 19]},
            "Careers makes up 30% of suggestions in Aberdeen, against 20% overall.",
        ),
        # One place alone compares with nothing.
        ({CARDIFF: [12, 24, 4]}, None),
        # No place has 20 suggestions.
        ({ABERDEEN: [10, 4, 5], BATH: [0, 0, 19]}, None),
        # Every place's mix is the overall mix: nothing stands out.
        ({ABERDEEN: [10, 6, 4], CARDIFF: [25, 15, 10]}, None),
        # Two places with the same mix: the first by location_id (York's "a"), not by name.
        (
            {("a", "York"): [10, 10, 10], ("b", "Bath"): [10, 10, 10]},
            "Careers makes up 33% of suggestions in York, against 20% overall.",
        ),
    ],
)
def test_the_standout_sentence_names_the_place_whose_theme_share_most_exceeds_its_overall_share(mixes, sentence):
    assert theme_views.standout_sentence(places(mixes), "location_id", "name", OVERALL) == sentence


def test_a_tie_between_themes_in_one_place_goes_to_the_label_first_in_order():
    overall = OVERALL.assign(share=[0.25, 0.25, 0.5])
    # CPD and Skills and tools are both 40% against 25% in York; Careers 20% against 50%.
    frame = places({("a", "York"): [8, 8, 4], ("b", "Bath"): [5, 5, 10]})
    assert theme_views.standout_sentence(frame, "location_id", "name", overall) == (
        "CPD makes up 40% of suggestions in York, against 25% overall."
    )


def test_a_theme_with_no_overall_share_is_never_the_standout():
    # Careers has no share in the overall counts given (a theme left out of them): no division by zero, no infinite lift.
    overall = OVERALL.assign(share=[0.6, 0.4, 0.0])
    frame = places({ABERDEEN: [10, 4, 6], CARDIFF: [12, 24, 4]})
    assert theme_views.standout_sentence(frame, "location_id", "name", overall) == (
        "Skills and tools makes up 60% of suggestions in Cardiff, against 40% overall."
    )
    only_careers = places({ABERDEEN: [0, 0, 20], CARDIFF: [0, 0, 30]})
    assert theme_views.standout(only_careers, "location_id", "name", overall) is None
    assert theme_views.heatmap_title(only_careers, "location_id", "name", overall, "location") == (
        "Theme shares by location"
    )


def test_a_theme_with_a_single_suggestion_in_a_place_can_stand_out():
    overall = OVERALL.assign(share=[0.69, 0.3, 0.01])
    # Aberdeen's one Careers suggestion is 5% of its 20, five times Careers' 1%; Bath's CPD is 75% against 69%.
    frame = places({ABERDEEN: [14, 5, 1], BATH: [30, 10, 0]})
    assert theme_views.standout_sentence(frame, "location_id", "name", overall) == (
        "Careers makes up 5% of suggestions in Aberdeen, against 1% overall."
    )


def test_the_standout_gives_the_place_the_theme_and_both_shares():
    found = theme_views.standout(places(MIXES), "location_id", "name", OVERALL)
    assert found == {"where": "Cardiff", "label": "Skills and tools", "share": 0.6, "overall": 0.3}


@pytest.mark.parametrize(
    ("mixes", "place", "title"),
    [
        (MIXES, "location", "Skills and tools stands out in Cardiff: 60% of its suggestions, against 30% overall"),
        ({ABERDEEN: [10, 6, 4], CARDIFF: [25, 15, 10]}, "nation", "Theme shares by nation"),
        ({CARDIFF: [12, 24, 4]}, "location", "Theme shares by location"),
    ],
)
def test_the_heatmap_title_states_the_standout_or_what_it_shows(mixes, place, title):
    assert theme_views.heatmap_title(places(mixes), "location_id", "name", OVERALL, place) == title


def test_a_long_heatmap_title_is_wrapped_at_ninety_characters():
    question = "What one thing would most help you to develop your career in government science and engineering?"
    frame = pd.DataFrame(
        {
            "question": [question] * 3 + ["Other"] * 3,
            "theme_id": ["cpd", "skills", "careers"] * 2,
            "label": ["CPD", "Skills and tools", "Careers"] * 2,
            "suggestions": [5, 5, 30, 25, 15, 10],
            "share": [0.125, 0.125, 0.75, 0.5, 0.3, 0.2],
        }
    )
    title = theme_views.heatmap_title(frame, "question", "question", OVERALL, "question")
    assert title == (
        'Careers stands out in answers to "What one thing would most help you to develop your\n'
        'career in government science and engineering?": 75% of its suggestions, against 20%\n'
        "overall"
    )


# Sentences ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kpis", "sentence"),
    [
        ({"auto": None, "needs_review": None, "suggestions": 10}, None),
        ({"auto": 0, "needs_review": 0, "suggestions": 10}, None),
        (
            {"auto": 1_234, "needs_review": 31, "suggestions": 2_000},
            "1,234 of 2,000 suggestions carry an unreviewed classifier tag; 31 of those (3%) have low confidence and "
            "need a person to check them.",
        ),
        (
            {"auto": 4, "needs_review": None, "suggestions": 5},
            "4 of 5 suggestions carry an unreviewed classifier tag; 0 of those (0%) have low confidence and need a "
            "person to check them.",
        ),
        (
            {"auto": 1, "needs_review": 1, "suggestions": 1},
            "1 of 1 suggestion carries an unreviewed classifier tag; 1 of those (100%) has low confidence and needs a "
            "person to check it.",
        ),
        (
            {"auto": 2, "needs_review": 1, "suggestions": 7},
            "2 of 7 suggestions carry an unreviewed classifier tag; 1 of those (50%) has low confidence and needs a "
            "person to check it.",
        ),
    ],
)
def test_the_review_sentence_counts_the_tags_that_need_a_person(kpis, sentence):
    assert theme_views.review_sentence(kpis) == sentence


Q1, Q2 = "What CPD does GSE need?", "How can GSE help?"


def by_question(rows: list[tuple]) -> pd.DataFrame:
    """theme_by_question.sql rows from (question, label, suggestions, share, question_suggestions)."""
    return pd.DataFrame(rows, columns=["question", "label", "suggestions", "share", "question_suggestions"])


@pytest.mark.parametrize(
    ("rows", "sentence"),
    [
        # 80% of the unrecorded question's answers are CPD, but it is no question; Q1 and Q2 tie at 70%, and Q2 has
        # more answers.
        (
            [
                ("Not recorded", "CPD", 40, 0.8, 50),
                ("Not recorded", "Skills and tools", 10, 0.2, 50),
                (Q1, "CPD", 7, 0.7, 10),
                (Q1, "Skills and tools", 3, 0.3, 10),
                (Q2, "CPD", 6, 0.3, 20),
                (Q2, "Skills and tools", 14, 0.7, 20),
            ],
            'Answers to "How can GSE help?" are most often about Skills and tools (70% of them).',
        ),
        (
            [(Q1, "CPD", 7, 0.7, 10), (Q1, "Skills and tools", 3, 0.3, 10)],
            'Answers to "What CPD does GSE need?" are most often about CPD (70% of them).',
        ),
        # A second theme with a single answer is enough.
        (
            [(Q1, "CPD", 9, 0.9, 10), (Q1, "Skills and tools", 1, 0.1, 10)],
            'Answers to "What CPD does GSE need?" are most often about CPD (90% of them).',
        ),
        # One theme with answers (the other's rows are zeros): every answer is "mostly" about it.
        ([(Q1, "CPD", 10, 1.0, 10), (Q1, "Skills and tools", 0, 0.0, 10)], None),
        # The second theme only among unrecorded questions.
        ([("Not recorded", "Skills and tools", 5, 1.0, 5), (Q1, "CPD", 10, 1.0, 10)], None),
        ([], None),
    ],
)
def test_the_question_sentence_names_the_question_most_about_one_theme(rows, sentence):
    assert theme_views.question_sentence(by_question(rows)) == sentence


@pytest.mark.parametrize(
    ("kpis", "sentence"),
    [
        ({}, None),
        ({"unthemed": None}, None),
        ({"unthemed": 0}, None),
        ({"unthemed": 1}, "1 suggestion is Unthemed: a reviewer found that none of the themes fits it."),
        ({"unthemed": 2}, "2 suggestions are Unthemed: a reviewer found that none of the themes fits them."),
        ({"unthemed": 1_234}, "1,234 suggestions are Unthemed: a reviewer found that none of the themes fits them."),
    ],
)
def test_the_unthemed_sentence_counts_suggestions_no_theme_fits(kpis, sentence):
    assert theme_views.unthemed_sentence(kpis) == sentence


# The explorer ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chosen", "title"),
    [
        (
            (["CPD", "Skills and tools"], ["London", "York"], ["York, 5 Mar 2025"], ["q1"], "  pay ", False),
            "Suggestions (themes CPD, Skills and tools; locations London, York; workshops York, 5 Mar 2025; "
            '1 question; text containing "pay")',
        ),
        (
            ([], ["Hull"], [], ["q1", "q2", "q3"], None, True),
            "Suggestions (locations Hull; 3 questions; needing review)",
        ),
        (([], [], ["Leeds, 4 Mar 2025"], [], "   ", False), "Suggestions (workshops Leeds, 4 Mar 2025)"),
        (([], [], [], [], None, True), "Suggestions (needing review)"),
        (([], [], [], [], None, False), "Suggestions"),
    ],
)
def test_the_explorer_download_is_titled_with_the_explorers_own_filters(chosen, title):
    assert theme_views.explorer_title(*chosen) == title


@pytest.mark.parametrize(
    ("source", "confidence", "words"),
    [
        ("manual", 1.0, "By hand"),
        ("reviewed", 0.3, "Reviewed"),
        ("auto", 0.8749, "Classifier, 87%"),
        ("auto", 0.5, "Classifier, 50%"),
        (None, None, "Untagged"),
        ("something new", 0.9, "Untagged"),
    ],
)
def test_tagged_by_says_how_a_suggestion_got_its_theme(source, confidence, words):
    assert theme_views.tagged_by(source, confidence) == words


def test_the_explorer_table_is_in_words_with_one_row_a_suggestion():
    matches = pd.DataFrame(
        {
            "suggestion_id": ["S1", "S2", "S3", "S4"],
            "text": ["Mentors please", "More tools", "Free lunch", "=1+1"],
            "theme": ["CPD", "Skills and tools", None, None],
            "theme_source": ["manual", "auto", "reviewed", None],
            "confidence": [1.0, 0.4321, 1.0, np.nan],
            "needs_review": [False, True, False, False],
            "location": ["London", "Glasgow", "York", "Hull"],
            "held_on": ["2025-03-04", "2025-03-20", "2025-04-01", "2025-05-01"],
            "question": [None, Q1, None, Q2],
        }
    )
    table = theme_views.explorer_table(matches)
    assert table.columns.tolist() == [
        "Suggestion",
        "Theme",
        "Tagged",
        "Confidence",
        "Needs review",
        "Location",
        "Workshop date",
        "Question",
        "ID",
    ]
    assert table["Suggestion"].tolist() == ["Mentors please", "More tools", "Free lunch", "=1+1"]
    # A reviewer's "none fits" is Unthemed; a suggestion nobody and nothing tagged is Untagged.
    assert table["Theme"].tolist() == ["CPD", "Skills and tools", "Unthemed", "Untagged"]
    assert table["Tagged"].tolist() == ["By hand", "Classifier, 43%", "Reviewed", "Untagged"]
    # Only a classifier tag has a confidence worth showing.
    assert table["Confidence"].tolist()[1] == 0.4321
    assert table["Confidence"].isna().tolist() == [True, False, True, True]
    assert table["Needs review"].tolist() == ["No", "Yes", "No", "No"]
    assert table["Location"].tolist() == ["London", "Glasgow", "York", "Hull"]
    assert table["Workshop date"].tolist() == [date(2025, 3, 4), date(2025, 3, 20), date(2025, 4, 1), date(2025, 5, 1)]
    assert table["Question"].tolist() == ["Not recorded", Q1, "Not recorded", Q2]
    assert table["ID"].tolist() == ["S1", "S2", "S3", "S4"]
