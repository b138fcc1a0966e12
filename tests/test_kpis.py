"""The KPI row and the board story's sentences (findings.py, standard.py) on small hand-made tables, every word written here."""

import json
from datetime import date

import duckdb
import pandas as pd
import pytest
from scipy.stats import binomtest

from dashboard import findings
from dashboard.filters import Filters
from dashboard.story import report, standard
from tests.conftest import UK_REGIONS


def themes(*rows) -> pd.DataFrame:
    """theme_counts rows of (label, suggestions, unreviewed); shares and the rest counted here."""
    frame = pd.DataFrame(rows, columns=["label", "suggestions", "unreviewed"])
    frame["theme_id"] = frame["label"].str.lower()
    total = frame["suggestions"].sum()
    frame["share"] = frame["suggestions"] / total if total else 0.0
    frame["by_hand"] = frame["suggestions"] - frame["unreviewed"]
    frame["reviewed"] = 0
    return frame


def places(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["name", "suggestions"])


KPIS = {
    "members": 1250,
    "departments": 3,
    "workshops": 14,
    "locations": 12,
    "suggestions": 1470,
    "miles_travelled": 4611.6,
    "participants": 322,
    "scheme_applicants": 500,
}


@pytest.mark.parametrize(
    ("count", "singular", "many", "expected"),
    [
        (1, "workshop", None, "1 workshop"),
        (0, "workshop", None, "0 workshops"),
        (2, "person", None, "2 people"),
        (1, "person", None, "1 person"),
        (1200, "location", None, "1,200 locations"),
        (3, "is", None, "3 are"),
        (2, "mouse", "mice", "2 mice"),
        (1, "mouse", "mice", "1 mouse"),
    ],
)
def test_plural(count, singular, many, expected):
    assert findings.plural(count, singular, many) == expected


@pytest.mark.parametrize(
    ("miles", "expected"),
    [(8, "an"), (11, "an"), (18, "an"), (1000, "a"), (8000, "an"), (999, "a"), (18_000_000, "an"), (1_100, "a")],
)
def test_article_reads_the_leading_group_aloud(miles, expected):
    assert findings.article(miles) == expected


def test_the_top_theme_is_the_one_with_most_suggestions_ties_by_label():
    counts = themes(("Skills", 30, 0), ("CPD", 50, 5), ("Careers", 50, 0), ("Pay", 0, 0))
    # Careers and CPD tie on 50 of 130 (38%): the label first in the alphabet is named.
    assert findings.top_theme(counts) == "CPD is the most common theme: 38% of suggestions (50)."
    counts = themes(("Skills", 1200, 0), ("CPD", 50, 0))
    assert findings.top_theme(counts) == "Skills is the most common theme: 96% of suggestions (1,200)."


def test_one_theme_with_suggestions_is_described_not_ranked():
    assert findings.top_theme(themes(("CPD", 1, 0), ("Pay", 0, 0))) == "All 1 suggestion in view are about CPD."
    assert findings.top_theme(themes(("Pay", 0, 0), ("CPD", 7, 0))) == "All 7 suggestions in view are about CPD."
    assert findings.top_theme(themes(("CPD", 0, 0))) is None


def test_the_busiest_location_needs_two_places_with_suggestions():
    assert findings.busiest_location(places(("Leeds", 4), ("York", 9), ("Hull", 0))) == (
        "York produced the most suggestions (9)."
    )
    # A tie keeps the order the query gave.
    assert findings.busiest_location(places(("Leeds", 1200), ("York", 1200))) == (
        "Leeds produced the most suggestions (1,200)."
    )
    # 24 places, counts 0, 1, 2, 3, 0, 1, ...: six tie at 3, and the first of them in the query's order is named
    # (numpy's default quicksort names Place 07 here: ties keep their order only in a stable sort).
    many = places(*((f"Place {number:02d}", number % 4) for number in range(24)))
    assert findings.busiest_location(many) == "Place 03 produced the most suggestions (3)."
    assert findings.busiest_location(places(("Leeds", 4), ("York", 0))) is None
    # One suggestion is a place that was heard: two places have suggestions, so the busiest is named.
    assert findings.busiest_location(places(("Leeds", 3), ("York", 1))) == "Leeds produced the most suggestions (3)."
    assert findings.busiest_location(places(("Leeds", 0))) is None


