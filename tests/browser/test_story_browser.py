"""The board story in Chromium: an admin adds a chart, writes its title and commentary, presents it at room scale
(1920 x 1080 and 1280 x 720, no scrolling, chart text at least 18 px), reads the speaker notes and approves it."""

import pytest

from benchmarks.load import ARTIFACTS, serve
from tests.browser.conftest import exceptions, goto, new_context, rerun, screenshot
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_auth_browser import PROVIDER_ASSETS, SECRETS, provider, sign_in  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

ADMIN = "boss@go-science.gov.uk"
TITLE = "Members want CPD most"
COMMENTARY = "**Funded** training leads 🚀 <script>window.hacked = 1</script> مرحبا ![x](https://evil.example/x.png)"
# Every text plotly drew in the slide's chart, with its computed size; and how far the page would scroll.
MEASURE = """() => ({
    sizes: [...document.querySelectorAll('[data-testid="stPlotlyChart"] svg text')]
        .filter((text) => text.textContent.trim())
        .map((text) => parseFloat(getComputedStyle(text).fontSize)),
    documentHeight: document.documentElement.scrollHeight,
    mainHeight: Math.max(...[...document.querySelectorAll('[data-testid="stMain"]')].map((e) => e.scrollHeight)),
    viewport: window.innerHeight,
    headings: [...document.querySelectorAll('h1, h2, h3, [data-testid="stMarkdownContainer"] strong, .gtitle')]
        .map((e) => e.textContent.trim()),
})"""


def test_a_team_story_is_written_presented_at_room_scale_and_approved(browser, provider, tmp_path, bundled_db):  # noqa: F811
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(SECRETS.format(provider=provider, admin=ADMIN))
    team = tmp_path / "team" / "team.duckdb"
    env = {"STREAMLIT_SECRETS_FILES": str(secrets), "AUTHLIB_INSECURE_TRANSPORT": "1", "GSE_STORE_PATH": str(team)}
    outside: list[str] = []
    with serve(bundled_db, ARTIFACTS / "streamlit-story-server.log", extra_env=env) as server:
        context = new_context(browser, server.url, outside, viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        sign_in(page, ADMIN)
        goto(page, "/themes")
        with rerun(page):
            page.locator(".st-key-story_add_themes_bar button").first.click()
        goto(page, "/story")
        assert page.get_by_text("Next board meeting").first.is_visible()
        page.get_by_label("Title (empty: the slide's own headline)").fill(TITLE)
        page.get_by_label("Commentary (speaker notes; **bold**, *italics* and lists allowed)").fill(COMMENTARY)
        with rerun(page):
            page.get_by_role("button", name="Save as version 2").click()
        page.get_by_text("version 2", exact=False).first.wait_for()
        preview = page.locator(".st-key-story_preview_1")
        assert TITLE in preview.inner_text()
        # The commentary's Markdown: bold kept, the script and the image shown as text, never run or fetched.
        assert preview.locator("strong", has_text="Funded").count() == 1
        assert "<script>" in preview.inner_text() and page.evaluate("() => window.hacked") is None
        assert preview.locator("img").count() == 0
        assert sorted(set(blocking_violations(page))) == []
        screenshot(page, "story_desktop")
        page.set_viewport_size({"width": 390, "height": 844})
        screenshot(page, "story_phone")

        page.set_viewport_size({"width": 1920, "height": 1080})
        with rerun(page):
            page.get_by_role("button", name="Present this story").click()
        with rerun(page):
            page.keyboard.press("End")
        assert page.locator("h1").first.inner_text() == TITLE
        page.locator('[data-testid="stPlotlyChart"] svg text').first.wait_for()
        for width, height in ((1920, 1080), (1280, 720)):
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(500)  # plotly redraws on resize
            measured = page.evaluate(MEASURE)
            assert measured["sizes"] and min(measured["sizes"]) >= 18, (width, sorted(measured["sizes"])[:5])
            assert measured["documentHeight"] <= measured["viewport"], (width, measured)
            assert measured["mainHeight"] <= measured["viewport"], (width, measured)
            assert measured["headings"].count(TITLE) == 1, measured["headings"]
            assert sorted(set(blocking_violations(page))) == []
            screenshot(page, f"story_present_{width}x{height}")
        with rerun(page):
            page.keyboard.press("Home")
        assert page.locator("h1").first.inner_text() == "Next board meeting"
        with rerun(page):
            page.keyboard.press("PageDown")
        assert page.locator("h1").first.inner_text() == "Next board meeting: summary"

        notes = context.new_page()
        notes.set_viewport_size({"width": 1440, "height": 1000})
        goto(notes, page.get_by_role("link", name="Speaker notes").get_attribute("href"))
        notes.get_by_text("Next board meeting: summary").first.wait_for()
        with rerun(page):
            page.keyboard.press("End")
        notes.get_by_text(TITLE).first.wait_for()
        notes.locator("strong", has_text="Funded").first.wait_for()
        screenshot(notes, "story_speaker_notes")

        page.set_viewport_size({"width": 1440, "height": 1000})
        with rerun(page):
            page.get_by_role("button", name="Leave presentation").click()
        goto(page, "/story")
        with rerun(page):
            page.get_by_role("button", name="Approve for Next board meeting").click()
        history = page.locator('[data-testid="stDataFrame"]').last
        page.get_by_text("Approved for Next board meeting").first.wait_for()
        screenshot(page, "story_approved")
        assert exceptions(page) == []
        context.close()
    assert history is not None
    from dashboard import store
    from dashboard.story import stories

    rows = store.read("story_versions", {"story_id": None}, path=team)
    assert rows["action"].tolist() == ["approve", "edit", "create"]
    assert rows["saved_by"].tolist() == [ADMIN, ADMIN, ADMIN]
    assert stories is not None
    assert [url for url in outside if url not in PROVIDER_ASSETS] == []
