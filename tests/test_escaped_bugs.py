"""One test for each bug that once got past the suite (issue 22), each expected value worked out by hand or in pandas.

docs/TESTING.md lists the bugs and the test here (or elsewhere) that fails when each is put back.
"""

import itertools
import math
from datetime import date

import duckdb
import pandas as pd
import pytest

from dashboard import auth, build, data, leadership, members, roadtrip
from dashboard.filters import NATIONS, Filters
from dashboard.story import standard
from tests import coincidences
from tests.conftest import ENGLISH_REGIONS, kpis

NATION_OF_REGION = {
    **dict.fromkeys(ENGLISH_REGIONS, "England"),
    "Scotland": "Scotland",
    "Wales": "Wales",
    "Northern Ireland": "Northern Ireland",
}
PLACED = ("accepted", "completed")  # the statuses that took a place on a scheme (docs: leadership page)


@pytest.fixture(scope="module")
def awkward_db(tmp_path_factory):
    """A database built from tests/coincidences.py: ids out of date order, a late joiner, a small attendance."""
    folder = tmp_path_factory.mktemp("awkward")
    path = folder / "gse.duckdb"
    build.build_bundled(coincidences.write_csvs(folder / "csv"), path)
    return path


@pytest.fixture
def k(monkeypatch):
    """Set the disclosure threshold for one test."""

    def at(value: int) -> None:
        monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", str(value))

    return at


def test_the_story_blanks_every_attendee_count_the_pages_blank_at_a_high_threshold(bundled_db, bundled_csvs, use_db, k):
    # The pack, the report and presentation mode all show standard.slides; at k = 35 two bundled workshops are small.
    k(35)
    use_db(bundled_db)
    (slide,) = [slide for slide in standard.slides(Filters()) if slide.section == "Roadtrip"]
    shown = dict(zip(slide.table["Date"].astype(str), slide.table["Attendees"], strict=True))
    workshops = bundled_csvs["workshops"]
    small = workshops.loc[workshops["attendees"] < 35, "held_on"].tolist()
    assert len(small) == 2
    for held_on in small:
        assert shown[held_on] == "[c]", held_on
    for value in shown.values():
        assert value in {"[c]", "not recorded"} or int(value.replace(",", "")) >= 35, value


def test_the_story_blanks_a_small_attendance_at_the_default_threshold(awkward_db, use_db, k):
    k(10)
    use_db(awkward_db)
    (slide,) = [slide for slide in standard.slides(Filters()) if slide.section == "Roadtrip"]
    glasgow = slide.table.loc[slide.table["Location"] == "Glasgow", "Attendees"].tolist()
    assert glasgow == ["[c]"]
    assert str(coincidences.SMALL_ATTENDANCE) not in slide.table["Attendees"].tolist()


@pytest.mark.parametrize("nation", NATIONS)
def test_a_nations_members_are_the_members_in_its_regions(bundled_db, bundled_csvs, use_db, k, nation):
    # Overview with Nations = Northern Ireland once showed 0 members: Northern Ireland was counted as England.
    k(10)
    use_db(bundled_db)
    people = bundled_csvs["members"]
    expected = int((people["region"].map(NATION_OF_REGION) == nation).sum())
    assert expected >= 10
    assert standard.overview_kpis(Filters(nations=(nation,)))["members"] == expected


@pytest.mark.parametrize(("nation", "expected"), coincidences.MEMBERS_BY_NATION.items())
def test_members_in_every_nation_are_counted_in_their_own(awkward_db, use_db, k, nation, expected):
    k(0)
    use_db(awkward_db)
    assert members.count(members.protected_rollup(), regions=members.nation_regions([nation])) == expected


def _profession(scheme_id):
    params = {"department_ids": None, "grades": None, "cohort_years": None, "scheme_id": scheme_id}
    tables = leadership.protected_tables(params)
    return tables, data.query("leadership_schemes")


@pytest.mark.parametrize("scheme_id", ["dstl_technical_leadership", "defra_science_leaders"])
def test_a_departmental_schemes_reference_rate_is_over_its_own_department(
    bundled_db, bundled_csvs, use_db, k, scheme_id
):
    # Computed over the whole profession, 3.7 per 100 became 0.2.
    k(10)
    use_db(bundled_db)
    tables, schemes = _profession(scheme_id)
    ref = leadership.reference(tables["schemes"], tables["members"], schemes, scheme_id)
    owner = bundled_csvs["schemes"].set_index("scheme_id").at[scheme_id, "department_id"]
    applications = bundled_csvs["participation"].query("scheme_id == @scheme_id")
    places = applications["status"].isin(PLACED).sum()
    staff = (bundled_csvs["members"]["department_id"] == owner).sum()
    assert ref["members"] == staff
    assert ref["participation_rate"] == pytest.approx(100 * places / staff)
    assert ref["participation_rate"] > 1  # the profession-wide denominator gives well under 1 per 100