def test_the_tour_sentence():
    assert findings.tour(KPIS) == "The tour held 14 workshops in 12 locations over 4,612 reported miles."
    one = {**KPIS, "workshops": 1, "locations": 1, "miles_travelled": 1.4}
    assert findings.tour(one) == "The tour held 1 workshop in 1 location over 1 reported mile."
    unknown = {**KPIS, "miles_travelled": pd.NA}
    assert findings.tour(unknown) == "The tour held 14 workshops in 12 locations over 0 reported miles."
    assert findings.tour({**KPIS, "workshops": 0}) is None


def test_participation_is_said_only_of_shown_counts(monkeypatch):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "10")
    assert findings.participation(KPIS) == (
        "500 of 1,250 members (40%) have applied to a leadership or development scheme; "
        "322 applications were accepted or completed (participants)."
    )
    for blank in ("members", "scheme_applicants", "participants"):
        assert findings.participation({**KPIS, blank: pd.NA}) is None
        assert findings.participation({**KPIS, blank: 9}) is None
    assert findings.participation({**KPIS, "participants": 10, "scheme_applicants": 10}) == (
        "10 of 1,250 members (1%) have applied to a leadership or development scheme; "
        "10 applications were accepted or completed (participants)."
    )
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    assert findings.participation({**KPIS, "members": 0, "scheme_applicants": 0}) is None
    assert findings.participation({**KPIS, "participants": 1}).endswith(
        "1 application was accepted or completed (participants)."
    )


def points(*values, start=2021) -> pd.DataFrame:
    return pd.DataFrame({"year": range(start, start + len(values)), "n": values})


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((459, 530, 488), "rose from 459 in 2021 to a peak of 530 in 2022, then fell to 488 in 2023"),
        ((459, 530, 459), "rose from 459 in 2021 to a peak of 530 in 2022, then fell back to 459 in 2023"),
        ((500, 400, 450), "fell from 500 in 2021 to a low of 400 in 2022, then rose to 450 in 2023"),
        ((500, 400, 500), "fell from 500 in 2021 to a low of 400 in 2022, then rose back to 500 in 2023"),
        ((100, 120, 125, 130), "rose from 100 in 2021 to 130 in 2024"),
        ((100, 200, 300, 200, 250), "rose from 100 in 2021 to a peak of 300 in 2023, then fell to 250 in 2025"),
        ((300, 100, 200, 100, 250), "fell from 300 in 2021 to a low of 100 in 2022, then rose to 250 in 2025"),
        ((500, 450, 400, 480), "fell from 500 in 2021 to a low of 400 in 2023, then rose to 480 in 2024"),
        ((400, 450, 500, 480), "rose from 400 in 2021 to a peak of 500 in 2023, then fell to 480 in 2024"),
        ((1200, 1100), "fell from 1,200 in 2021 to 1,100 in 2022"),
        ((7, 7, 7), "held at 7 from 2021 to 2023"),
        ((7, 7), "held at 7 from 2021 to 2022"),
        ((5, 9), "rose from 5 in 2021 to 9 in 2022"),
        ((5, 5, 9), "rose from 5 in 2021 to 9 in 2023"),
    ],
)
def test_a_trend_is_told_by_its_shape(values, expected):
    assert findings.trend(points(*values), "n", "year") == expected


