"""Theme review end to end: a signed-in reviewer changes a theme in Chromium, and the change outlives a rebuild."""

import shutil

import pytest

from benchmarks.load import ARTIFACTS, serve
from dashboard import build, config, store
from tests.browser.conftest import exceptions, goto, new_context, rerun, screenshot
from tests.browser.test_auth_browser import PROVIDER_ASSETS, SECRETS, provider, sign_in  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

REVIEWER = "ann.analyst@go-science.gov.uk"
# The Themes page's bar chart as plotly drew it (its arrays decoded): every part's bars, summed per theme label.
THEME_BAR_COUNTS = """() => {
    const chart = document.querySelector('.js-plotly-plot');
    const counts = {};
    for (const trace of chart._fullData) {
        const x = Array.from(trace.x);
        Array.from(trace.y).forEach((label, i) => { counts[label] = (counts[label] || 0) + Number(x[i]); });
    }
    return counts;
}"""


def theme_counts(page) -> dict[str, int]:
    goto(page, "/themes")
    page.locator(".js-plotly-plot").first.wait_for()
    return page.evaluate(THEME_BAR_COUNTS)


def test_a_reviewer_changes_a_theme_and_it_survives_a_rebuild_and_a_new_server(browser, provider, tmp_path):  # noqa: F811
    folder, db, team = tmp_path / "data", tmp_path / "gse.duckdb", tmp_path / "team" / "team.duckdb"
    shutil.copytree(config.DATA_DIR, folder)
    build.build_bundled(folder, db)
    secrets = tmp_path / "secrets.toml"
    # [gse] is the last table of the sign-in test's settings, so a line added at the end belongs to it.
    secrets.write_text(
        SECRETS.format(provider=provider, admin="boss@go-science.gov.uk") + f'reviewers = ["{REVIEWER}"]\n'
    )
    env = {"STREAMLIT_SECRETS_FILES": str(secrets), "AUTHLIB_INSECURE_TRANSPORT": "1", "GSE_STORE_PATH": str(team)}
    outside: list[str] = []

    with serve(db, ARTIFACTS / "streamlit-review-server.log", extra_env=env) as server:
        context = new_context(browser, server.url, outside)
        page = context.new_page()
        sign_in(page, REVIEWER)
        before = theme_counts(page)
        goto(page, "/review")
        screenshot(page, "review_desktop")
        assert exceptions(page) == []
        # A button's text is its label, then the key that presses it ("Confirm Inclusion\n\nY").
        current = page.get_by_role("button", name="Confirm ").inner_text().splitlines()[0].removeprefix("Confirm ")
        candidates = page.locator('[class*="st-key-review_candidate_"] button').all_inner_texts()
        # The first candidate whose theme is not the current one: a change, not a confirmation.
        themes = [text.splitlines()[0].rsplit(",", 1)[0] for text in candidates]
        target = next(theme for theme in themes if theme != current)
        with rerun(page):
            page.get_by_role("button", name=f"{target},").first.click()
        assert page.get_by_text("Recorded 1 decision.").is_visible()
        after = theme_counts(page)
        screenshot(page, "review_themes_after_change")
        assert after[current] == before[current] - 1
        assert after[target] == before[target] + 1
        context.close()

    log = store.read("decision_log", {"suggestion_id": None}, path=team)
    assert log["decided_by"].tolist() == [REVIEWER]

    build.build_bundled(folder, db)  # a rebuild replaces the analytic database; the team's store is untouched
    with serve(db, ARTIFACTS / "streamlit-review-server-2.log", extra_env=env) as server:
        context = new_context(browser, server.url, outside)
        page = context.new_page()
        sign_in(page, REVIEWER)
        assert theme_counts(page) == after
        context.close()
    assert [url for url in outside if url not in PROVIDER_ASSETS] == []


def test_the_review_page_reads_well_on_a_phone(browser, app_url):
    outside: list[str] = []
    context = new_context(browser, app_url, outside, viewport={"width": 390, "height": 844})
    page = context.new_page()
    goto(page, "/review")
    screenshot(page, "review_phone")
    assert exceptions(page) == []
    widest = page.evaluate("() => document.documentElement.scrollWidth")
    assert widest <= 390
    assert page.get_by_text("recorded as “local”").is_visible()
    context.close()
    assert outside == []


@pytest.mark.parametrize("touch", [False, True])
def test_keyboard_shortcuts_are_offered_only_where_there_are_keys(browser, app_url, touch):
    outside: list[str] = []
    settings = {"viewport": {"width": 768, "height": 1024}, "has_touch": touch, "is_mobile": touch}
    context = new_context(browser, app_url, outside, **settings)
    page = context.new_page()
    goto(page, "/review")
    badge = page.locator("button kbd", has_text="N").first
    keys = page.get_by_text("Keys: Y confirms")
    badge.wait_for(state="attached")
    # A tablet in a keyboard's case shows both; a touch screen neither, its buttons still there to tap.
    assert (badge.is_visible(), keys.is_visible()) == (not touch, not touch)
    assert page.get_by_role("button", name="None of these themes fits").is_visible()
    context.close()
    assert outside == []
