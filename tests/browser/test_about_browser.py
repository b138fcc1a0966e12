"""In Chromium: a leader reaches About this data from every page, and the Overview's KPIs show their change."""

import re

import pandas as pd
import pytest
from playwright.sync_api import expect

from dashboard import config
from tests.browser.conftest import KPI_CARD, KPI_CHANGE, exceptions, goto, rerun, screenshot

pytestmark = pytest.mark.browser

PAGES = ["/", "/roadtrip", "/themes", "/review", "/leadership", "/profession", "/data"]


@pytest.mark.parametrize("path", PAGES)
def test_about_this_data_is_one_click_from_every_page(page, path):
    goto(page, path)
    link = page.locator('[data-testid="stMain"] [data-testid="stPageLink"] a').filter(has_text="About this data")
    expect(link).to_have_count(1)
    with rerun(page):
        link.click()
    # Retried, not read once: on a busy CI machine a run of the page left behind has been seen to finish first.
    expect(page).to_have_url(re.compile(r"/about(\?|$)"))
    expect(page.get_by_role("heading", name="About this data", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Glossary")).to_be_visible()
    assert exceptions(page) == []


def test_the_overview_kpis_show_their_change_and_what_it_is_against(page):
    participation = pd.read_csv(config.DATA_DIR / "participation.csv")
    accepted = participation[participation["status"].isin(["accepted", "completed"])].groupby("cohort_year").size()
    latest, previous = accepted.index[-1], accepted.index[-2]
    goto(page, "/")
    card = page.locator(KPI_CARD).filter(has_text=f"Participants, {latest} cohort")
    expect(card).to_have_count(1)
    waiting = participation[participation["cohort_year"].eq(latest) & participation["status"].eq("applied")]
    still_open = f"; {latest} decisions still open" if len(waiting) else ""
    change = f"{accepted[latest] - accepted[previous]:+,} against the {previous} cohort{still_open}"
    expect(card.locator(KPI_CHANGE)).to_have_text(change)
    screenshot(page, "overview_kpi_changes")
    assert exceptions(page) == []