def test_the_kpi_slide_shows_each_number_and_leads_with_the_tour(monkeypatch):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "10")
    counts = themes(("CPD", 60, 6), ("Skills", 40, 0))
    slide = standard.kpi_slide({**KPIS, "participants": 7}, counts, places(("Leeds", 70), ("York", 30)))
    assert slide.section == "At a glance"
    assert slide.kpis == (
        ("Members", "1,250"),
        ("Departments", "3"),
        ("Workshops", "14"),
        ("Locations", "12"),
        ("Suggestions", "1,470"),
        ("Miles travelled (reported)", "4,612"),
        ("Participants", "[c]"),
    )
    assert slide.table.values.tolist() == [list(pair) for pair in slide.kpis]
    assert list(slide.table.columns) == ["Measure", "Value"]
    assert slide.headline == "The tour held 14 workshops in 12 locations over 4,612 reported miles."
    # Participation is left out: 7 participants is under 10.
    assert slide.notes == (
        slide.headline,
        "CPD is the most common theme: 60% of suggestions (60).",
        "Leeds produced the most suggestions (70).",
        "6 of 100 suggestions carry an unreviewed classifier tag.",
    )


def test_the_kpi_slide_shows_participants_and_participation_at_or_above_the_threshold(monkeypatch):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "10")
    slide = standard.kpi_slide(KPIS, themes(("CPD", 60, 0), ("Skills", 40, 0)), places(("Leeds", 70)))
    assert dict(slide.kpis)["Participants"] == "322"
    assert slide.notes[1:] == (
        "CPD is the most common theme: 60% of suggestions (60).",
        "500 of 1,250 members (40%) have applied to a leadership or development scheme; "
        "322 applications were accepted or completed (participants).",
        "All 100 suggestions have their theme coded by hand or checked by a reviewer.",
    )


def test_a_kpi_slide_with_no_workshops_says_so():
    none = {**KPIS, "workshops": 0, "members": pd.NA, "miles_travelled": 0.0}
    slide = standard.kpi_slide(none, themes(("CPD", 0, 0)), places())
    assert slide.headline == "No workshops match the filters"
    assert slide.notes == ()
    assert dict(slide.kpis)["Members"] == "[c]"


def test_the_themes_slide_ranks_themes_by_suggestions_then_label():
    counts = themes(("Skills", 25, 0), ("CPD", 50, 10), ("Careers", 25, 5), ("Pay", 0, 0))
    slide = standard.themes_slide(counts)
    assert slide.section == "Suggestion themes"
    assert slide.table.values.tolist() == [
        ["CPD", "50", "50%", "40", "0", "10"],
        ["Careers", "25", "25%", "20", "0", "5"],
        ["Skills", "25", "25%", "25", "0", "0"],
        ["Pay", "0", "0%", "0", "0", "0"],
    ]
    assert list(slide.table.columns) == [
        "Theme",
        "Suggestions",
        "Share",
        "Coded by hand",
        "Reviewed",
        "Unreviewed classifier tags",
    ]
    assert slide.series.categories == ("CPD", "Careers", "Skills", "Pay")
    assert slide.series.values == (50.0, 25.0, 25.0, 0.0)
    assert slide.series.name == "Suggestions"
    assert slide.series.title == "Suggestions per theme: CPD leads with 50 of 100, then Careers (25)"
    # The chart's bars, largest at the top (plotly lists them bottom up), each labelled with count and share.
    unreviewed = slide.figure.data[-1]
    assert list(unreviewed.y)[::-1] == ["CPD", "Careers", "Skills", "Pay"]
    assert list(unreviewed.text)[::-1] == ["50 (50%)", "25 (25%)", "25 (25%)", "0 (0%)"]
    assert list(unreviewed.x)[::-1] == [10, 5, 0, 0]
    assert slide.notes == (
        "CPD is the most common theme: 50% of suggestions (50).",
        "15 of 100 suggestions carry an unreviewed classifier tag.",
    )


def test_an_unknown_kind_of_slide_is_refused():
    with pytest.raises(ValueError, match="'chart' is not a kind of slide"):
        standard.kind_slide("chart", Filters())


def test_slugs_are_short_lowercase_ascii_with_single_hyphens():
    assert standard._slug("Skills & Tools -- Café") == "skills-tools-cafe"
    assert standard._slug("  --Dún Laoghaire--  ") == "dun-laoghaire"
    # Cut at 30 characters, without a hyphen left at the end.
    assert standard._slug("abcdefghij abcdefghij abcdefghij") == "abcdefghij-abcdefghij-abcdefgh"
    assert standard._slug("abcdefghij abcdefghij abcdefg hij") == "abcdefghij-abcdefghij-abcdefg"
    assert standard._slug("abcdefghijabcdefghijabcdefghi jk") == "abcdefghijabcdefghijabcdefghi"


