"""One word, one meaning: members, applications and participants are the same numbers on every page and in the pack."""

import pytest

from dashboard import glossary
from dashboard.filters import Filters
from dashboard.story import standard
from tests.conftest import kpis

PAGES = {
    "overview": "dashboard/pages/overview.py",
    "leadership": "dashboard/pages/leadership.py",
    "profession": "dashboard/pages/profession.py",
}


@pytest.fixture(scope="module")
def shown(bundled_db):
    """The KPI cards of each page, with no filters, on the bundled data."""
    from _pytest.monkeypatch import MonkeyPatch
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ENTRY

    cards = {}
    with MonkeyPatch.context() as patch:
        patch.setenv("GSE_DB_PATH", str(bundled_db))
        for name, page in PAGES.items():
            app = AppTest.from_file(ENTRY, default_timeout=60).run()
            if name != "overview":
                app.switch_page(page).run()
            assert not app.exception, [exception.message for exception in app.exception]
            cards[name] = kpis(app)
    return cards


def test_each_word_is_defined_once():
    words = [term.word for term in glossary.TERMS]
    assert len(words) == len(set(words))
    for word in ("Members", "Applications", "Participants", "Applicants"):
        assert glossary.term(word).meaning


def test_participants_are_the_same_number_on_the_overview_and_the_leadership_page(shown, bundled_csvs):
    participation = bundled_csvs["participation"]
    # Participants: applications accepted or completed, counted from the CSV by hand.
    expected = f"{participation['status'].isin(['accepted', 'completed']).sum():,}"
    assert shown["overview"]["Participants"] == expected
    assert shown["leadership"]["Participants"] == expected
    assert shown["leadership"]["Applications"] == f"{len(participation):,}"


def test_members_are_the_same_number_on_every_page(shown, bundled_csvs):
    expected = f"{len(bundled_csvs['members']):,}"
    assert shown["overview"]["Members"] == shown["leadership"]["Members"] == shown["profession"]["Members"] == expected


def test_no_page_uses_an_old_or_second_word_for_the_same_thing(shown):
    labels = {label for cards in shown.values() for label in cards}
    assert "Scheme participants" not in labels
    assert not [label for label in labels if label.startswith("Participants (")]


def test_the_board_pack_headline_numbers_use_the_same_words_and_numbers(bundled_db, bundled_csvs, use_db, shown):
    from dashboard import data

    use_db(bundled_db)
    shared = Filters().params()
    slide = standard.kpi_slide(
        standard.overview_kpis(Filters()),
        data.query("theme_counts", **shared),
        data.query("location_suggestions", **shared),
    )
    pack = dict(slide.kpis)
    assert pack["Participants"] == shown["overview"]["Participants"] == shown["leadership"]["Participants"]
    assert pack["Members"] == shown["overview"]["Members"]
    finding = next(note for note in slide.notes if "applied to a leadership" in note)
    applicants = bundled_csvs["participation"]["member_id"].nunique()
    assert finding.startswith(f"{applicants:,} of {pack['Members']} members")
    assert f"{pack['Participants']} applications were accepted or completed (participants)" in finding
