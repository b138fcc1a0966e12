"""Findings that stay true under every filter: no tautology, nothing read from suppressed numbers, trends by shape.

Each rule is checked over the bundled data's departments, themes, locations and nations, on the builders the pages
call and in the board pack, against counts made here with pandas from data/*.csv (and, for themes the classifier
chose, a plain count over the built database's suggestions table), never by the code under test.
"""

import math
import re
from io import BytesIO

import duckdb
import numpy as np
import pandas as pd
import pytest
from pptx import Presentation

from dashboard import config, findings, leadership, roadtrip, theme_views
from dashboard.filters import Filters

CSVS = {name: pd.read_csv(config.DATA_DIR / f"{name}.csv") for name in ("departments", "locations", "themes")}
DEPARTMENTS = list(CSVS["departments"]["department_id"])
LOCATIONS = list(CSVS["locations"]["location_id"])
THEMES = list(CSVS["themes"]["theme_id"])
NATIONS = sorted(CSVS["locations"]["nation"].unique())
K = 10  # the disclosure threshold these tests run with
PLACES = ("accepted", "completed")


@pytest.fixture
def bundled(bundled_db, use_db, monkeypatch):
    """The app reads the bundled database, with counts under K suppressed."""
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", str(K))
    use_db(bundled_db)
    return bundled_db


def counted(count: int, noun: str) -> str:
    """'1 workshop', '3 workshops': written out here, not by findings.plural."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def themed_suggestions(database, theme_id: str, location_ids: tuple[str, ...] = ()) -> int:
    """Suggestions with this theme (by hand or by the build's classifier), at these locations: a plain count."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(
            "select count(*) from suggestions join workshops using (workshop_id) "
            "where theme_id = $theme and (len($places) = 0 or list_contains($places, location_id))",
            {"theme": theme_id, "places": list(location_ids)},
        ).fetchone()[0]


def page_inputs(filters: Filters) -> dict:
    """What the Themes and Roadtrip pages hand their sentence builders, fetched as the pages fetch it."""
    from dashboard import data

    shared = filters.params()
    return {
        "theme_counts": data.query("theme_counts", **shared),
        "by_location": data.query("theme_by_location", **shared),
        "by_nation": data.query("theme_by_nation", **shared),
        "by_question": data.query("theme_by_question", **shared),
        "location_suggestions": data.query("location_suggestions", **shared),
        "kpis": data.query_one("roadtrip_kpis", **shared),
        "route": data.query_one("roadtrip_route_length", **shared),
        "locations": data.query("roadtrip_locations", **shared),
    }


@pytest.mark.parametrize("location_ids", [(), ("bournemouth",), ("glasgow",), ("belfast", "cardiff")], ids=str)
@pytest.mark.parametrize("theme_id", THEMES)
def test_one_theme_in_view_is_never_the_most_common(bundled, bundled_csvs, theme_id, location_ids):
    inputs = page_inputs(Filters(theme_ids=(theme_id,), location_ids=location_ids))
    theme_counts = inputs["theme_counts"]
    expected = themed_suggestions(bundled, theme_id, location_ids)
    label = bundled_csvs["themes"].set_index("theme_id").at[theme_id, "label"]
    sentences = [findings.top_theme(theme_counts), theme_views.theme_bar_title(theme_counts)]
    for sentence in filter(None, sentences):
        assert "most common" not in sentence and "100%" not in sentence, sentence
    if expected:
        assert findings.top_theme(theme_counts) == f"All {counted(expected, 'suggestion')} in view are about {label}."
        assert (
            theme_views.theme_bar_title(theme_counts)
            == f"All {counted(expected, 'suggestion')} in view are about {label}"
        )
    else:
        assert findings.top_theme(theme_counts) is None
    assert theme_views.question_sentence(inputs["by_question"]) is None
    # A heatmap of one theme's shares is 100% in every cell: the page says so instead of drawing it.
    for frame in (inputs["by_location"], inputs["by_nation"]):
        assert not theme_views.comparable(frame)
        assert "nothing to compare" in theme_views.single_theme_sentence(frame, "location") or not expected