def choices() -> dict:
    return {
        "themes": pd.DataFrame({"theme_id": ["cpd", "pay"], "label": ["CPD", "Pay & grading"]}),
        "locations": pd.DataFrame({"location_id": ["york", "hull"], "name": ["York", "Hull"]}),
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, "gse-pack-2025-07-09.pptx"),
        ({"theme_ids": ("pay", "cpd")}, "gse-pack-2025-07-09-pay-grading-cpd.pptx"),
        ({"theme_ids": ("pay", "cpd", "x")}, "gse-pack-2025-07-09-3-themes.pptx"),
        ({"location_ids": ("hull", "leeds")}, "gse-pack-2025-07-09-hull-leeds.pptx"),
        ({"location_ids": ("hull", "leeds", "york")}, "gse-pack-2025-07-09-3-locations.pptx"),
        ({"department_ids": ("EA", "MOD", "DSTL")}, "gse-pack-2025-07-09-3-departments.pptx"),
        ({"nations": ("Wales", "Scotland", "England")}, "gse-pack-2025-07-09-3-nations.pptx"),
        ({"department_ids": ("EA",), "nations": ("Wales",)}, "gse-pack-2025-07-09-wales-ea.pptx"),
        ({"date_from": date(2025, 3, 1)}, "gse-pack-2025-07-09-from-2025-03-01.pptx"),
        ({"date_to": date(2025, 6, 30)}, "gse-pack-2025-07-09-to-2025-06-30.pptx"),
    ],
    ids=str,
)
def test_a_file_name_names_the_filters(filters, expected):
    assert standard.file_name("pack", "pptx", Filters(**filters), date(2025, 7, 9), choices()) == expected


def test_a_file_name_is_cut_at_120_characters_without_a_trailing_hyphen():
    long = Filters(
        theme_ids=("pay", "cpd"),
        location_ids=("hull", "york"),
        department_ids=("A" * 30, "B" * 30),
        date_from=date(2025, 3, 1),
    )
    name = standard.file_name("pack", "pptx", long, date(2025, 7, 9), choices(), meeting="x" * 17)
    # 130 characters in full; the 120th is a hyphen, dropped.
    assert name == f"gse-pack-{'x' * 17}-pay-grading-cpd-hull-york-{'a' * 30}-{'b' * 30}-from.pptx"
    meeting = standard.file_name("pack", "pptx", Filters(), date(2025, 7, 9), choices(), meeting="  ")
    assert meeting == "gse-pack-2025-07-09.pptx"


NATION = {"London": "England", "South West": "England", "North East": "England", "Scotland": "Scotland"}


@pytest.mark.parametrize(
    "filters",
    [{}, {"nations": ("Scotland",)}, {"department_ids": ("DEFRA",)}, {"department_ids": ("SG", "DEFRA")}],
    ids=str,
)
def test_the_kpi_row_counts_the_fixture_members_chosen(fixture_db, fixture_csvs, use_db, monkeypatch, filters):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(fixture_db)
    people = fixture_csvs["members"]
    assert set(people["region"]) <= set(NATION)
    if "nations" in filters:
        people = people[people["region"].map(NATION).isin(filters["nations"])]
    if "department_ids" in filters:
        people = people[people["department_id"].isin(filters["department_ids"])]
    kpis = standard.overview_kpis(Filters(**filters))
    assert kpis["members"] == len(people)
    assert kpis["workshops"] == len(fixture_csvs["workshops"]) or "nations" in filters


def test_the_kpi_row_blanks_members_under_the_threshold(fixture_db, fixture_csvs, use_db, monkeypatch):
    # The Scottish Government has 3 members in tests/fixtures/members.csv: under k = 4 the card shows [c], as every
    # page does, never the query's own unprotected count.
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "4")
    use_db(fixture_db)
    assert (fixture_csvs["members"]["department_id"] == "SG").sum() == 3
    assert pd.isna(standard.overview_kpis(Filters(department_ids=("SG",)))["members"])
    assert standard.overview_kpis(Filters(department_ids=("DEFRA",)))["members"] == 5


