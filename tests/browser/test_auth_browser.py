"""Sign-in end to end: Chromium, a real streamlit server with [auth] set up, and a mock OpenID Connect provider."""

import re
import shutil
import threading
from itertools import cycle

import pandas as pd
import pytest
import werkzeug.serving

from benchmarks.load import ARTIFACTS, free_port, serve
from dashboard import build
from tests.browser.conftest import KPI_CARD, exceptions, new_context, screenshot, wait_for_app
from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser

ALLOWED, ADMIN, STRANGER = "someone@go-science.gov.uk", "boss@go-science.gov.uk", "someone@elsewhere.example"
# Suggestion text that would fetch or link to another site if a page rendered it instead of showing it.
HOSTILE_TEXT = [
    "![tracker](http://evil.example/pixel.png)",
    "<img src=http://evil.example/img.png>",
    "[click](http://evil.example/link)",
    "<http://evil.example/autolink>",
]
# The mock provider's own pages ask for this stylesheet; the request is blocked like any other, and is not the app's.
PROVIDER_ASSETS = {"https://cdn.jsdelivr.net/npm/@picocss/pico@2/css/pico.min.css"}
SECRETS = """
[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "browser-test-cookie-secret-0123456789abcdef"
client_id = "gse-insight-browser-test"
client_secret = "browser-test-client-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[gse]
allow = ["@go-science.gov.uk"]
admins = ["{admin}"]
access_contact = "the GSE team"
"""


@pytest.fixture(scope="module")
def provider():
    """A mock OpenID Connect provider on loopback: whoever types an address at its form signs in as that address."""
    import oidc_provider_mock

    with pytest.MonkeyPatch.context() as patch:
        # The provider speaks plain http on loopback, which Authlib refuses unless told this is a test.
        patch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
        server = werkzeug.serving.make_server("127.0.0.1", free_port(), oidc_provider_mock.app(), threaded=True)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            thread.join(timeout=10)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    """The fixture data with markup that points off the machine in front of every suggestion."""
    folder = tmp_path_factory.mktemp("auth_browser_csvs")
    for csv in FIXTURES.glob("*.csv"):
        shutil.copy(csv, folder / csv.name)
    suggestions = pd.read_csv(folder / "suggestions.csv", keep_default_na=False, dtype=str)
    suggestions["text"] = [f"{markup} {text}" for markup, text in zip(cycle(HOSTILE_TEXT), suggestions["text"])]
    suggestions.to_csv(folder / "suggestions.csv", index=False)
    path = tmp_path_factory.mktemp("auth_browser") / "gse.duckdb"
    build.build_bundled(folder, path)
    return path


@pytest.fixture(scope="module")
def auth_url(provider, hostile_db, tmp_path_factory):
    """This module's own streamlit server, with sign-in set up by a temporary secrets.toml (never the repo's)."""
    secrets = tmp_path_factory.mktemp("auth_secrets") / "secrets.toml"
    secrets.write_text(SECRETS.format(provider=provider, admin=ADMIN))
    env = {"STREAMLIT_SECRETS_FILES": str(secrets), "AUTHLIB_INSECURE_TRANSPORT": "1"}
    with serve(hostile_db, ARTIFACTS / "streamlit-auth-server.log", extra_env=env) as server:
        yield server.url


@pytest.fixture
def visitor(browser, auth_url, provider):
    """A fresh browser context (no cookies) on the signed-in app; fails if anything left this machine."""
    outside: list[str] = []
    context = new_context(browser, auth_url, outside)
    page = context.new_page()
    yield page
    context.close()
    # `outside` holds only requests bound off this machine (local ones go through), and only the provider's stylesheet
    # is excused. The app's own favicon once was one: Streamlit's frontend turns `page_icon=":material/science:"` into
    # https://fonts.gstatic.com/s/i/short-term/release/materialsymbolsrounded/science/default/24px.svg. streamlit_app.py
    # now uses a local favicon, and this check keeps it that way.
    outside = [url for url in outside if url not in PROVIDER_ASSETS]
    assert not outside, f"the app tried to reach outside this machine: {sorted(set(outside))}"