@pytest.mark.parametrize("theme_ids", [(), ("cpd", "inclusion"), ("careers", "skills", "mentoring")], ids=str)
def test_a_heatmap_of_several_themes_has_a_colour_scale_from_0_to_its_largest_share(bundled, theme_ids):
    """Realistic bugs: a scale to 100% that draws shares of 5% to 21% all one pale blue; one past 100%; one cut at the
    largest share to the digit. (A float sum rounded up a tenth too far: test_theme_builders.)"""
    inputs = page_inputs(Filters(theme_ids=theme_ids, location_ids=("bournemouth",)))
    frame = inputs["by_location"]
    assert theme_views.comparable(frame)
    heatmap, _labels = theme_views.share_heatmap(frame, "name", "Theme shares").data
    largest = frame.groupby(["name", "label"])["suggestions"].sum() / frame.groupby("name")["suggestions"].sum()
    tenths = next(tenth for tenth in range(1, 11) if largest.max() <= tenth / 10 + 1e-12)
    assert (heatmap.zmin, heatmap.zmax) == (0, tenths / 10)
    assert heatmap.zmax >= np.array(heatmap.z, dtype=float).max()


def suggestions_at(csvs: dict, location_ids) -> int:
    workshops = csvs["workshops"][csvs["workshops"]["location_id"].isin(location_ids)]
    return int(csvs["suggestions"]["workshop_id"].isin(workshops["workshop_id"]).sum())


@pytest.mark.parametrize("location_id", LOCATIONS)
def test_one_place_in_view_is_never_said_to_produce_the_most(bundled, bundled_csvs, location_id):
    inputs = page_inputs(Filters(location_ids=(location_id,)))
    workshops = int((bundled_csvs["workshops"]["location_id"] == location_id).sum())
    suggestions = suggestions_at(bundled_csvs, [location_id])
    name = bundled_csvs["locations"].set_index("location_id").at[location_id, "name"]
    finding = roadtrip.key_finding(inputs["kpis"], inputs["route"], inputs["locations"])
    assert finding.startswith(f"{counted(workshops, 'workshop')} in 1 location over ")
    assert f"; {name} produced {counted(suggestions, 'suggestion')}." in finding
    assert "the most" not in finding
    assert findings.busiest_location(inputs["location_suggestions"]) is None
    assert not re.search(r"\b1 (workshops|locations|suggestions)\b", finding), finding


@pytest.mark.parametrize("nation", NATIONS)
def test_the_tour_sentence_counts_a_nation_in_the_right_number(bundled, bundled_csvs, nation):
    from dashboard.story import standard

    in_nation = bundled_csvs["locations"][bundled_csvs["locations"]["nation"] == nation]["location_id"]
    workshops = bundled_csvs["workshops"][bundled_csvs["workshops"]["location_id"].isin(in_nation)]
    places = workshops["location_id"].nunique()
    miles = int(workshops["miles_travelled"].sum())
    filters = Filters(nations=(nation,))
    tour = findings.tour(standard.overview_kpis(filters))
    assert tour == (
        f"The tour held {counted(len(workshops), 'workshop')} in {counted(places, 'location')} "
        f"over {counted(miles, 'reported mile')}."
    )
    inputs = page_inputs(filters)
    finding = roadtrip.key_finding(inputs["kpis"], inputs["route"], inputs["locations"])
    assert finding.startswith(f"{counted(len(workshops), 'workshop')} in {counted(places, 'location')} over ")
    # "the most" only where there are places to compare.
    assert ("produced the most suggestions" in finding) == (places > 1)


def test_a_route_is_an_11_mile_route_not_a_11_mile_route():
    assert [findings.article(miles) for miles in (11, 18, 8, 80, 812, 110, 1869, 11_000, 18_400, 100)] == [
        "an", "an", "an", "an", "an", "a", "a", "an", "an", "a",
    ]  # fmt: skip


def applications(csvs: dict, department_ids=None, scheme_id=None) -> pd.DataFrame:
    """Applications (participation rows) by members of these departments, to this scheme, with pandas."""
    members = csvs["members"]
    if department_ids is not None:
        members = members[members["department_id"].isin(department_ids)]
    rows = csvs["participation"][csvs["participation"]["member_id"].isin(members["member_id"])]
    return rows if scheme_id is None else rows[rows["scheme_id"] == scheme_id]


def wilson_upper(places: int, total: int, z: float = 1.959964) -> float:
    rate = places / total
    centre = rate + z * z / (2 * total)
    spread = z * math.sqrt(rate * (1 - rate) / total + z * z / (4 * total * total))
    return (centre + spread) / (1 + z * z / total)


