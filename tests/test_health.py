"""The taxonomy's health checks: small themes, near-duplicate labels, themes reviewers confuse, and the Data page."""

import pandas as pd

from dashboard.review import health
from tests.test_review import raw


def test_a_theme_needs_five_suggestions_or_a_thousandth_of_them():
    assert [health.smallest_allowed(total) for total in (0, 1470, 5000, 5001, 73500)] == [5, 5, 5, 6, 74]
    frame = pd.DataFrame(
        {"label": ["CPD", "Mentoring", "Skills"], "suggestions": [1460, 4, 6], "all_suggestions": [1470] * 3}
    )
    assert health.small_themes(frame) == [
        "Mentoring holds 4 suggestions; a theme needs at least 5 (5, or 0.1% of all suggestions if more). "
        "Merge it into another theme or retire it."
    ]
    big = frame.assign(suggestions=[9_900, 9, 91], all_suggestions=[10_000] * 3)
    assert [line.split(" holds")[0] for line in health.small_themes(big)] == ["Mentoring"]


def test_near_duplicate_labels_are_found_and_different_ones_are_not():
    labels = {
        "careers": "Career paths",
        "paths": "Careers path",
        "ld": "Learning & development",
        "ld2": "Learning and Development",
        "cpd": "CPD",
        "skills": "Skills and tools",
    }
    found = health.similar_labels(labels)
    assert len(found) == 2
    assert found[0].startswith('"Career paths" and "Careers path" are near-duplicate labels')
    assert found[1].startswith(
        '"Learning & development" and "Learning and Development" are near-duplicate labels (100%'
    )


def pairs(*rows: tuple[str, str | None, int]) -> pd.DataFrame:
    """Checked machine tags: (classifier's theme, reviewer's theme, how many)."""
    expanded = [(classifier, reviewer) for classifier, reviewer, count in rows for _ in range(count)]
    return pd.DataFrame(expanded, columns=["classifier_theme_id", "reviewer_theme_id"])


def test_themes_reviewers_often_move_tags_between_are_candidate_merges():
    labels = {"cpd": "CPD", "skills": "Skills", "careers": "Careers"}
    # CPD and Skills: 4 + 2 moved, of 24 checked tags either side called CPD or Skills (the 4 Careers moved to CPD
    # count): 25%, the least share that flags. Careers and CPD: 4 moved, under 5.
    checked = pairs(("cpd", "skills", 4), ("skills", "cpd", 2), ("cpd", "cpd", 10), ("skills", "skills", 4))
    checked = pd.concat([checked, pairs(("careers", "cpd", 4), ("careers", "careers", 1), ("careers", None, 3))])
    assert health.confused_themes(checked, labels) == [
        "Reviewers moved 6 of the 24 checked machine tags in CPD or Skills from one to the other (25%). "
        "Consider merging them, or sharpening their descriptions."
    ]
    # One more confirmed CPD tag: 6 of 25 is 24%, under the share, so not a candidate.
    assert health.confused_themes(pd.concat([checked, pairs(("cpd", "cpd", 1))]), labels) == []


def test_the_data_page_lists_the_fixtures_small_themes(fixture_db, use_db, open_page):
    use_db(fixture_db)
    app = open_page("dashboard/pages/data.py")
    assert not app.exception, [exception.message for exception in app.exception]
    counts = raw(
        fixture_db,
        "select label, count(suggestion_id) as n from themes left join suggestions using (theme_id) group by label",
    )
    expected = {row.label: row.n for row in counts.itertuples() if row.n < 5}
    shown = [text.value for text in app.text if " holds " in text.value]
    assert sorted(line.removeprefix("• ").split(" holds ")[0] for line in shown) == sorted(expected)
    for line in shown:
        label = line.removeprefix("• ").split(" holds ")[0]
        assert f" holds {expected[label]} suggestion" in line
