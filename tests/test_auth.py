"""Sign-in gate: who gets in, who sees the Data page, and what a refused visitor sees (no data)."""

import re
import tomllib

import pytest
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from dashboard import auth
from dashboard.auth import AccessList, AccessSettingsError, Viewer, decide, is_loopback, providers
from dashboard.config import ROOT
from tests.conftest import ENTRY, kpis

AUTH = {
    "redirect_uri": "http://localhost:{port}/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-that-is-long-enough",
    "client_id": "gse-insight",
    "client_secret": "not-a-secret",
    "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
}
GSE = {"allow": ["@go-science.gov.uk", "Named.Person@dsit.gov.uk"], "admins": ["boss@go-science.gov.uk"]}
SIGNED_IN = {"is_logged_in": True}


def access(**settings) -> AccessList:
    return AccessList.from_settings(settings)


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        ("someone@go-science.gov.uk", True),
        ("SomeOne@GO-SCIENCE.gov.uk", True),
        ("  someone@go-science.gov.uk ", True),
        ("named.person@dsit.gov.uk", True),
        ("boss@go-science.gov.uk", True),
        ("other.person@dsit.gov.uk", False),
        ("someone@sub.go-science.gov.uk", False),
        ("someone@evilgo-science.gov.uk", False),
        ("someone@go-science.gov.uk.evil.example", False),
        ("someone@evil.example@go-science.gov.uk", False),
        ("someone@go-science.gov.uk\n", True),  # trailing whitespace is trimmed...
        ("some\x00one@go-science.gov.uk", False),  # ...but control characters inside are refused
        ("some one@go-science.gov.uk", False),
        ("@go-science.gov.uk", False),
        ("go-science.gov.uk", False),
        ("", False),
        (None, False),
        (["someone@go-science.gov.uk"], False),
    ],
)
def test_allow_list_matches_whole_addresses_and_whole_domains(email, allowed):
    assert access(**GSE).allows(email) is allowed


def test_admins_are_let_in_and_matched_without_case():
    rules = access(allow=[], admins=["Boss@Go-Science.gov.uk"])
    assert rules.allows("boss@go-science.gov.uk")
    assert rules.is_admin("BOSS@go-science.gov.uk")
    assert not rules.is_admin("someone@go-science.gov.uk")
    assert not rules.allows("someone@go-science.gov.uk")


def test_an_empty_allow_list_lets_nobody_but_admins_in():
    assert not access().allows("anyone@go-science.gov.uk")


@pytest.mark.parametrize(
    "settings",
    [
        {"allow": ["go-science.gov.uk"]},
        {"allow": ["*@go-science.gov.uk", "@"]},
        {"allow": 5},
        {"allow": [["@go-science.gov.uk"]]},
        {"admins": ["@go-science.gov.uk"]},
        {"admins": ["boss"]},
    ],
)
def test_malformed_settings_are_an_error_not_a_wider_door(settings):
    with pytest.raises(AccessSettingsError):
        AccessList.from_settings(settings)


def test_a_single_string_is_read_as_a_one_item_list():
    assert access(allow="@go-science.gov.uk").domains == {"go-science.gov.uk"}


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),
        (None, False),
        ("gse.example.gov.uk", False),
        ("192.0.2.10", False),
    ],
)
def test_loopback_addresses(address, loopback):
    assert is_loopback(address) is loopback


@pytest.mark.parametrize(
    ("user", "settings", "address", "expected"),
    [
        ({}, {}, "localhost", Viewer(None, is_admin=True, is_reviewer=True)),
        ({}, {}, None, "not_served"),
        ({}, {}, "0.0.0.0", "not_served"),
        ({}, {"serve_without_sign_in": True}, "0.0.0.0", Viewer(None, is_admin=False)),
        ({}, {"serve_without_sign_in": "yes"}, "0.0.0.0", "not_served"),
    ],
)
def test_without_auth_the_app_serves_only_its_own_machine(user, settings, address, expected):
    verdict = decide(user, {}, settings, address)
    assert (verdict.viewer or verdict.refusal) == expected