def test_the_default_story_tells_every_kind_once_in_order(fixture_db, use_db, monkeypatch):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(fixture_db)
    told = standard.slides(Filters())
    assert [slide.section for slide in told] == [
        "At a glance",
        "Roadtrip",
        "Suggestion themes",
        "Leadership access",
        "Profession",
    ]
    assert told[0].headline.startswith("The tour held 4 workshops in 3 locations")
    # The Roadtrip slide leads with the route's finding: four workshops match, so never "No workshops match".
    assert told[1].headline != "No workshops match the filters"
    assert told[1].notes == (told[1].headline,)


def test_the_report_holds_every_slide_of_the_story_and_the_pdf_prints_that_report(fixture_db, use_db, monkeypatch):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(fixture_db)
    html = standard.html_report(Filters()).decode()
    for section in ("At a glance", "Roadtrip", "Suggestion themes", "Leadership access", "Profession"):
        assert f'<span class="name">{section}</span>' in html
    assert "The tour held 4 workshops in 3 locations" in html
    # Chromium is not run here: the PDF is the report as printed, so what reaches the printer is the report.
    printed = []
    monkeypatch.setattr(report, "pdf", lambda page: printed.append(page) or b"%PDF-")
    assert standard.pdf_report(Filters()) == b"%PDF-"
    assert printed == [html.encode()]


def test_an_imported_databases_pack_names_its_source_files(fixture_db, use_db, tmp_path, monkeypatch):
    # The cover's source line tells a board where the numbers came from: the import and the files it read.
    imported = tmp_path / "gse.duckdb"
    imported.write_bytes(fixture_db.read_bytes())
    with duckdb.connect(str(imported)) as connection:
        connection.execute("update build_info set source = 'import of members.csv', built_at = '2026-05-01 10:00'")
        connection.execute(
            "insert into imports select max(import_id) + 1, '2026-05-01 10:00', 'a@b.gov.uk', 'import of members.csv', "
            """'{"members.csv": "ab"}', '{"members": 12}' from imports"""
        )
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(imported)
    cover = standard._cover(Filters())
    assert cover["source"] == "The GSE team's data: import of members.csv (members.csv), loaded on 1 May 2026."
    assert cover["status"].startswith("Management information")


@pytest.mark.parametrize(
    ("choices", "named"),
    [
        (None, "all schemes"),
        ({"leadership_scheme": "gse_mentoring"}, "GSE Mentoring Programme"),
        ({"leadership_scheme": "evil"}, "all schemes"),
    ],
    ids=str,
)
def test_the_leadership_slide_follows_the_pages_scheme_and_ignores_an_unknown_one(
    fixture_db, use_db, monkeypatch, choices, named
):
    # The scheme's name as in tests/fixtures/schemes.csv; an id the data does not hold means every scheme.
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(fixture_db)
    notes = " ".join(standard.leadership_slide(Filters(), choices).notes)
    assert named in notes
    assert ("GSE Mentoring Programme" in notes) == (named != "all schemes")


def test_a_roadtrip_slide_with_no_workshops_says_so_and_keeps_its_map_and_timeline(fixture_db, use_db, monkeypatch):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(fixture_db)
    empty = standard.roadtrip_slide(Filters(date_from=date(2030, 1, 1)))
    assert empty.headline == "No workshops match the filters"
    assert empty.notes == ()
    full = standard.roadtrip_slide(Filters())
    assert full.figure is not None and full.deck is not None and full.deck_key is not None


def test_the_leadership_slide_shows_only_the_chosen_departments(fixture_db, use_db, monkeypatch):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(fixture_db)
    slide = standard.leadership_slide(Filters(department_ids=("DEFRA",)))
    # The name as in tests/fixtures/departments.csv.
    assert slide.table["Department"].tolist() == ["Department for Environment, Food and Rural Affairs"]


DEFRA, MET, SG = "Department for Environment, Food and Rural Affairs", "Met Office", "Scottish Government"


