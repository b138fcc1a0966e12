"""What the gate's own pages say, word for word, and the reviewer gate: the survivors of mutating dashboard/auth.py."""

import logging

import pytest
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from dashboard import auth
from tests.conftest import ENTRY
from tests.test_auth import AUTH, GSE, SIGNED_IN, listening_everywhere, session  # noqa: F401 (a fixture)

REVIEWING = {**GSE, "reviewers": ["reviewer@go-science.gov.uk"]}
LOCK = ":material/lock:"


def test_the_sign_in_page_names_the_dashboard_and_says_what_to_do(fixture_db, use_db):
    app = session(fixture_db, use_db, user={"is_logged_in": False})
    assert [title.value for title in app.title] == ["GSE Insight"]
    assert [text.value for text in app.text] == ["Sign in with your work account to see the dashboard."]


@pytest.mark.parametrize(
    ("user", "who"),
    [
        ({**SIGNED_IN, "email": "x@elsewhere.example"}, "You are signed in as x@elsewhere.example"),
        (SIGNED_IN, "Your sign-in did not give a verified email address"),
    ],
)
def test_the_no_access_page_says_who_and_how_to_ask(fixture_db, use_db, user, who):
    app = session(fixture_db, use_db, user=user)
    assert [title.value for title in app.title] == ["No access"]
    assert [text.value for text in app.text] == [
        f"{who}, which is not on the GSE Insight access list.",
        "Ask the GSE team for access.",
    ]


@pytest.mark.usefixtures("listening_everywhere")
def test_without_sign_in_on_a_public_address_the_page_says_why(fixture_db, use_db):
    app = session(fixture_db, use_db, with_auth=False, gse={})
    assert [title.value for title in app.title] == ["Sign-in is not set up"]
    assert [text.value for text in app.text] == [
        "This dashboard has no sign-in configured, so it only serves the machine it runs on. Set server.address to"
        " localhost, or configure [auth] in .streamlit/secrets.toml (see the README)."
    ]


def test_broken_access_settings_say_so(fixture_db, use_db):
    app = session(
        fixture_db, use_db, user={**SIGNED_IN, "email": "a@go-science.gov.uk"}, gse={"allow": ["not an address"]}
    )
    assert [title.value for title in app.title] == ["Access settings need fixing"]
    assert [text.value for text in app.text] == [
        "The dashboard's access settings could not be read, so nobody can be let in. The server log says which"
        " setting is wrong."
    ]


def reviewer_script():
    import streamlit as st

    from dashboard import auth

    st.text(f"reviewing as {auth.require_reviewer().name}")


@pytest.mark.parametrize(
    ("email", "shown"),
    [
        ("reviewer@go-science.gov.uk", "reviewing as reviewer@go-science.gov.uk"),
        ("boss@go-science.gov.uk", "reviewing as boss@go-science.gov.uk"),
        ("someone@go-science.gov.uk", None),
    ],
)
def test_only_reviewers_and_admins_pass_the_reviewer_gate(email, shown):
    app = AppTest.from_function(reviewer_script, default_timeout=30)
    app.secrets["auth"] = AUTH
    app.secrets["gse"] = REVIEWING
    app.user = {**SIGNED_IN, "email": email}
    app.run()
    assert not app.exception
    assert [text.value for text in app.text] == ([shown] if shown else [])
    if not shown:
        assert [(error.value, error.icon) for error in app.error] == [
            ("Only reviewers and admins can record theme decisions.", LOCK)
        ]


def test_the_admin_gate_says_who_may_open_the_page():
    from tests.test_auth import admin_only_script

    app = AppTest.from_function(admin_only_script, default_timeout=30)
    app.secrets["auth"] = AUTH
    app.secrets["gse"] = GSE
    app.user = {**SIGNED_IN, "email": "someone@go-science.gov.uk"}
    app.run()
    assert [(error.value, error.icon) for error in app.error] == [
        ("Only the dashboard's administrators can open this page.", LOCK)
    ]


def test_the_sign_in_button_is_the_primary_action(fixture_db, use_db):
    app = session(fixture_db, use_db, user={"is_logged_in": False})
    button = app.button(key="auth_sign_in_default")
    assert (button.label, button.proto.type, button.proto.icon) == ("Sign in", "primary", ":material/login:")