def sign_in(page, email: str) -> None:
    """Open the app, press Sign in, and type an address at the provider's form."""
    page.goto("/")
    wait_for_app(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/oauth2/authorize"))
    page.locator('input[name="sub"]').fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/(\?.*)?$"))
    wait_for_app(page)


def sign_out(page) -> None:
    """Press Sign out, end the session at the provider (it offers an end-session page), and land on the app again."""
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/oauth2/end_session"))
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/(\?.*)?$"))
    wait_for_app(page)


def navigation(page) -> list[str]:
    # Each link's text starts with its icon's ligature name ("forum\n\nSuggestion themes"); the title is the last line.
    return [text.strip().splitlines()[-1] for text in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]


def shows_no_data(page) -> None:
    assert page.locator(KPI_CARD).count() == 0
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    assert page.locator('[data-testid="stMultiSelect"]').count() == 0
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0


def test_signed_out_visitor_sees_only_sign_in(visitor):
    visitor.goto("/themes")
    wait_for_app(visitor)
    screenshot(visitor, "auth_signed_out")
    shows_no_data(visitor)
    assert visitor.get_by_role("button", name="Sign in").is_visible()
    assert exceptions(visitor) == []


def test_allowed_member_gets_in_without_the_data_page_and_can_sign_out(visitor):
    sign_in(visitor, ALLOWED)
    screenshot(visitor, "auth_signed_in_member")
    assert exceptions(visitor) == []
    assert visitor.get_by_text(f"Signed in as {ALLOWED}", exact=True).is_visible()
    assert visitor.locator(KPI_CARD).count() >= 5
    assert "Data" not in navigation(visitor)
    assert "Suggestion themes" in navigation(visitor)

    visitor.goto("/data")
    wait_for_app(visitor)
    screenshot(visitor, "auth_member_opens_data_link")
    assert visitor.get_by_role("dialog").get_by_text("Page not found").is_visible()
    assert visitor.get_by_role("heading", name="Data", exact=True).count() == 0
    assert visitor.locator('[data-testid="stFileUploader"]').count() == 0
    visitor.keyboard.press("Escape")
    visitor.get_by_role("dialog").wait_for(state="detached")

    sign_out(visitor)
    screenshot(visitor, "auth_signed_out_again")
    shows_no_data(visitor)
    assert visitor.get_by_role("button", name="Sign in").is_visible()
    visitor.goto("/themes")
    wait_for_app(visitor)
    shows_no_data(visitor)


def test_someone_not_on_the_list_sees_no_data(visitor):
    sign_in(visitor, STRANGER)
    screenshot(visitor, "auth_no_access")
    assert visitor.get_by_role("heading", name="No access").is_visible()
    assert visitor.get_by_text(STRANGER, exact=False).is_visible()
    shows_no_data(visitor)
    for path in ("/themes", "/roadtrip", "/data"):
        visitor.goto(path)
        wait_for_app(visitor)
        shows_no_data(visitor)
    sign_out(visitor)
    assert visitor.get_by_role("button", name="Sign in").is_visible()


def test_admin_gets_the_data_page(visitor):
    sign_in(visitor, ADMIN)
    assert "Data" in navigation(visitor)
    visitor.goto("/data")
    wait_for_app(visitor)
    assert exceptions(visitor) == []
    assert visitor.get_by_role("heading", name="Data").first.is_visible()


def test_suggestion_markup_is_shown_as_text_not_rendered(visitor):
    sign_in(visitor, ALLOWED)
    for path in ("/themes", "/roadtrip"):
        visitor.goto(path)
        wait_for_app(visitor)
        screenshot(visitor, f"auth_hostile_{path.strip('/')}")
        assert exceptions(visitor) == []
        live = visitor.locator('[data-testid="stMain"]').locator('a[href*="evil"], img[src*="evil"]')
        assert live.evaluate_all("(found) => found.map((element) => element.outerHTML)") == [], path