@pytest.mark.parametrize(
    ("user", "settings", "expected"),
    [
        ({"is_logged_in": False}, GSE, "sign_in"),
        ({"email": "someone@go-science.gov.uk"}, GSE, "sign_in"),
        ({"is_logged_in": "true", "email": "someone@go-science.gov.uk"}, GSE, "sign_in"),
        ({**SIGNED_IN, "email": "someone@go-science.gov.uk"}, GSE, Viewer("someone@go-science.gov.uk", False)),
        ({**SIGNED_IN, "email": "Boss@go-science.gov.uk"}, GSE, Viewer("boss@go-science.gov.uk", True, True)),
        ({**SIGNED_IN, "email": "someone@elsewhere.example"}, GSE, "no_access"),
        ({**SIGNED_IN, "email": "someone@go-science.gov.uk", "email_verified": False}, GSE, "no_access"),
        (
            {**SIGNED_IN, "email": "someone@go-science.gov.uk", "email_verified": True},
            GSE,
            Viewer("someone@go-science.gov.uk", False),
        ),
        ({**SIGNED_IN}, GSE, "no_access"),
        (
            {**SIGNED_IN, "email": "private@gmail.example", "preferred_username": "someone@go-science.gov.uk"},
            {**GSE, "email_claim": "preferred_username"},
            Viewer("someone@go-science.gov.uk", False),
        ),
    ],
)
def test_with_auth_only_signed_in_allowed_people_get_in(user, settings, expected):
    verdict = decide(user, AUTH, settings, "0.0.0.0")
    assert (verdict.viewer or verdict.refusal) == expected


@pytest.mark.parametrize(
    ("claim", "let_in"),
    [
        (True, True),
        ("true", True),
        ("TRUE", True),
        (" True ", True),
        (False, False),
        ("false", False),
        ("False", False),
        ("FALSE", False),
        ("no", False),
        ("0", False),
        ("", False),
        (0, False),
        (1, False),
        ("yes", False),
        ([True], False),
    ],
)
def test_only_a_true_email_verified_claim_counts_as_verified(claim, let_in):
    user = {**SIGNED_IN, "email": "someone@go-science.gov.uk", "email_verified": claim}
    verdict = decide(user, AUTH, GSE, "0.0.0.0")
    assert (verdict.viewer is not None) is let_in, verdict


def test_an_absent_email_verified_claim_is_left_to_the_allow_list():
    # Many providers never send the claim; the allow-list still decides (documented in README, Access and sign-in).
    allowed = decide({**SIGNED_IN, "email": "someone@go-science.gov.uk"}, AUTH, GSE, "0.0.0.0")
    assert allowed.viewer == Viewer("someone@go-science.gov.uk", False)
    refused = decide({**SIGNED_IN, "email": "someone@elsewhere.example"}, AUTH, GSE, "0.0.0.0")
    assert refused.refusal == "no_access"


def test_providers_are_named_tables_with_a_client_id():
    assert providers(AUTH | {"client_kwargs": {"prompt": "login"}}) == [None]
    named = {"redirect_uri": "x", "cookie_secret": "y", "microsoft": {"client_id": "a"}, "okta": {"client_id": "b"}}
    assert providers(named) == ["microsoft", "okta"]


def test_pages_for_hides_admin_pages_from_everyone_else():
    class Page:
        def __init__(self, url_path):
            self.url_path = url_path

    pages = [Page(""), Page("themes"), Page("data")]
    assert [page.url_path for page in auth.pages_for(Viewer("a@b.c", False), pages)] == ["", "themes"]
    assert [page.url_path for page in auth.pages_for(Viewer("a@b.c", True), pages)] == ["", "themes", "data"]


def test_the_secrets_example_documents_every_setting_and_is_valid():
    example_text = (ROOT / ".streamlit" / "secrets.example.toml").read_text()
    example = tomllib.loads(example_text)
    source = (ROOT / "dashboard" / "auth.py").read_text()
    read = set(re.findall(r'(?:settings|_secrets_section\(SECTION\))\.get\("(\w+)"', source))
    read |= set(re.findall(r'_entries\(settings, "(\w+)"\)', source))
    assert read >= {"allow", "admins", "email_claim", "access_contact", "serve_without_sign_in"}
    assert read <= set(example["gse"]), f"undocumented: {read - set(example['gse'])}"
    for key in ("redirect_uri", "cookie_secret"):
        assert key in example["auth"]
    assert {"client_id", "client_secret", "server_metadata_url"} <= set(example["auth"]["microsoft"])
    assert AccessList.from_settings(example["gse"]).allows("someone@go-science.gov.uk")
    assert example["gse"]["serve_without_sign_in"] is False


