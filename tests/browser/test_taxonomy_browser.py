"""A changing taxonomy end to end: an admin promotes an emerging theme, a reviewer confirms two of its suggestions,
the Themes page and the board pack count them, and a link naming the theme's old label still opens it."""

import io
import re
import shutil
from urllib.parse import parse_qs, quote, urlsplit

import pandas as pd
import pytest
from playwright.sync_api import expect
from pptx import Presentation

from benchmarks.load import ARTIFACTS, serve
from dashboard import build, config, store
from dashboard.review import taxonomy
from tests.browser.conftest import chosen, exceptions, goto, new_context, rerun, screenshot
from tests.browser.test_auth_browser import PROVIDER_ASSETS, SECRETS, provider, sign_in  # noqa: F401 (a fixture)
from tests.browser.test_review_browser import REVIEWER, theme_counts
from tests.test_review import raw

pytestmark = pytest.mark.browser

ADMIN = "boss@go-science.gov.uk"
LABEL, RENAMED = "Digital kit", "Digital tools and IT"


def board_pack_theme_counts(page) -> dict[str, int]:
    """The board pack's suggestion-themes chart, downloaded from the sidebar, as {label: suggestions}."""
    with page.expect_download() as arrival:
        page.get_by_role("button", name="Download board pack (PowerPoint)").click()
    deck = Presentation(io.BytesIO(open(arrival.value.path(), "rb").read()))  # noqa: SIM115 (read whole, then closed)
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_chart and {"CPD", "Careers"} <= set(shape.chart.plots[0].categories):
                plot = shape.chart.plots[0]
                return dict(zip(plot.categories, (int(value) for value in plot.series[0].values), strict=True))
    raise AssertionError("the board pack has no themes chart")


def test_an_admin_promotes_a_theme_a_reviewer_confirms_two_and_every_view_follows(browser, provider, tmp_path):  # noqa: F811
    folder, db, team = tmp_path / "data", tmp_path / "gse.duckdb", tmp_path / "team" / "team.duckdb"
    shutil.copytree(config.DATA_DIR, folder)
    build.build_bundled(folder, db)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(SECRETS.format(provider=provider, admin=ADMIN) + f'reviewers = ["{REVIEWER}"]\n')
    env = {"STREAMLIT_SECRETS_FILES": str(secrets), "AUTHLIB_INSECURE_TRANSPORT": "1", "GSE_STORE_PATH": str(team)}
    outside: list[str] = []
    # Expected counts, independently of the app: each theme's suggestions as the build tagged them.
    tagged = raw(db, "select suggestion_id, themes.label from suggestions join themes using (theme_id)")
    before = tagged["label"].value_counts().to_dict()

    with serve(db, ARTIFACTS / "streamlit-taxonomy-server.log", extra_env=env) as server:
        admin = new_context(browser, server.url, outside).new_page()
        sign_in(admin, ADMIN)
        goto(admin, "/taxonomy")
        screenshot(admin, "taxonomy_desktop")
        candidate = admin.locator(".st-key-taxonomy_candidate_1")
        candidate.get_by_text("Promote to a new theme").click()
        candidate.get_by_label("Label").fill(LABEL)
        candidate.get_by_label("Description").fill("Laptops, VPN, software and the kit to do the work.")
        with rerun(admin):
            candidate.get_by_role("button", name="Promote").click()
        expect(admin.get_by_text("they wait in the review queue")).to_be_visible()
        assert exceptions(admin) == []

        reviewer = new_context(browser, server.url, outside).new_page()
        sign_in(reviewer, REVIEWER)
        for _ in range(2):
            goto(reviewer, "/review")
            with rerun(reviewer):
                reviewer.get_by_role("button", name=f"Confirm {LABEL}").click()
            assert reviewer.get_by_text("Recorded 1 decision.").is_visible()
        screenshot(reviewer, "review_proposed_desktop")
        assert exceptions(reviewer) == []

        log = store.read("decision_log", {"suggestion_id": None}, path=team)
        proposed = store.read("candidate_decisions", path=team)
        assert log["decided_by"].tolist() == [REVIEWER, REVIEWER]
        assert set(log["suggestion_id"]) <= set(proposed.at[0, "suggestion_ids"])
        confirmed = tagged[tagged["suggestion_id"].isin(log["suggestion_id"])]["label"].value_counts()
        expected = {label: count - int(confirmed.get(label, 0)) for label, count in before.items()}
        expected = {label: count for label, count in expected.items() if count} | {LABEL: 2}

        counted = theme_counts(reviewer)
        assert counted == expected
        goto(reviewer, "/")
        assert board_pack_theme_counts(reviewer) == expected

        # The admin renames the new theme; a link made before, naming the old label, opens the renamed theme.
        goto(admin, "/taxonomy")
        admin.get_by_role("tab", name="Rename").click()
        admin.locator(".st-key-taxonomy_rename_theme input").click()
        admin.get_by_role("option", name=LABEL).click()
        admin.locator(".st-key-taxonomy_rename_label input").fill(RENAMED)
        with rerun(admin):
            admin.get_by_role("button", name="Rename", exact=True).click()
        expect(admin.get_by_text("Renamed the theme.")).to_be_visible()  # after the label's own rerun
        goto(reviewer, f"/themes?theme={quote(LABEL)}")
        expect(reviewer.get_by_text(f"The link's theme “{LABEL}” is now “{RENAMED}”")).to_be_visible()
        reviewer.locator(".js-plotly-plot").first.wait_for()
        assert reviewer.evaluate("() => Array.from(document.querySelector('.js-plotly-plot')._fullData[0].y)") == [
            RENAMED
        ]
        screenshot(reviewer, "themes_old_link_desktop")
        assert exceptions(reviewer) == []
    assert [url for url in outside if url not in PROVIDER_ASSETS] == []


