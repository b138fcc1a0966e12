"""Links: a value in the URL that a page's own widget cannot take is dropped, and the page says so."""

import pytest

CASES = [
    (
        "dashboard/pages/roadtrip.py",
        {"roadtrip_location": "Atlantis"},
        "Ignored 1 unknown location value(s) in the link.",
    ),
    ("dashboard/pages/roadtrip.py", {"roadtrip_size": "maybe"}, "Ignored 1 unknown size value(s) in the link."),
    ("dashboard/pages/leadership.py", {"leadership_scheme": "Bogus"}, "Ignored 1 unknown scheme value(s) in the link."),
    (
        "dashboard/pages/leadership.py",
        {"leadership_cohorts": ["2021", "1999"]},
        "Ignored 1 unknown cohorts value(s) in the link.",
    ),
    ("dashboard/pages/leadership.py", {"leadership_grades": "ZZ"}, "Ignored 1 unknown grades value(s) in the link."),
    ("dashboard/pages/profession.py", {"profession_grade": "ZZ"}, "Ignored 1 unknown grade value(s) in the link."),
    (
        "dashboard/pages/profession.py",
        {"profession_background": "<script>"},
        "Ignored 1 unknown background value(s) in the link.",
    ),
]


@pytest.fixture(autouse=True)
def _bundled(bundled_db, use_db):
    use_db(bundled_db)


@pytest.mark.parametrize(("page", "query", "notice"), CASES)
def test_an_unknown_value_for_a_page_widget_is_dropped_with_a_notice(open_page, page, query, notice):
    app = open_page(page, query)
    assert not app.exception
    assert notice in [warning.value for warning in app.warning]


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("dashboard/pages/roadtrip.py", {"roadtrip_location": "Glasgow", "roadtrip_size": "true"}),
        ("dashboard/pages/leadership.py", {"leadership_scheme": "Future Leaders Scheme", "leadership_cohorts": "2021"}),
        ("dashboard/pages/profession.py", {"profession_grade": "G7", "profession_background": "Engineering"}),
    ],
)
def test_valid_values_raise_no_notice(open_page, page, query):
    app = open_page(page, query)
    assert not app.exception
    assert not [warning.value for warning in app.warning if "in the link" in warning.value]