@pytest.mark.parametrize(
    ("filters", "choices", "headline", "table", "notes"),
    [
        # Every grade and year. Of tests/fixtures/participation.csv's 7 applications, 4 took a place (M003 accepted,
        # M004, M009 and M010 completed): 57%, and 4 participants per 100 of the 12 members is 33.3. DEFRA (M001, M003,
        # M004): 3 applications, 2 places, 5 members; the Met Office (M006 twice): 2 applications, none taken, 4
        # members. A reference over the two chosen departments would be 2 of 5 (40%) and 2 per 9 members (22.2).
        (
            {"department_ids": ("DEFRA", "METOFFICE")},
            None,
            "No department's acceptance rate is clearly below the profession-wide 57%",
            [[DEFRA, "2", "3", "66.7"], [MET, "0", "2", "0"]],
            (
                "No department's applications are accepted clearly less often than the profession-wide 57%.",
                f"Across the profession, there were 33.3 participants per 100 members in all schemes together; {DEFRA}"
                " had the most (40.0) and Met Office the fewest (0.0).",
            ),
        ),
        # G7 only: M003 (DEFRA, accepted) and M006 (Met Office, rejected, then awaiting); the Scottish Government has
        # no G7. 1 place of 3 applications (33%), 1 participant per 2 G7 members (50.0).
        (
            {},
            {"leadership_grades": ["G7"]},
            "Of those large enough to show, none of the 2 departments is clearly below the profession-wide 33%",
            [[DEFRA, "1", "1", "100"], [MET, "0", "2", "0"], [SG, "0", "0", "–"]],
            (
                "None of the 2 departments with numbers large enough to show has applications accepted clearly less"
                " often than the profession-wide 33%; 1 department has numbers too small to show.",
                f"Across the profession, there were 50.0 participants per 100 members in all schemes together; {DEFRA}"
                " had the most (100.0) and Met Office the fewest (0.0).",
            ),
        ),
        # Cohorts 2024 and 2022, listed out of order: M001 (DEFRA, withdrawn), M006 (Met Office, rejected), M009 and
        # M010 (SG, both completed): 2 places of 4 (50%), 2 participants per 12 members (16.7); SG 2 of its 3 members.
        (
            {},
            {"leadership_cohorts": [2024, 2022]},
            "No department's acceptance rate is clearly below the profession-wide 50%",
            [[SG, "2", "2", "100"], [DEFRA, "0", "1", "0"], [MET, "0", "1", "0"]],
            (
                "No department's applications are accepted clearly less often than the profession-wide 50%.",
                f"Across the profession, there were 16.7 participants per 100 members in all schemes together; {SG}"
                " had the most (66.7) and Met Office the fewest (0.0).",
            ),
        ),
        # DEFRA's G7 and G6 (M003, M004) in 2023 and 2024: 2 of 2. The profession's G7s and G6s in those years add
        # M006's rejection in 2024: 2 of 3 (67%), 2 participants per 4 members (M003, M004, M006, M012): 50.0.
        (
            {"department_ids": ("DEFRA",)},
            {"leadership_grades": ["G7", "G6"], "leadership_cohorts": [2024, 2023]},
            "No department's acceptance rate is clearly below the profession-wide 67%",
            [[DEFRA, "2", "2", "100"]],
            (
                "No department's applications are accepted clearly less often than the profession-wide 67%.",
                "Across the profession, there were 50.0 participants per 100 members in all schemes together.",
            ),
        ),
        # The Future Leaders Scheme, Met Office chosen: the profession's 5 applications to it (M003, M004, M006 twice,
        # M010), 3 places (60%), 3 participants per 12 members (25.0).
        (
            {"department_ids": ("METOFFICE",)},
            {"leadership_scheme": "fls"},
            "No department's acceptance rate is clearly below the profession-wide 60%",
            [[MET, "0", "2", "0"]],
            (
                "No department's applications are accepted clearly less often than the profession-wide 60%.",
                "Across the profession, there were 25.0 participants per 100 members in the Future Leaders Scheme.",
            ),
        ),
    ],
    ids=["two-departments", "g7", "cohorts-2024-2022", "defra-g7-g6-2023-2024", "met-office-fls"],
)
def test_the_leadership_slide_counts_the_pages_grades_and_years_against_the_whole_profession(
    fixture_db, use_db, monkeypatch, filters, choices, headline, table, notes
):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(fixture_db)
    slide = standard.leadership_slide(Filters(**filters), choices)
    assert slide.headline == headline
    assert slide.table.values.tolist() == table
    assert slide.notes == notes