def test_an_old_link_leaves_the_address_naming_the_theme_now(browser, bundled_db, tmp_path):
    team = tmp_path / "team" / "team.duckdb"
    # Mentoring merged into Careers, written straight to a store of this test's own, before the server opens it.
    themes = pd.read_csv(config.DATA_DIR / "themes.csv")
    merge = taxonomy.plan(
        "merge",
        taxonomy.apply(themes, pd.DataFrame()),
        held={},
        who="test",
        request_id="merge-mentoring",
        theme_id="mentoring",
        into="careers",
    )
    store.append_taxonomy(merge, path=team)
    store.close_all()  # the server's process opens the file next
    outside: list[str] = []
    log = ARTIFACTS / "streamlit-taxonomy-link-server.log"
    with serve(bundled_db, log, extra_env={"GSE_STORE_PATH": str(team)}) as server:
        page = new_context(browser, server.url, outside, viewport={"width": 390, "height": 844}).new_page()
        goto(page, "/themes?theme=Mentoring&theme=CPD")
        expect(page.get_by_text("The link's theme “Mentoring” is now “Careers”")).to_be_visible()
        # The address bar names the theme the page shows, so the address a user copies shares this view.
        expect(page).to_have_url(re.compile(r"theme=Careers"))
        assert parse_qs(urlsplit(page.url).query)["theme"] == ["Careers", "CPD"]
        assert urlsplit(page.url).path == "/themes"
        screenshot(page, "themes_old_link_phone")
        copied = page.url
        assert exceptions(page) == []

        shared = new_context(browser, server.url, outside).new_page()
        goto(shared, copied)
        assert sorted(chosen(shared, "Themes")) == ["CPD", "Careers"]
        assert shared.get_by_text("is now “Careers”").count() == 0  # nothing to follow: the link is current
        assert parse_qs(urlsplit(shared.url).query)["theme"] == ["Careers", "CPD"]
        assert exceptions(shared) == []
    assert outside == []