def leadership_sentences(department_ids: tuple[str, ...]) -> tuple[str, str, str | None]:
    """The Leadership page's access title, access sentence and participation sentence (all schemes)."""
    from dashboard import data

    params = {"department_ids": department_ids or None, "grades": None, "cohort_years": None, "scheme_id": None}
    tables = leadership.protected_tables(params)
    profession = leadership.protected_tables({**params, "department_ids": None})
    schemes = data.query("leadership_schemes")
    ref = leadership.reference(profession["schemes"], profession["members"], schemes, None)
    chosen = leadership.reference(tables["schemes"], tables["members"], schemes, None)
    view = leadership.department_view(
        tables["schemes"], tables["members"], data.query("department_options"), None, ref["acceptance_rate"]
    )
    scheme = leadership.scheme_label(None, schemes)
    return (
        leadership.access_title(view, ref),
        leadership.access_sentence(view, ref),
        leadership.participation_sentence(view, chosen, scheme, "the chosen departments"),
    )


@pytest.mark.parametrize("department_id", DEPARTMENTS)
def test_no_access_finding_is_read_from_suppressed_numbers(bundled, bundled_csvs, department_id):
    rows = applications(bundled_csvs, [department_id])
    places = int(rows["status"].isin(PLACES).sum())
    name = bundled_csvs["departments"].set_index("department_id").at[department_id, "name"]
    title, sentence, _ = leadership_sentences((department_id,))
    everyone = applications(bundled_csvs)
    profession_rate = everyone["status"].isin(PLACES).sum() / len(everyone)
    if len(rows) < K or places < K:
        # Too few to show: no claim either way, and the reader is told why.
        assert title == f"The numbers for {name} are too small to show an acceptance rate"
        assert sentence == f"The numbers for {name} are too small to show an acceptance rate."
    elif wilson_upper(places, len(rows)) < profession_rate and "too small" not in sentence:
        assert sentence.startswith(f"{name} has an acceptance rate clearly below the profession-wide ")
    for text in (title, sentence):
        assert "No department's" not in text or (len(rows) >= K and places >= K), text


def test_some_departments_are_too_small_to_show_and_some_are_clearly_below(bundled_csvs):
    """The parametrised test above checks both branches on the bundled data, not only one."""
    small = below = 0
    everyone = applications(bundled_csvs)
    profession_rate = everyone["status"].isin(PLACES).sum() / len(everyone)
    for department_id in DEPARTMENTS:
        rows = applications(bundled_csvs, [department_id])
        places = int(rows["status"].isin(PLACES).sum())
        small += len(rows) < K or places < K
        below += len(rows) >= K and places >= K and wilson_upper(places, len(rows)) < profession_rate
    assert small >= 3 and below >= 2


def test_a_choice_of_departments_partly_suppressed_says_how_many_it_cannot_show(bundled, bundled_csvs):
    shown, hidden = [], []
    for department_id in DEPARTMENTS:
        rows = applications(bundled_csvs, [department_id])
        places = int(rows["status"].isin(PLACES).sum())
        (hidden if len(rows) < K or places < K else shown).append(department_id)
    # Two departments large enough and not below, and one too small to show: the sentence claims nothing of the small
    # one (disclosure control may blank a second one to protect it), and says how many it cannot show.
    chosen = ("DSIT", "UKHSA", hidden[0])
    assert {"DSIT", "UKHSA"} <= set(shown)
    title, sentence, _ = leadership_sentences(chosen)
    assert "No department's" not in sentence and "No department's" not in title
    found = re.search(r"; (\d+) departments? (has|have) numbers too small to show\.$", sentence)
    assert found and int(found[1]) >= 1, sentence
    assert title.startswith("Of those large enough to show, ") and title.endswith(
        "clearly below the profession-wide 55%"
    )


@pytest.mark.parametrize("department_ids", [(), ("DSIT",), ("EA", "MOD")], ids=str)
def test_participation_is_said_plainly_not_as_taking_part_in_every_scheme(bundled, department_ids):
    _, _, sentence = leadership_sentences(department_ids)
    assert "took part in all schemes" not in sentence
    assert "participants per 100 members in all schemes together" in sentence


def expected_trend(counts: pd.Series) -> str:
    """The shape of a series in words, worked out here: a peak or low in the middle is named."""
    years, values = list(counts.index), [int(value) for value in counts]
    start, end = f"{values[0]:,} in {years[0]}", f"{values[-1]:,} in {years[-1]}"
    middle = values[1:-1]
    back = " back" if values[0] == values[-1] else ""
    if middle and max(middle) > max(values[0], values[-1]):
        top = years[1 + middle.index(max(middle))]
        return f"rose from {start} to a peak of {max(middle):,} in {top}, then fell{back} to {end}"
    if middle and min(middle) < min(values[0], values[-1]):
        low = years[1 + middle.index(min(middle))]
        return f"fell from {start} to a low of {min(middle):,} in {low}, then rose{back} to {end}"
    if values[0] == values[-1]:
        return f"held at {values[0]:,} from {years[0]} to {years[-1]}"
    return f"{'rose' if values[-1] > values[0] else 'fell'} from {start} to {end}"