def test_the_leadership_slide_counts_agree_with_the_fixture_csvs(fixture_db, fixture_csvs, use_db, monkeypatch):
    # The hand counts above, once more by pandas over the CSVs: G7 and G6, cohorts 2023 and 2024, every department.
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(fixture_db)
    rows = fixture_csvs["participation"].merge(fixture_csvs["members"], on="member_id")
    rows = rows[rows["grade"].isin(["G7", "G6"]) & rows["cohort_year"].isin([2023, 2024])]
    names = fixture_csvs["departments"].set_index("department_id")["name"]
    expected = {
        names[department]: (
            int(rows[rows["department_id"] == department]["status"].isin(["accepted", "completed"]).sum()),
            int((rows["department_id"] == department).sum()),
        )
        for department in names.index
    }
    slide = standard.leadership_slide(
        Filters(), {"leadership_grades": ["G6", "G7"], "leadership_cohorts": [2024, 2023]}
    )
    shown = {name: (int(places), int(applied)) for name, places, applied, _ in slide.table.values.tolist()}
    assert shown == expected == {DEFRA: (2, 2), MET: (0, 1), SG: (0, 0)}


def test_a_leadership_slide_with_one_department_to_show_does_not_call_it_below(fixture_db, use_db, monkeypatch):
    # Cohort 2023: only DEFRA applied (M003 accepted, M004 completed): 2 of 2, the profession's 100% too. The one
    # department shown is not below it, and the headline must not say it is.
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(fixture_db)
    slide = standard.leadership_slide(Filters(), {"leadership_cohorts": [2023]})
    assert slide.headline == (
        "Of those large enough to show, the one department is not clearly below the profession-wide 100%"
    )
    assert slide.table.values.tolist() == [[DEFRA, "2", "2", "100"], [MET, "0", "0", "–"], [SG, "0", "0", "–"]]


def test_the_leadership_slide_marks_the_departments_clearly_below_in_its_chart_and_series(
    bundled_db, bundled_csvs, use_db, monkeypatch
):
    # k = 0, all schemes and years: each department's places (accepted or completed) of its applications, by pandas
    # over data/, its 95% Wilson interval by scipy, and "clearly below" when the whole interval is under the
    # profession-wide rate.
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(bundled_db)
    rows = bundled_csvs["participation"].merge(bundled_csvs["members"], on="member_id")
    rows = rows.assign(place=rows["status"].isin(["accepted", "completed"]))
    profession = rows["place"].mean()
    names = bundled_csvs["departments"].set_index("department_id")["name"]
    below = {
        names[department]
        for department, group in rows.groupby("department_id")
        if binomtest(int(group["place"].sum()), len(group)).proportion_ci(method="wilson").high < profession
    }
    assert below == {"Environment Agency", "Ministry of Defence", "Animal and Plant Health Agency"}

    slide = standard.leadership_slide(Filters())
    markers = [trace for trace in slide.figure.data if trace.mode == "markers" and trace.error_x.array is not None]
    # Each point's hover names its department, wrapped over lines as on the axis.
    drawn = {trace.name: {row[0].replace("<br>", " ") for row in trace.customdata} for trace in markers}
    assert drawn["Interval wholly below the profession-wide rate"] == below
    assert len(drawn["Acceptance rate, with its 95% interval"]) == rows["department_id"].nunique() - len(below)
    assert {
        names[code] for code, marked in zip(slide.series.categories, slide.series.marked, strict=True) if marked
    } == below
    assert slide.series.reference == round(100 * profession, 1)


