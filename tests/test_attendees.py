"""Attendee sums built from the protected rollup's published numbers only, on a hand-made rollup."""

import pandas as pd
import pytest

from dashboard import attendees
from dashboard.disclosure import SUPPRESSED, TOTAL

NA = pd.NA
# Region A: location a (w1 and w2, both blanked; their location total 52 is shown) and location a2 (w4: 30).
# Region B: location b (w3: 50, and w5, which recorded no attendance). The tour: 132 attendees at 4 recording workshops.
# Written out in the order the attendee_totals query returns them.
ROLLUP = pd.DataFrame(
    [
        ("A", "a", "w1", 1, NA),
        ("A", "a", "w2", 1, NA),
        ("A", "a", TOTAL, 2, 52),
        ("A", "a2", "w4", 1, 30),
        ("A", "a2", TOTAL, 1, 30),
        ("A", TOTAL, TOTAL, 3, 82),
        ("B", "b", "w3", 1, 50),
        ("B", "b", "w5", 0, NA),
        ("B", "b", TOTAL, 1, 50),
        ("B", TOTAL, TOTAL, 1, 50),
        (TOTAL, TOTAL, TOTAL, 4, 132),
    ],
    columns=["region", "location_id", "workshop_id", "recorded_workshops", "attendees"],
).astype({"attendees": "Int64"})


@pytest.mark.parametrize(
    ("workshops", "expected"),
    [
        (["w1", "w2", "w3", "w4"], 132),  # the whole tour: its published total
        (["w1", "w2", "w3", "w4", "w5"], 132),  # w5 recorded nothing, so it changes nothing
        (["w1", "w2"], 52),  # location a's total, though both its workshops are blank
        (["w1", "w2", "w4"], 82),  # region A's total
        (["w1", "w2", "w3"], 102),  # location a (52) and region B (50)
        (["w4", "w3"], 80),  # two workshops' own numbers
        (["w3", "w5"], 50),
        (["w1"], NA),  # a blank workshop alone
        (["w2", "w4"], NA),  # a blank with a shown number: the sum would give the blank away
    ],
)
def test_a_sum_of_workshops_uses_the_coarsest_published_totals(workshops, expected):
    """Each sum is made of the coarsest published totals the chosen workshops fill, and is [c] if any piece is blank.

    Realistic bugs: summing the workshops' own (blanked) numbers, so two blank workshops make [c] where their location's
    52 is shown; a region taken as filled when only some of its workshops are chosen; a blank piece added as 0.
    """
    value = attendees.sum_of(ROLLUP, workshops)
    if expected is NA:
        assert value is NA
    else:
        assert value == expected and isinstance(value, int)


# A second rollup, for totals the first never needs: a location with two shown workshops (a: w1 40, w2 45); a region
# shown although both its locations are blank (B: 16); and a tour total shown although two regions are blank (C, D).
BLANK_PARTS = pd.DataFrame(
    [
        ("A", "a", "w1", 1, 40),
        ("A", "a", "w2", 1, 45),
        ("A", "a", TOTAL, 2, 85),
        ("A", TOTAL, TOTAL, 2, 85),
        ("B", "b1", "w3", 1, NA),
        ("B", "b1", TOTAL, 1, NA),
        ("B", "b2", "w4", 1, NA),
        ("B", "b2", TOTAL, 1, NA),
        ("B", TOTAL, TOTAL, 2, 16),
        ("C", "c", "w5", 1, NA),
        ("C", "c", TOTAL, 1, NA),
        ("C", TOTAL, TOTAL, 1, NA),
        ("D", "d", "w6", 1, NA),
        ("D", "d", TOTAL, 1, NA),
        ("D", TOTAL, TOTAL, 1, NA),
        (TOTAL, TOTAL, TOTAL, 6, 120),
    ],
    columns=["region", "location_id", "workshop_id", "recorded_workshops", "attendees"],
).astype({"attendees": "Int64"})


@pytest.mark.parametrize(
    ("workshops", "expected"),
    [
        (["w1"], 40),  # one of a location's two workshops: its own number
        (["w3", "w4"], 16),  # region B's total, though both its locations are blank
        (["w1", "w2", "w3", "w4", "w5", "w6"], 120),  # the tour's total, though regions C and D are blank
        (["w5", "w6"], NA),  # two blank regions: their sum would give the blanks away
    ],
)
def test_the_coarsest_published_total_is_used_even_when_its_parts_are_blank(workshops, expected):
    """Realistic bugs (each a mutant that survived the first rollup): a workshop's own number never read, so one of a
    location's workshops shows [c]; regions or the whole tour skipped for their parts, so a published total is shown
    as [c] because its parts are blank."""
    value = attendees.sum_of(BLANK_PARTS, workshops)
    if expected is NA:
        assert value is NA
    else:
        assert value == expected and isinstance(value, int)


def test_workshops_that_recorded_no_attendance_have_no_sum():
    """Workshops that recorded no attendance count no one: 'not recorded', never 0 or [c]."""
    assert attendees.sum_of(ROLLUP, []) is None
    assert attendees.sum_of(ROLLUP, ["w5"]) is None
    assert attendees.sum_of(ROLLUP, ["nowhere"]) is None
    assert attendees.text(attendees.sum_of(ROLLUP, ["w5"])) == "not recorded"


def test_one_summer_answers_many_sets_the_same_as_sum_of():
    """The Roadtrip page asks one summer for every map point; each answer must not depend on the ones before."""
    attendees_of = attendees.summer(ROLLUP)
    assert attendees_of(["w1", "w2"]) == 52
    assert attendees_of(["w1"]) is NA
    assert attendees_of(["w1", "w2"]) == 52
    assert attendees_of(["w4"]) == 30


def test_text_writes_a_count_a_blank_or_not_recorded():
    assert attendees.text(1234) == "1,234"
    assert attendees.text(NA) == SUPPRESSED
    assert attendees.text(None) == "not recorded"
    assert attendees.text(0) == "0"


def test_the_rollup_splits_into_workshops_locations_regions_and_the_total():
    """Each level of the rollup, as the pages read it; the region rows never include the tour total."""
    assert list(attendees.workshop_rows(ROLLUP)["workshop_id"]) == ["w1", "w2", "w4", "w3", "w5"]
    assert list(attendees.location_rows(ROLLUP)["location_id"]) == ["a", "a2", "b"]
    assert list(attendees.region_rows(ROLLUP)["region"]) == ["A", "B"]
    assert attendees.grand_total(ROLLUP) == 132
    assert attendees.grand_total(ROLLUP[ROLLUP["region"] != TOTAL]) is NA


def test_the_protected_rollup_follows_the_threshold_and_the_database(
    fixture_db, bundled_db, fixture_csvs, bundled_csvs, use_db, monkeypatch
):
    # Protected once and kept: a key without the threshold or the database would show one setting's or one import's
    # attendees under another.
    def tour_total() -> object:
        totals = attendees.protected_totals()
        return totals[(totals["region"] == TOTAL) & (totals["location_id"] == TOTAL)]["attendees"].iloc[0]

    use_db(fixture_db)
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    assert tour_total() == fixture_csvs["workshops"]["attendees"].sum() == 95
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "100")
    assert pd.isna(tour_total())
    use_db(bundled_db)
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    assert tour_total() == bundled_csvs["workshops"]["attendees"].sum() != 95