def test_leadership_departments_run_from_highest_participation_down(bundled_db, bundled_csvs, use_db, k):
    k(10)
    use_db(bundled_db)
    tables, schemes = _profession(None)
    ref = leadership.reference(tables["schemes"], tables["members"], schemes, None)
    view = leadership.department_view(
        tables["schemes"], tables["members"], data.query("department_options"), None, ref["acceptance_rate"]
    )
    shown = view[view["participation_rate"].notna()]
    assert len(shown) > 5
    # The expected order, from the CSVs: places on any scheme per 100 members of the department.
    people = bundled_csvs["members"]
    taken = bundled_csvs["participation"].query("status in @PLACED").merge(people, on="member_id")
    rates = 100 * taken.groupby("department_id").size() / people.groupby("department_id").size()
    names = bundled_csvs["departments"].set_index("department_id")["name"]
    expected = rates[shown["department_id"]].sort_values(ascending=False)
    assert shown["name"].tolist() == names[expected.index].tolist()
    figure = leadership.participation_chart(view, ref, "t")
    # Plotly draws a category array from the bottom up, so the highest rate is its last entry (the top bar).
    top = figure.layout.yaxis.categoryarray[-1]
    assert " ".join(top.replace("<br>", " ").split()) == names[expected.index[0]]


def _areas(london: tuple[float, float, float], rest: tuple[float, float, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [("London", *london), ("Rest of the UK", *rest)], columns=["area", "acceptance_rate", "lower", "upper"]
    )


@pytest.mark.parametrize(
    ("london", "rest", "ending"),
    [
        ((0.62, 0.55, 0.69), (0.40, 0.35, 0.45), "(the 95% intervals do not overlap)."),
        ((0.30, 0.25, 0.35), (0.50, 0.45, 0.55), "(the 95% intervals do not overlap)."),
        ((0.52, 0.45, 0.59), (0.48, 0.44, 0.52), "(the 95% intervals overlap)."),
        ((0.48, 0.44, 0.52), (0.52, 0.45, 0.59), "(the 95% intervals overlap)."),
        ((0.50, 0.40, 0.60), (0.50, 0.45, 0.55), "(the 95% intervals overlap)."),
    ],
)
def test_the_london_sentence_says_overlap_only_when_the_intervals_meet(london, rest, ending):
    sentence = leadership.region_sentence(_areas(london, rest))
    assert sentence.startswith(f"Applicants working in London were accepted at {london[0]:.0%}, against {rest[0]:.0%}")
    assert sentence.endswith(ending)


def test_the_themes_page_flags_classifier_tags_under_one_half(bundled_db, use_db, open_page):
    # The review threshold is 0.5 (docs/CLASSIFIER.md); a test reading themes.REVIEW_THRESHOLD follows any change.
    use_db(bundled_db)
    with duckdb.connect(str(bundled_db), read_only=True) as connection:
        flagged = connection.execute(
            "select count(*) from suggestions where theme_source = 'auto' and confidence < 0.5"
        ).fetchone()[0]
        just_above = connection.execute(
            "select count(*) from suggestions where theme_source = 'auto' and confidence < 0.6"
        ).fetchone()[0]
    assert 0 < flagged < just_above  # the data can tell 0.5 from a nearby threshold
    app = open_page("dashboard/pages/themes.py")
    assert not app.exception
    shown = kpis(app)
    assert shown["Need review"] == f"{flagged:,}"
    assert any("under 50% is flagged for review" in caption.value for caption in app.caption)


def test_data_as_of_is_the_latest_workshop_or_joining_date(awkward_db, use_db):
    use_db(awkward_db)
    assert data.as_date(data.build_info()["data_date"]) == date.fromisoformat(coincidences.DATA_AS_OF)


def _miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, point)) for point in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * math.asin(math.sqrt(h)) * 3958.8