def test_real_secrets_are_git_ignored_and_absent():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".streamlit/secrets.toml" in ignored


def session(db, use_db, user: dict | None = None, gse: dict | None = None, with_auth: bool = True) -> AppTest:
    """The whole app under AppTest, with sign-in configured and a given user."""
    use_db(db)
    app = AppTest.from_file(ENTRY, default_timeout=60)
    if with_auth:
        app.secrets["auth"] = AUTH
    app.secrets["gse"] = GSE if gse is None else gse
    if user is not None:
        app.user = user
    return app.run()


def shows_no_data(app: AppTest) -> None:
    assert not app.exception, [exception.message for exception in app.exception]
    assert not kpis(app)
    assert not app.dataframe
    assert not app.multiselect
    assert not app.date_input
    assert not app.sidebar.children or not any(element.type in {"multiselect", "date_input"} for element in app.sidebar)


def test_signed_out_visitor_sees_only_the_sign_in_button(fixture_db, use_db):
    app = session(fixture_db, use_db, user={"is_logged_in": False})
    shows_no_data(app)
    assert [button.label for button in app.button] == ["Sign in"]
    assert "Sign in" in app.text[0].value


def test_a_link_to_a_page_does_not_skip_sign_in(fixture_db, use_db):
    use_db(fixture_db)
    app = AppTest.from_file(ENTRY, default_timeout=60)
    app.secrets["auth"] = AUTH
    app.secrets["gse"] = GSE
    app.user = {"is_logged_in": False}
    app.query_params["theme"] = "CPD"
    app.run()
    app.switch_page("dashboard/pages/themes.py").run()
    shows_no_data(app)
    assert [button.label for button in app.button] == ["Sign in"]


def test_allowed_user_sees_the_dashboard_and_their_name(fixture_db, use_db):
    app = session(fixture_db, use_db, user={**SIGNED_IN, "email": "someone@go-science.gov.uk"})
    assert not app.exception
    assert set(kpis(app)) >= {"Suggestions", "Workshops"}
    assert app.sidebar.text[0].value == "Signed in as someone@go-science.gov.uk"
    assert app.sidebar.button(key="auth_sign_out").label == "Sign out"


def test_someone_not_on_the_list_gets_a_plain_no_access_page(fixture_db, use_db):
    app = session(fixture_db, use_db, user={**SIGNED_IN, "email": "someone@elsewhere.example", "name": "X"})
    shows_no_data(app)
    assert app.title[0].value == "No access"
    assert "someone@elsewhere.example" in app.text[0].value
    assert [button.label for button in app.button] == ["Sign out"]


def test_hostile_email_on_the_no_access_page_is_shown_as_text(fixture_db, use_db):
    email = "![x](http://evil.example/x.png)<script>alert(1)</script>@evil.example"
    app = session(fixture_db, use_db, user={**SIGNED_IN, "email": email})
    shows_no_data(app)
    assert email in app.text[0].value
    assert not any("evil.example" in element.value for element in [*app.markdown, *app.caption])


def test_no_access_page_names_the_contact(fixture_db, use_db):
    gse = {**GSE, "access_contact": "the GSE team"}
    app = session(fixture_db, use_db, user={**SIGNED_IN, "email": "x@elsewhere.example"}, gse=gse)
    assert app.text[1].value == "To ask for access, contact the GSE team."


def test_unverified_address_is_refused(fixture_db, use_db):
    user = {**SIGNED_IN, "email": "someone@go-science.gov.uk", "email_verified": False}
    app = session(fixture_db, use_db, user=user)
    shows_no_data(app)
    assert app.title[0].value == "No access"


def test_broken_settings_let_nobody_in(fixture_db, use_db):
    app = session(fixture_db, use_db, user={**SIGNED_IN, "email": "boss@go-science.gov.uk"}, gse={"allow": "nope"})
    shows_no_data(app)
    assert app.title[0].value == "Access settings need fixing"
    assert "nope" not in app.text[0].value


