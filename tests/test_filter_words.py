"""The filters in words, as every caption, download cover and pack shows them: each expected sentence written by hand."""

from datetime import date

import pandas as pd
import pytest

from dashboard.filters import Filters, describe

# Choices in an order of their own, so that a label looked up by position rather than by id comes out wrong.
CHOICES = {
    "themes": pd.DataFrame({"theme_id": ["mentoring", "cpd"], "label": ["Mentoring", "CPD"]}),
    "locations": pd.DataFrame({"location_id": ["gla", "lon"], "name": ["Glasgow", "London"]}),
    "departments": pd.DataFrame(
        {"department_id": ["mod", "ea"], "name": ["Ministry of Defence", "Environment Agency"]}
    ),
}


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (Filters(), "No filters: all data."),
        (Filters(theme_ids=("cpd",)), "Themes: CPD."),
        (Filters(theme_ids=("cpd", "mentoring")), "Themes: CPD, Mentoring."),
        (Filters(nations=("Scotland", "Wales")), "Nations: Scotland, Wales."),
        (Filters(location_ids=("lon",)), "Locations: London."),
        (Filters(department_ids=("ea",)), "Departments: Environment Agency."),
        (Filters(date_from=date(2025, 3, 5)), "Dates: 2025-03-05 to end."),
        (Filters(date_to=date(2025, 7, 9)), "Dates: start to 2025-07-09."),
        (
            Filters(
                theme_ids=("mentoring",),
                nations=("England",),
                location_ids=("gla", "lon"),
                department_ids=("mod",),
                date_from=date(2025, 3, 5),
                date_to=date(2025, 7, 9),
            ),
            "Themes: Mentoring; Nations: England; Locations: Glasgow, London; Departments: Ministry of Defence; "
            "Dates: 2025-03-05 to 2025-07-09.",
        ),
    ],
    ids=["none", "theme", "themes", "nations", "location", "department", "from", "to", "all"],
)
def test_the_filters_read_as_written(chosen, expected):
    assert describe(chosen, CHOICES) == expected
