"""Smoke test: the Overview opens in a real browser and shows its KPIs, the latest cohort's with its change."""

import pytest

from tests.browser.conftest import KPI_CARD, KPI_LABEL, KPI_VALUE, exceptions, goto, screenshot

pytestmark = pytest.mark.browser

KPI_LABELS = [
    "Members",
    "Departments",
    "Workshops",
    "Locations",
    "Suggestions",
    "Miles travelled (reported)",
    "Participants",
    "Participants, 2025 cohort",
]


def test_overview_shows_its_kpis(page):
    goto(page, "/")
    labels = page.locator(f"{KPI_CARD} {KPI_LABEL}").all_inner_texts()
    screenshot(page, "smoke_overview")
    assert exceptions(page) == []
    assert [label.strip() for label in labels] == KPI_LABELS
    values = page.locator(f"{KPI_CARD} {KPI_VALUE}").all_inner_texts()
    assert all(value.strip() for value in values)
