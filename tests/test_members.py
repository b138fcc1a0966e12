"""members.py on small hand-made rollups: which published cells make each count, and when a count must be blank."""

import pandas as pd
import pytest

from dashboard import members
from tests.conftest import ENGLISH_REGIONS as ENGLAND
from tests.conftest import UK_REGIONS as REGIONS

# Written out here, not taken from the code under test.
GRADES = ("AA", "AO", "EO", "HEO", "SEO", "G7", "G6", "SCS")
BACKGROUNDS = ("science", "engineering", "both", "interest")
OUTSIDE_LONDON = tuple(region for region in REGIONS if region != "London")

# Eleven members of two departments: (department, grade, region, background).
PEOPLE = pd.DataFrame(
    [
        ("A", "G7", "London", "science"),
        ("A", "G7", "London", "engineering"),
        ("A", "G6", "Wales", "science"),
        ("A", "HEO", "Scotland", "both"),
        ("A", "SEO", "London", "science"),
        ("B", "G7", "Northern Ireland", "interest"),
        ("B", "G7", "South West", "science"),
        ("B", "SCS", "London", "engineering"),
        ("B", "HEO", "North East", "science"),
        ("B", "HEO", "Scotland", "science"),
        ("B", "EO", "Wales", "both"),
    ],
    columns=["department_id", "grade", "region", "background"],
)
PEOPLE["area"] = PEOPLE["region"].where(PEOPLE["region"] == "London", "Rest of the UK")
CATEGORIES = {
    "grade": GRADES,
    "region": REGIONS,
    "area": ("London", "Rest of the UK"),
    "background": BACKGROUNDS,
}


def table(breakdown: str, people: pd.DataFrame = PEOPLE) -> pd.DataFrame:
    """One member_rollup table counted by hand from `people`: every department and category, with totals."""
    rows = []
    for department in ("A", "B", "Total"):
        mine = people if department == "Total" else people[people["department_id"] == department]
        for category in (*CATEGORIES[breakdown], "Total"):
            count = len(mine) if category == "Total" else int((mine[breakdown] == category).sum())
            rows.append((department, category, count))
    return pd.DataFrame(rows, columns=["department_id", "category", "members"])


def rollup(blank: dict[str, list[tuple[str, str]]] | None = None) -> members.Rollup:
    """The hand-counted rollup, with the (department, category) cells named in `blank` made [c] (NA)."""
    tables = {}
    for breakdown in CATEGORIES:
        frame = table(breakdown).astype({"members": "Int64"})
        for department, category in (blank or {}).get(breakdown, []):
            frame.loc[(frame["department_id"] == department) & (frame["category"] == category), "members"] = pd.NA
        tables[breakdown] = frame
    return members.Rollup(tables)


def people_where(**chosen) -> int:
    """The members matching every choice, counted straight from PEOPLE."""
    mask = pd.Series(True, index=PEOPLE.index)
    for column, values in chosen.items():
        mask &= PEOPLE[column].isin(values)
    return int(mask.sum())


def test_the_rollup_reads_every_cell_and_knows_its_departments():
    shown = rollup()
    assert shown.departments == frozenset({"A", "B"})
    assert shown.cells[("grade", "A", "G7")] == 2
    assert shown.cells[("region", "B", "Northern Ireland")] == 1
    assert shown.cells[("area", "Total", "Rest of the UK")] == 7
    assert shown.cells[("background", "Total", "Total")] == 11
    assert len(shown.cells) == 3 * (9 + 13 + 3 + 5)


@pytest.mark.parametrize(
    "chosen",
    [
        {},
        {"department_id": ["A"]},
        {"department_id": ["B"]},
        {"grade": ["G7"]},
        {"grade": ["G7", "HEO"]},
        {"grade": ["G7"], "department_id": ["B"]},
        {"region": ["London"]},
        {"region": ["Scotland", "Wales"], "department_id": ["A"]},
        {"background": ["science", "both"]},
        {"background": ["engineering"], "department_id": ["A"]},
    ],
    ids=str,
)
def test_a_count_is_the_members_chosen(chosen):
    names = {"department_id": "department_ids", "grade": "grades", "region": "regions", "background": "backgrounds"}
    counted = members.count(rollup(), **{names[column]: values for column, values in chosen.items()})
    assert counted == people_where(**chosen)
    assert type(counted) is int


def test_a_count_over_several_departments_adds_their_totals():
    # Two departments of three: no cell holds them together, so their totals are added.
    three = rollup()
    c_table = {
        name: pd.concat([frame, frame[frame["department_id"] == "B"].assign(department_id="C")], ignore_index=True)
        for name, frame in three.tables.items()
    }
    with_c = members.Rollup(c_table)
    assert members.count(with_c, department_ids=["A", "C"]) == 5 + 6
    assert members.count(with_c, department_ids=["A", "C"], grades=["G7", "HEO"]) == (2 + 1) + (2 + 2)