def test_the_roadtrip_slide_describes_its_map_and_follows_the_basemap_switch(fixture_db, use_db, monkeypatch):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(fixture_db)
    # tests/fixtures/workshops.csv: London (4 March), Glasgow (20 March), Exeter (10 April), London again (1 May).
    slide = standard.roadtrip_slide(Filters())
    assert slide.deck_alt == (
        "Map of the UK with 3 tour locations, numbered in date order from London to Exeter, sized by the number of "
        "suggestions and coloured by nation. The table below lists every workshop."
    )
    assert "mapProvider" not in json.loads(slide.deck.to_json())
    # The map has no legend of its own: its key says what the colours mean.
    assert "colour shows the nation (England dark blue, Scotland turquoise, Wales dark pink" in slide.deck_key
    monkeypatch.setenv("GSE_BASEMAP", "1")
    tiled = json.loads(standard.roadtrip_slide(Filters()).deck.to_json())
    assert tiled["mapProvider"] == "carto"


@pytest.mark.parametrize("k", [0, 4])
def test_the_profession_slide_counts_the_regions_under_represented(fixture_db, fixture_csvs, use_db, monkeypatch, k):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", str(k))
    use_db(fixture_db)
    people = fixture_csvs["members"]["region"].value_counts()
    places = fixture_csvs["workshops"].merge(fixture_csvs["locations"], on="location_id")
    said = fixture_csvs["suggestions"].merge(places, on="workshop_id")["region"].value_counts()
    # Under-represented: a share of suggestions under 0.8 of the share of members, or no suggestions at all (the
    # query's ratio is 0 then, whatever the members; see queries/profession_voices.sql).
    under = [
        region
        for region in UK_REGIONS
        if said.get(region, 0) == 0
        or (people.get(region, 0) and said[region] / said.sum() < 0.8 * people[region] / people.sum())
    ]
    # London gave 8 of 15 suggestions from 4 of 12 members, Scotland 4 from 3; the South West 3 from 4 (0.6).
    assert sorted(set(UK_REGIONS) - set(under)) == ["London", "Scotland"]
    slide = standard.profession_slide()
    assert slide.section == "Profession"
    # At k = 4 Scotland's 3 members are blank, and so is its flag, which would give them away: it is not counted
    # either way, blank being neither under-represented nor not.
    assert slide.headline == f"{len(under)} of 12 regions and nations are under-represented in the suggestions"
    assert slide.notes[0] == slide.headline
    assert slide.table["Region or nation"].tolist() == list(UK_REGIONS)
    flags = dict(zip(slide.table["Region or nation"], slide.table["Under-represented (< 0.8)"], strict=True))
    expected = {region: "Yes" if region in under else "No" for region in UK_REGIONS}
    assert flags == (expected if k == 0 else {**expected, "Scotland": "[c]"})
    # The chart: one bar per region, labelled with its ratio (0 where a region gave no suggestions).
    ratios = {
        region: 0.0 if region not in said else (said[region] / said.sum()) / (people[region] / people.sum())
        for region in UK_REGIONS
    }
    labels = {
        region: f"{ratio:.2f}" + (" under-represented" if region in under else "") for region, ratio in ratios.items()
    }
    (bars,) = slide.figure.data
    shown = dict(zip([name.replace("<br>", " ") for name in bars.y], bars.text, strict=True))
    assert shown == (labels if k == 0 else {**labels, "Scotland": "[c]"})
    assert shown["London"] == "1.60" and shown["South West"] == "0.60 under-represented"


def test_a_story_slide_of_leadership_keeps_the_pages_choices(fixture_db, use_db, monkeypatch):
    # A slide saved from the Leadership page with G7 chosen: M003 (DEFRA, accepted) and M006 (Met Office, rejected,
    # then awaiting) applied, 1 of 3: 33%; every grade would be 4 of 7, 57%.
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(fixture_db)
    slide = standard.kind_slide("leadership", Filters(), {"leadership_grades": ["G7"]})
    assert slide.headline.endswith("clearly below the profession-wide 33%")
    assert slide.table["Applications"].tolist() == ["1", "2", "0"]
