"""About this data: computed from the data, linked from every page, stamped on downloads, the pack and the report."""

from datetime import date

import duckdb
import pandas as pd
import pytest

from dashboard import about, config

PAGES = [
    "dashboard/pages/overview.py",
    "dashboard/pages/roadtrip.py",
    "dashboard/pages/themes.py",
    "dashboard/pages/review.py",
    "dashboard/pages/leadership.py",
    "dashboard/pages/profession.py",
    "dashboard/pages/data.py",
    "dashboard/pages/taxonomy.py",
    "dashboard/pages/story.py",
]
ABOUT = "dashboard/pages/about.py"


def markdown(app) -> str:
    return "\n".join(block.value for block in app.markdown)


@pytest.fixture
def about_file(tmp_path, monkeypatch):
    """Point the app at an about.toml written by the test."""

    def write(text: str):
        path = tmp_path / "about.toml"
        path.write_text(text)
        monkeypatch.setenv("GSE_ABOUT_PATH", str(path))
        return path

    return write


def test_the_about_page_states_coverage_computed_from_the_data(bundled_db, bundled_csvs, use_db, open_page):
    use_db(bundled_db)
    app = open_page(ABOUT)
    assert not app.exception, [exception.message for exception in app.exception]
    workshops, suggestions = bundled_csvs["workshops"], bundled_csvs["suggestions"]
    recorded = workshops["attendees"].notna().sum()
    named = suggestions["member_id"].notna().sum()
    text = markdown(app)
    assert f"{recorded} of {len(workshops)} workshops recorded attendance" in text
    assert f"{named:,} of {len(suggestions):,} suggestions ({named / len(suggestions):.0%}) name a member" in text
    assert any("Illustrative" in warning.value for warning in app.warning)
    sources = app.dataframe[0].value
    assert sources["Rows"].tolist() == [len(bundled_csvs[table]) for table in sources["Table"]]
    # The count beside the name: at the grid's right edge a tablet cut 11,145 to "11,14".
    assert list(sources.columns[:2]) == ["Table", "Rows"]
    for heading in ("Status", "Sources", "Coverage", "Strengths and limitations", "Methods", "Revisions", "Contact"):
        assert heading in [header.value for header in app.header]
    assert "**Participants**" in text and "**[c]**" in text and "**ITL1 regions**" in text and "Wilson" in text


@pytest.mark.parametrize("page", PAGES)
def test_every_page_links_to_about_this_data(fixture_db, use_db, open_page, page):
    use_db(fixture_db)
    app = open_page(page)
    assert not app.exception
    links = [element for element in app.get("page_link") if element.proto.page.endswith("about")]
    assert links, f"{page} has no link to About this data"


def test_a_planned_update_in_the_past_is_flagged(fixture_db, use_db, open_page, about_file):
    use_db(fixture_db)
    about_file('next_update = 2020-01-31\ncontact = "Jo at the GSE team"\n')
    app = open_page(ABOUT)
    assert not app.exception
    warnings = [warning.value for warning in app.warning]
    assert any("31 January 2020, has passed" in warning and "Jo at the GSE team" in warning for warning in warnings)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('next_update = "soon"\n', "next_update must be a date written as YYYY-MM-DD"),
        ("next_update = 2027-02-30\n", "could not be read"),
        ("next_update = [\n", "could not be read"),
    ],
)
def test_a_bad_about_file_gets_a_clear_message_and_the_page_still_runs(
    fixture_db, use_db, open_page, about_file, text, problem
):
    use_db(fixture_db)
    before = fixture_db.read_bytes()
    about_file(text)
    app = open_page(ABOUT)
    assert not app.exception
    assert any(problem in error.value for error in app.error), [error.value for error in app.error]
    assert fixture_db.read_bytes() == before, "the live database is left as it was"


def test_update_notice_dates():
    future = about.Settings(next_update=date(2030, 1, 1), contact="x")
    assert about.update_notice(future, date(2029, 12, 31)) is None
    assert "has passed" in about.update_notice(future, date(2030, 1, 2))
    assert "No next update is planned" in about.update_notice(about.Settings(), date(2030, 1, 2))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_first_that_the_bundled_data_is_made_up_and_an_import_is_not(
    fixture_db, use_db, open_page, tmp_path, page
):
    """A board member who never opens About must not take the sample for real, nor be told real data is made up.

    Realistic bugs: the marker on About alone, on a page that draws its own caption, or kept after an import.
    """
    use_db(fixture_db)
    captions = [caption.value for caption in open_page(page, closed=True).caption if "**Filters:**" in caption.value]
    assert len(captions) == 1 and captions[0].startswith("**Illustrative sample data: no member"), captions
    imported = tmp_path / "gse.duckdb"
    imported.write_bytes(fixture_db.read_bytes())
    with duckdb.connect(str(imported)) as connection:
        connection.execute("update build_info set source = 'import of members.csv'")
    use_db(imported)
    captions = [caption.value for caption in open_page(page, closed=True).caption if "**Filters:**" in caption.value]
    assert len(captions) == 1 and captions[0].startswith("**Filters:**"), captions


def test_the_bundled_about_file_is_valid():
    settings = about.read_settings(config.DATA_DIR / "about.toml")
    assert settings.problems == ()
    assert settings.next_update is not None


def test_an_import_changes_the_status_and_source():
    info = {"source": "import of members.csv", "built_at": pd.Timestamp("2026-05-01 10:00"), "data_date": None}
    history = pd.DataFrame(
        [{"files": '{"members.csv": "ab"}', "source": "import of members.csv", "imported_by": "x@y.gov.uk"}]
    )
    assert about.status(info).startswith("Management information")
    assert about.source(info, history) == (
        "The GSE team's data: import of members.csv (members.csv), loaded on 1 May 2026."
    )