def test_every_department_chosen_reads_the_total_even_when_a_department_is_blank():
    # A department's total can be [c] while the profession's is shown: choosing every department is the whole.
    shown = rollup({"grade": [("A", "Total"), ("B", "Total")]})
    assert members.count(shown, department_ids=["A", "B"]) == 11
    assert pd.isna(members.count(shown, department_ids=["A"]))


def test_every_grade_chosen_reads_the_total_even_when_a_grade_is_blank():
    shown = rollup({"grade": [("Total", "SCS"), ("Total", "EO")]})
    assert members.count(shown, grades=GRADES) == 11
    assert pd.isna(members.count(shown, grades=["SCS", "G7"]))
    assert members.count(shown, grades=["G7"]) == 4


def test_a_blank_cell_makes_the_count_blank():
    shown = rollup({"region": [("B", "Wales")], "background": [("Total", "interest")]})
    assert pd.isna(members.count(shown, regions=["Wales", "London"], department_ids=["B"]))
    assert pd.isna(members.count(shown, backgrounds=["interest"]))
    assert members.count(shown, regions=["Wales", "London"], department_ids=["A"]) == 4
    assert members.count(shown, backgrounds=["science"]) == 6


def test_outside_london_reads_the_rest_of_the_uk_cell_not_the_blank_regions():
    # Eleven regions with small counts are blank; the one cell "Rest of the UK" is published.
    blanks = [(department, region) for department in ("A", "B", "Total") for region in OUTSIDE_LONDON]
    shown = rollup({"region": blanks})
    assert members.count(shown, regions=OUTSIDE_LONDON) == people_where(region=OUTSIDE_LONDON)
    assert members.count(shown, regions=OUTSIDE_LONDON, department_ids=["B"]) == 5
    # With London too, every region: the total, whatever the region cells.
    assert members.count(shown, regions=REGIONS) == 11
    assert members.count(shown, regions=[*OUTSIDE_LONDON, "London"], department_ids=["A"]) == 5
    # Fewer than all eleven: the region cells are needed, and they are blank.
    assert pd.isna(members.count(shown, regions=OUTSIDE_LONDON[1:]))


def test_outside_london_is_the_area_cell_even_when_every_region_cell_is_shown():
    # Outside London is answered by the area table alone: its blank stands, or the regions would give it away.
    shown = rollup({"area": [("B", "Rest of the UK")]})
    assert pd.isna(members.count(shown, regions=OUTSIDE_LONDON, department_ids=["B"]))
    assert members.count(shown, regions=OUTSIDE_LONDON, department_ids=["A"]) == 2
    assert members.count(shown, regions=["Wales", "Scotland", "North East"], department_ids=["B"]) == 3


@pytest.mark.parametrize(
    "chosen",
    [
        {"grades": ["G7"], "regions": ["London"]},
        {"grades": ["G7"], "backgrounds": ["science"]},
        {"regions": ["Wales"], "backgrounds": ["science"]},
        {"grades": ["G7"], "regions": ["London"], "backgrounds": ["science"]},
    ],
    ids=str,
)
def test_two_dimensions_narrowed_together_are_blank(chosen):
    # No table crosses grade with region or background: a count of both would need cells nobody published.
    assert pd.isna(members.count(rollup(), **chosen))
    assert members.crosses(chosen)


@pytest.mark.parametrize(
    "chosen",
    [
        {"grades": GRADES, "regions": ["London"]},
        {"grades": ["G7"], "backgrounds": BACKGROUNDS},
        {"regions": REGIONS, "backgrounds": ["both"], "grades": None},
    ],
    ids=str,
)
def test_a_choice_of_every_value_narrows_nothing(chosen):
    assert not members.crosses(chosen)
    narrowed = {name: values for name, values in chosen.items() if values is not None and len(values) < 8}
    column = {"grades": "grade", "regions": "region", "backgrounds": "background"}
    expected = people_where(**{column[name]: values for name, values in narrowed.items()})
    assert members.count(rollup(), **chosen) == expected


def test_crosses_needs_two_narrowed_dimensions():
    assert not members.crosses({})
    assert not members.crosses({"grades": ["G7"]})
    assert not members.crosses({"regions": ["London"], "department_ids": ["A"]})
    assert members.crosses({"backgrounds": ["science"], "regions": ["London"]})


@pytest.mark.parametrize(
    "chosen",
    [
        {"department_ids": []},
        {"department_ids": ["Z"]},
        {"grades": []},
        {"grades": ["G9"]},
        {"regions": ["Atlantis"]},
        {"backgrounds": ["art"], "department_ids": ["A"]},
    ],
    ids=str,
)
def test_a_choice_of_nothing_the_data_holds_is_blank_not_zero(chosen):
    # A 0 is a small count: shown, it would tell that no one of that kind works there.
    assert pd.isna(members.count(rollup(), **chosen))