def test_with_two_providers_each_has_its_own_sign_in_button(fixture_db, use_db):
    use_db(fixture_db)
    app = AppTest.from_file(ENTRY, default_timeout=60)
    app.secrets["auth"] = {**AUTH, "google": {"client_id": "a"}, "entra": {"client_id": "b"}}
    app.secrets["gse"] = GSE
    app.user = {"is_logged_in": False}
    app.run()
    labels = {button.key: button.label for button in app.button}
    assert labels == {"auth_sign_in_google": "Sign in with google", "auth_sign_in_entra": "Sign in with entra"}


@pytest.mark.parametrize(
    ("email", "sidebar"),
    [
        ("boss@go-science.gov.uk", "Signed in as boss@go-science.gov.uk (admin)"),
        ("someone@go-science.gov.uk", "Signed in as someone@go-science.gov.uk"),
    ],
)
def test_the_sidebar_says_who_is_signed_in_and_offers_sign_out(fixture_db, use_db, email, sidebar):
    app = session(fixture_db, use_db, user={**SIGNED_IN, "email": email})
    assert app.sidebar.text[0].value == sidebar
    sign_out = app.sidebar.button(key="auth_sign_out")
    assert (sign_out.label, sign_out.proto.icon) == ("Sign out", ":material/logout:")


def test_the_no_access_page_offers_sign_out(fixture_db, use_db):
    app = session(fixture_db, use_db, user={**SIGNED_IN, "email": "x@elsewhere.example"})
    sign_out = app.button(key="auth_sign_out")
    assert (sign_out.label, sign_out.proto.icon) == ("Sign out", ":material/logout:")


def auth_log(caplog) -> list[tuple[str, str]]:
    return [(record.levelname, record.getMessage()) for record in caplog.records if record.name == "dashboard.auth"]


@pytest.mark.parametrize(
    ("secrets", "reason"),
    [
        ({"gse": "allow everyone"}, "[gse] in secrets.toml must be a table."),
        ({"auth": ["not", "a", "table"], "gse": GSE}, "[auth] in secrets.toml must be a table."),
        ({"auth": AUTH, "gse": {"allow": ["not an address"]}}, "[gse] allow entries must be name@domain or @domain."),
    ],
)
def test_settings_that_cannot_be_used_let_nobody_in_and_the_log_says_why(monkeypatch, caplog, secrets, reason):
    monkeypatch.setattr(auth.st, "secrets", secrets)
    with caplog.at_level(logging.INFO, logger="dashboard.auth"):
        verdict = auth.current_verdict()
    assert (verdict.viewer, verdict.refusal) == (None, "misconfigured")
    assert auth_log(caplog) == [("ERROR", f"access settings refused: {reason}")]


class UnreadableSecrets:
    """Stands in for st.secrets when secrets.toml exists but does not parse."""

    def get(self, name, default=None):
        raise FileNotFoundError("secrets.toml could not be parsed")


def test_an_unreadable_secrets_file_is_logged_as_one(tmp_path, monkeypatch, caplog):
    broken = tmp_path / "secrets.toml"
    broken.write_text("[gse\nallow = ")
    monkeypatch.setattr(auth.st, "secrets", UnreadableSecrets())
    before = streamlit_config.get_option("secrets.files")
    streamlit_config.set_option("secrets.files", [str(tmp_path / "absent.toml"), str(broken)])
    try:
        with caplog.at_level(logging.INFO, logger="dashboard.auth"):
            assert auth.current_verdict().refusal == "misconfigured"
    finally:
        streamlit_config.set_option("secrets.files", before)
    assert auth_log(caplog) == [("ERROR", "access settings refused: secrets.toml exists but could not be read.")]


def test_with_sign_in_configured_the_server_address_does_not_let_anyone_in_unsigned(monkeypatch):
    # Sign-in set up and the app on localhost: a visitor still signs in (the loopback shortcut is for no [auth] only).
    monkeypatch.setattr(auth.st, "secrets", {"auth": AUTH, "gse": GSE})
    before = streamlit_config.get_option("server.address")
    streamlit_config.set_option("server.address", "localhost")
    try:
        verdict = auth.current_verdict()
    finally:
        streamlit_config.set_option("server.address", before)
    assert (verdict.viewer, verdict.refusal) == (None, "sign_in")


def test_a_refused_address_is_logged(fixture_db, use_db, caplog):
    with caplog.at_level(logging.INFO, logger="dashboard.auth"):
        session(fixture_db, use_db, user={**SIGNED_IN, "email": "x@elsewhere.example"})
    assert auth_log(caplog) == [("WARNING", "no access for 'x@elsewhere.example'")]