def test_the_route_runs_in_date_order_when_ids_do_not(awkward_db, fixture_csvs, use_db):
    use_db(awkward_db)
    stops = data.query("roadtrip_stops", **Filters().params())
    assert stops.sort_values("stop")["location"].tolist() == coincidences.TOUR_IN_DATE_ORDER
    legs = [(leg["from_name"], leg["to_name"]) for leg in roadtrip.route_legs(stops)]
    tour = coincidences.TOUR_IN_DATE_ORDER
    assert legs == list(itertools.pairwise(tour))
    where = fixture_csvs["locations"].set_index("name")[["latitude", "longitude"]].apply(tuple, axis=1)
    expected = sum(_miles(where[a], where[b]) for a, b in legs)
    assert data.query_one("roadtrip_route_length", **Filters().params())["route_miles"] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("query", "notice", "kept"),
    [
        ({"theme": ["CPD", "Nonsense"]}, "Ignored 1 unknown theme value(s) in the link.", ("theme_ids", ("cpd",))),
        (
            {"nation": ["Scotland", "Atlantis"]},
            "Ignored 1 unknown nation value(s) in the link.",
            ("nations", ("Scotland",)),
        ),
        ({"department": ["Met Office", "MI5", "Q"]}, "Ignored 2 unknown department value(s) in the link.", None),
    ],
)
def test_every_value_of_a_repeated_url_parameter_is_checked(bundled_db, use_db, open_page, query, notice, kept):
    use_db(bundled_db)
    app = open_page(query=query)
    assert not app.exception
    assert notice in [warning.value for warning in app.warning]
    if kept:
        field, values = kept
        assert getattr(app.session_state["active_filters"], field) == values


ALLOWED = {"allow": ["analyst@dsit.gov.uk", "@go-science.gov.uk"], "admins": ["lead@dsit.gov.uk"]}
SIGNED_IN_AS = {"is_logged_in": True, "email_verified": True}
WITH_SIGN_IN = {"client_id": "x"}


@pytest.mark.parametrize(
    ("email", "admin"),
    [("analyst@dsit.gov.uk", False), ("someone@go-science.gov.uk", False), ("lead@dsit.gov.uk", True)],
)
def test_only_the_named_admins_are_admins(email, admin):
    # Once, every individually allow-listed address became an admin who could replace the data.
    verdict = auth.decide({**SIGNED_IN_AS, "email": email}, WITH_SIGN_IN, ALLOWED, "0.0.0.0")
    assert verdict.viewer is not None and verdict.viewer.is_admin is admin
    assert auth.AccessList.from_settings(ALLOWED).is_admin(email) is admin


@pytest.mark.parametrize("claim", [False, "false", "False", "no", 0])
def test_an_address_the_provider_calls_unverified_is_refused(claim):
    user = {"is_logged_in": True, "email": "analyst@dsit.gov.uk", "email_verified": claim}
    assert auth.decide(user, WITH_SIGN_IN, ALLOWED, "0.0.0.0").viewer is None


def test_the_story_states_the_csvs_numbers_not_just_the_pages(bundled_db, bundled_csvs, use_db, k):
    # The pack, report and presentation were checked against the pages' own builders: agreement, not truth.
    k(10)
    use_db(bundled_db)
    slides = {slide.section: slide for slide in standard.slides(Filters())}
    people, workshops = bundled_csvs["members"], bundled_csvs["workshops"]
    participation = bundled_csvs["participation"]
    glance = dict(zip(slides["At a glance"].table["Measure"], slides["At a glance"].table["Value"], strict=True))
    assert glance["Members"] == f"{len(people):,}"
    assert glance["Departments"] == f"{people['department_id'].nunique():,}"
    assert glance["Workshops"] == f"{len(workshops):,}"
    assert glance["Locations"] == f"{workshops['location_id'].nunique():,}"
    assert glance["Suggestions"] == f"{len(bundled_csvs['suggestions']):,}"
    assert glance["Miles travelled (reported)"] == f"{int(workshops['miles_travelled'].sum()):,}"
    assert glance["Participants"] == f"{participation['status'].isin(PLACED).sum():,}"
    applications = participation.merge(people, on="member_id").merge(bundled_csvs["departments"], on="department_id")
    by_name = applications.groupby("name")["status"]
    table = slides["Leadership access"].table.set_index("Department")
    assert set(table.index) == set(bundled_csvs["departments"]["name"])
    shown = table[table["Participants"] != "[c]"]
    assert len(shown) > 5
    for name, row in shown.iterrows():
        statuses = by_name.get_group(name)
        assert row["Participants"] == f"{statuses.isin(PLACED).sum():,}", name
        assert row["Applications"] == f"{len(statuses):,}", name
        assert float(row["Acceptance rate (%)"]) == pytest.approx(100 * statuses.isin(PLACED).mean(), abs=0.05), name