def test_values_the_data_does_not_hold_are_dropped_from_a_choice():
    assert members.count(rollup(), grades=["G7", "G9"]) == 4
    assert members.count(rollup(), department_ids=["B", "Z"]) == 6


@pytest.mark.parametrize(
    ("nations", "regions"),
    [
        (None, None),
        (["Northern Ireland"], {"Northern Ireland"}),
        (["Scotland", "Wales"], {"Scotland", "Wales"}),
        (["England"], set(ENGLAND)),
        (["England", "Northern Ireland"], {*ENGLAND, "Northern Ireland"}),
        ([], set()),
    ],
    # Named by the nations alone: a set's order changes from one process to the next, and xdist's workers must agree.
    ids=["all", "northern-ireland", "scotland-wales", "england", "england-northern-ireland", "none"],
)
def test_a_nation_is_its_regions(nations, regions):
    found = members.nation_regions(nations)
    assert found == (None if regions is None else frozenset(regions))


def test_share_is_blank_when_either_count_is_blank():
    assert members.share(3, 4) == pytest.approx(0.75)
    assert members.share(0, 0) == 0.0
    assert pd.isna(members.share(pd.NA, 4))
    assert pd.isna(members.share(3, pd.NA))


def test_or_exact_shows_the_exact_count_only_with_control_off(monkeypatch):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    assert members.or_exact(pd.NA, 7) == 7
    assert members.or_exact(5, 7) == 5
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "10")
    assert pd.isna(members.or_exact(pd.NA, 7))
    assert members.or_exact(12, 7) == 12
    # A threshold of 1 still blanks zeros: control is on, and a blank stays blank.
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "1")
    assert pd.isna(members.or_exact(pd.NA, 7))


def test_links_tie_each_department_total_and_london_across_the_tables():
    # Tables in different row orders, so a link to the wrong row number would tie the wrong cells.
    frames = {name: table(name).sample(frac=1, random_state=seed) for seed, name in enumerate(CATEGORIES)}
    frames = {name: frame.reset_index(drop=True) for name, frame in frames.items()}

    def at(name: str, department: str, category: str) -> tuple:
        frame = frames[name]
        row = frame.index[(frame["department_id"] == department) & (frame["category"] == category)]
        return (name, int(row[0]), "members")

    expected = set()
    for department in ("A", "B", "Total"):
        for name in ("region", "area", "background"):
            expected.add(((at(name, department, "Total"),), at("grade", department, "Total")))
        expected.add(((at("area", department, "London"),), at("region", department, "London")))
    found = [(link.parts, link.total) for link in members.links(frames)]
    assert len(found) == len(expected) == 12
    assert set(found) == expected


@pytest.mark.parametrize("k", [0, 3])
def test_the_protected_rollup_is_the_fixture_members_counted(fixture_db, fixture_csvs, use_db, monkeypatch, k):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", str(k))
    use_db(fixture_db)
    people = fixture_csvs["members"].assign(
        area=lambda frame: frame["region"].where(frame["region"] == "London", "Rest of the UK")
    )
    shown = members.protected_rollup()
    assert set(shown.tables) == set(CATEGORIES)
    assert shown.departments == frozenset(fixture_csvs["departments"]["department_id"])
    blanks = 0
    for breakdown, frame in shown.tables.items():
        assert list(frame.columns) == ["department_id", "category", "members"]
        assert list(frame.index) == list(range(len(frame)))
        assert len(frame) == (len(fixture_csvs["departments"]) + 1) * (len(CATEGORIES[breakdown]) + 1)
        for department, category, value in frame.itertuples(index=False):
            mine = people if department == "Total" else people[people["department_id"] == department]
            truth = len(mine) if category == "Total" else int((mine[breakdown] == category).sum())
            if pd.isna(value):
                blanks += 1
                assert k > 0
            else:
                assert value == truth, (breakdown, department, category)
                assert k == 0 or truth >= k
    assert (blanks > 0) == (k > 0)


def test_the_protected_tables_agree_on_every_shared_cell(fixture_db, use_db, monkeypatch):
    # A department total shown in one table and blank in another would give the blank away: they are one system.
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "3")
    use_db(fixture_db)
    shown = members.protected_rollup()
    for department in [*shown.departments, "Total"]:
        totals = [shown.cells[(name, department, "Total")] for name in CATEGORIES]
        assert len({"[c]" if pd.isna(value) else value for value in totals}) == 1, (department, totals)
        london = [shown.cells[(name, department, "London")] for name in ("region", "area")]
        assert len({"[c]" if pd.isna(value) else value for value in london}) == 1, (department, london)