def test_the_profession_trend_rose_then_fell_and_says_so(bundled):
    """Hand-counted from participation.csv: 459, 465, 459, 512 and 488 applications in 2021 to 2025."""
    from dashboard import data

    cohorts = leadership.protected_tables(
        {"department_ids": None, "grades": None, "cohort_years": None, "scheme_id": None}
    )["cohorts"]
    schemes = data.query("leadership_schemes")
    assert leadership.trend_sentence(cohorts, leadership.scheme_label(None, schemes)) == (
        "Applications to all schemes rose from 459 in 2021 to a peak of 512 in 2024, then fell to 488 in 2025."
    )


@pytest.mark.parametrize("department_ids", [None, ("DSTL",), ("MOD", "EA"), ("DSIT",), ("UKHSA",)], ids=str)
@pytest.mark.parametrize(
    "scheme_id", [None, "fls", "sls", "gse_mentoring", "dstl_technical_leadership", "metoffice_science_fellowship"]
)
def test_a_trend_sentence_describes_its_shape(bundled, bundled_csvs, department_ids, scheme_id):
    from dashboard import data

    rows = applications(bundled_csvs, department_ids, scheme_id)
    counts = rows.groupby("cohort_year").size()
    params = {"department_ids": department_ids, "grades": None, "cohort_years": None, "scheme_id": scheme_id}
    cohorts = leadership.protected_tables(params)["cohorts"]
    scheme = leadership.scheme_label(scheme_id, data.query("leadership_schemes"))
    sentence = leadership.trend_sentence(cohorts, scheme)
    if counts.empty or (counts < K).any():
        # A suppressed year's count is never read out.
        for year, count in counts[counts < K].items():
            assert sentence is None or f"{count:,} in {year}" not in sentence, sentence
        return
    # Disclosure control may blank a year to protect another count; the sentence then names it and leaves it out.
    hidden = re.search(r" \(([\d, ]+): too small to show\)\.$", sentence)
    blanked = [int(year) for year in hidden[1].split(", ")] if hidden else []
    shown = counts.drop(index=blanked)
    ending = f" ({hidden[1]}: too small to show)." if hidden else "."
    assert sentence == f"Applications to {scheme} {expected_trend(shown)}{ending}"


def pack_text(deck) -> str:
    texts = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
        texts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(texts)


def small_departments(csvs: dict) -> list[str]:
    small = []
    for department_id in DEPARTMENTS:
        rows = applications(csvs, [department_id])
        if len(rows) < K or rows["status"].isin(PLACES).sum() < K:
            small.append(department_id)
    return small


@pytest.mark.parametrize(
    "filters",
    [
        {"theme_ids": ("cpd",), "location_ids": ("bournemouth",)},
        {"theme_ids": ("inclusion",)},
        {"location_ids": ("belfast",)},
        {"nations": ("Northern Ireland",)},
        {"nations": ("Wales",), "theme_ids": ("careers",)},
        {"department_ids": "small"},
    ],
    ids=str,
)
def test_the_pack_says_only_what_stays_true(bundled, bundled_csvs, filters):
    from dashboard.story import standard

    if filters.get("department_ids") == "small":
        filters = {"department_ids": (small_departments(bundled_csvs)[0],)}
    text = pack_text(Presentation(BytesIO(standard.board_pack(Filters(**filters)))))
    one_theme = len(filters.get("theme_ids", ())) == 1
    one_place = len(filters.get("location_ids", ())) == 1 or filters.get("nations") == ("Northern Ireland",)
    assert not one_theme or "most common theme" not in text, filters
    assert not one_place or "produced the most suggestions" not in text, filters
    assert not re.search(r"\b1 (workshops|locations|departments|applications)\b", text)
    assert "took part in all schemes" not in text
    if "department_ids" in filters:
        name = bundled_csvs["departments"].set_index("department_id").at[filters["department_ids"][0], "name"]
        assert "No department's" not in text and "No department's acceptance rate" not in text
        assert f"The numbers for {name} are too small to show an acceptance rate" in text