def test_sign_out_returns_to_the_sign_in_page(fixture_db, use_db):
    app = session(fixture_db, use_db, user={**SIGNED_IN, "email": "someone@go-science.gov.uk"})
    app.sidebar.button(key="auth_sign_out").click().run()
    assert app.user.get("is_logged_in") is False
    app.run()
    shows_no_data(app)
    assert [button.label for button in app.button] == ["Sign in"]


def test_only_admins_get_the_data_page(fixture_db, use_db):
    member = session(fixture_db, use_db, user={**SIGNED_IN, "email": "someone@go-science.gov.uk"})
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        member.switch_page("dashboard/pages/data.py")
    admin = session(fixture_db, use_db, user={**SIGNED_IN, "email": "boss@go-science.gov.uk"})
    admin.switch_page("dashboard/pages/data.py").run()
    assert not admin.exception
    assert admin.title[0].value == "Data"


def test_without_sign_in_on_localhost_the_data_page_is_there(fixture_db, use_db):
    app = session(fixture_db, use_db, with_auth=False, gse={})
    app.switch_page("dashboard/pages/data.py").run()
    assert not app.exception
    assert app.title[0].value == "Data"


@pytest.fixture
def listening_everywhere():
    """server.address set to every interface, as a careless deployment might."""
    before = streamlit_config.get_option("server.address")
    streamlit_config.set_option("server.address", "0.0.0.0")
    yield
    streamlit_config.set_option("server.address", before)


def test_without_sign_in_a_public_address_serves_nothing(fixture_db, use_db, listening_everywhere):
    app = session(fixture_db, use_db, with_auth=False, gse={})
    shows_no_data(app)
    assert app.title[0].value == "Sign-in is not set up"


def test_behind_a_proxy_without_sign_in_nobody_gets_the_data_page(fixture_db, use_db, listening_everywhere):
    app = session(fixture_db, use_db, with_auth=False, gse={"serve_without_sign_in": True})
    assert not app.exception
    assert kpis(app)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("dashboard/pages/data.py")


def admin_only_script():
    import streamlit as st

    from dashboard import auth

    auth.require_admin()
    st.text("admin only")


@pytest.mark.parametrize(
    ("email", "shown"), [("boss@go-science.gov.uk", True), ("someone@go-science.gov.uk", False), (None, False)]
)
def test_require_admin_stops_everyone_else(email, shown):
    app = AppTest.from_function(admin_only_script, default_timeout=30)
    app.secrets["auth"] = AUTH
    app.secrets["gse"] = GSE
    app.user = {**SIGNED_IN, "email": email} if email else {"is_logged_in": False}
    app.run()
    assert not app.exception
    assert any(text.value == "admin only" for text in app.text) is shown
    assert bool(app.error) is not shown


def test_the_data_page_itself_refuses_a_member(fixture_db, use_db):
    use_db(fixture_db)
    app = AppTest.from_file(str(ROOT / "dashboard" / "pages" / "data.py"), default_timeout=60)
    app.secrets["auth"] = AUTH
    app.secrets["gse"] = GSE
    app.user = {**SIGNED_IN, "email": "someone@go-science.gov.uk"}
    app.run()
    assert not app.exception
    assert "administrators" in app.error[0].value
    assert not app.get("file_uploader")


class UnreadableSecrets:
    """Stands in for st.secrets when secrets.toml exists but does not parse."""

    def get(self, name, default=None):
        raise FileNotFoundError("secrets.toml could not be parsed")


def test_an_unreadable_secrets_file_lets_nobody_in(tmp_path, monkeypatch):
    broken = tmp_path / "secrets.toml"
    broken.write_text("[auth\nthis is not toml")
    monkeypatch.setattr(auth.st, "secrets", UnreadableSecrets())
    before = streamlit_config.get_option("secrets.files")
    streamlit_config.set_option("secrets.files", [str(broken)])
    try:
        assert auth.current_verdict().refusal == "misconfigured"
        broken.unlink()
        assert auth.current_verdict().viewer == Viewer(None, is_admin=True, is_reviewer=True)
    finally:
        streamlit_config.set_option("secrets.files", before)
