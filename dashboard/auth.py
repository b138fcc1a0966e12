"""Who may see the dashboard: sign-in through Streamlit's OIDC support, an allow-list of emails and domains, and admins."""

import ipaddress
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

# The secrets.toml section that holds the access settings (documented in .streamlit/secrets.example.toml).
SECTION = "gse"
# url_path of each page only admins may open, and of each only reviewers (and admins) may.
ADMIN_PAGES = frozenset({"data", "taxonomy"})
REVIEWER_PAGES = frozenset({"review"})
# Who reviews when sign-in is off (the app serves only its own machine): the person at it.
LOCAL_REVIEWER = "local"

log = logging.getLogger(__name__)


class AccessSettingsError(ValueError):
    """The access settings in secrets.toml cannot be used, so nobody is let in."""


def normalise_email(value: object) -> str | None:
    """An email address in lower case, or None when the value is not one plain address."""
    if not isinstance(value, str):
        return None
    address = value.strip().lower()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or "@" in local or not address.isprintable() or " " in address:
        return None
    return address


def _entries(settings: Mapping, key: str) -> list[str]:
    raw = settings.get(key, [])
    # A single string is a common slip in TOML; taking it as a one-item list beats iterating its characters.
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, Sequence) or not all(isinstance(value, str) for value in values):
        raise AccessSettingsError(f"[{SECTION}] {key} must be a list of strings.")
    return [value.strip().lower() for value in values if value.strip()]


@dataclass(frozen=True)
class AccessList:
    """Who may see the dashboard: whole addresses, whole domains (`@go-science.gov.uk`), the admins and the reviewers."""

    emails: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()
    admins: frozenset[str] = frozenset()
    reviewers: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: Mapping) -> "AccessList":
        """Read `allow`, `admins` and `reviewers` from [gse]; a malformed entry is an error, never a wider door."""
        emails, domains = set(), set()
        for entry in _entries(settings, "allow"):
            if entry.startswith("@") and normalise_email(f"x{entry}"):
                domains.add(entry[1:])
            elif normalise_email(entry):
                emails.add(entry)
            else:
                raise AccessSettingsError(f"[{SECTION}] allow entries must be name@domain or @domain.")
        admins = set(_entries(settings, "admins"))
        if not all(normalise_email(admin) for admin in admins):
            raise AccessSettingsError(f"[{SECTION}] admins entries must be whole email addresses.")
        reviewers = set(_entries(settings, "reviewers"))
        if not all(normalise_email(reviewer) for reviewer in reviewers):
            raise AccessSettingsError(f"[{SECTION}] reviewers entries must be whole email addresses.")
        return cls(frozenset(emails), frozenset(domains), frozenset(admins), frozenset(reviewers))

    def allows(self, email: object) -> bool:
        """Whether this address may see the dashboard (admins always may)."""
        address = normalise_email(email)
        if address is None:
            return False
        return (
            address in self.emails
            or address in self.admins
            or address in self.reviewers
            or address.rpartition("@")[2] in self.domains
        )

    def is_admin(self, email: object) -> bool:
        """Whether this address may open the admin pages."""
        address = normalise_email(email)
        return address is not None and address in self.admins

    def is_reviewer(self, email: object) -> bool:
        """Whether this address may review themes (admins may too)."""
        address = normalise_email(email)
        return address is not None and (address in self.reviewers or address in self.admins)


@dataclass(frozen=True)
class Viewer:
    """The person using this session: their address (None when sign-in is off), and whether they are an admin or a reviewer."""

    email: str | None
    is_admin: bool
    is_reviewer: bool = False

    @property
    def name(self) -> str:
        """How the team's store records this person: their address, or `local` when sign-in is off."""
        return self.email or LOCAL_REVIEWER


@dataclass(frozen=True)
class Verdict:
    """What the gate decided: a viewer who may come in, or the reason they may not."""

    viewer: Viewer | None
    refusal: str | None = None  # "sign_in", "no_access", "not_served" or "misconfigured"
    email: str | None = None


def is_loopback(address: str | None) -> bool:
    """Whether a server.address only listens on this machine (unset means every interface)."""
    if not address:
        return False
    host = address.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _secrets_section(name: str) -> Mapping:
    try:
        section = st.secrets.get(name)
    except FileNotFoundError:
        # Missing and unreadable secrets look alike here; an unreadable file must not quietly mean "no sign-in".
        if any(Path(path).is_file() for path in st.get_option("secrets.files") or ()):
            raise AccessSettingsError("secrets.toml exists but could not be read.") from None
        return {}
    if section is None:
        return {}
    if not isinstance(section, Mapping):
        raise AccessSettingsError(f"[{name}] in secrets.toml must be a table.")
    return section


def providers(auth: Mapping) -> list[str | None]:
    """The sign-in providers configured: named [auth.NAME] tables, or None for the unnamed default."""
    named = [name for name, value in auth.items() if isinstance(value, Mapping) and "client_id" in value]
    return named or [None]


def is_verified(user: Mapping) -> bool:
    """Whether the provider vouches for the address: `email_verified` true, or the string "true" in any case, or absent.

    An address the provider itself says is unverified proves nothing about who signed in, and "False", "no", 0 or any
    other value is not a yes. An absent claim is allowed: many providers (Entra ID among them) never send it and only
    issue addresses they control; the allow-list then decides.
    """
    claim = user.get("email_verified")
    if claim is None:
        return True
    return claim is True or (isinstance(claim, str) and claim.strip().lower() == "true")


def decide(user: Mapping, auth: Mapping, settings: Mapping, server_address: str | None) -> Verdict:
    """Decide from the signed-in user's claims and the settings whether this session may see the dashboard."""
    access = AccessList.from_settings(settings)
    if not auth:
        if is_loopback(server_address):
            # Only this machine can reach it, so whoever is here runs it and may load data and review.
            return Verdict(Viewer(email=None, is_admin=True, is_reviewer=True))
        if settings.get("serve_without_sign_in") is True:
            # An authenticating proxy in front decides who gets here; the app cannot tell them apart.
            return Verdict(Viewer(email=None, is_admin=False))
        return Verdict(None, "not_served")
    if user.get("is_logged_in") is not True:
        return Verdict(None, "sign_in")
    claim = settings.get("email_claim", "email")
    raw_email = user.get(claim) if isinstance(claim, str) else None
    email = normalise_email(raw_email)
    if email is None or not is_verified(user) or not access.allows(email):
        return Verdict(None, "no_access", email=raw_email if isinstance(raw_email, str) else None)
    return Verdict(Viewer(email=email, is_admin=access.is_admin(email), is_reviewer=access.is_reviewer(email)))


def current_verdict() -> Verdict:
    """The gate's decision for this session, from st.user, secrets.toml and server.address."""
    try:
        return decide(st.user, _secrets_section("auth"), _secrets_section(SECTION), st.get_option("server.address"))
    except AccessSettingsError as problem:
        log.error("access settings refused: %s", problem)
        return Verdict(None, "misconfigured")


def gate() -> Viewer:
    """Let the viewer in or stop the run on a page that shows no data; call it right after set_page_config."""
    verdict = current_verdict()
    if verdict.viewer is not None:
        if verdict.viewer.email:
            _signed_in_sidebar(verdict.viewer)
        return verdict.viewer
    if verdict.refusal == "sign_in":
        _sign_in_page()
    elif verdict.refusal == "no_access":
        log.warning("no access for %r", verdict.email)
        _no_access_page(verdict.email)
    elif verdict.refusal == "not_served":
        _plain_page(
            "Sign-in is not set up",
            "This dashboard has no sign-in configured, so it only serves the machine it runs on. "
            "Set server.address to localhost, or configure [auth] in .streamlit/secrets.toml (see the README).",
        )
    else:
        _plain_page(
            "Access settings need fixing",
            "The dashboard's access settings could not be read, so nobody can be let in. "
            "The server log says which setting is wrong.",
        )
    st.stop()
    raise AssertionError("st.stop() returned")  # pragma: no cover


def pages_for(viewer: Viewer, pages: Iterable) -> list:
    """The navigation pages this viewer may open: admin pages for admins, review pages for reviewers, the rest for all."""
    return [
        page
        for page in pages
        if (viewer.is_admin or page.url_path not in ADMIN_PAGES)
        and (viewer.is_reviewer or page.url_path not in REVIEWER_PAGES)
    ]


def current_reviewer() -> Viewer:
    """The viewer of this session if they may review, decided afresh from the sign-in (never from session state).

    Every write of the team's work asks this first, so a forged widget event or session value writes nothing.
    """
    verdict = current_verdict()
    if verdict.viewer is None or not verdict.viewer.is_reviewer:
        raise PermissionError("Only reviewers and admins can record theme decisions.")
    return verdict.viewer


def require_reviewer() -> Viewer:
    """Stop a review page for anyone but reviewers and admins, even one who reaches it without the navigation."""
    try:
        return current_reviewer()
    except PermissionError as refused:
        st.error(str(refused), icon=":material/lock:")
        st.stop()
        raise AssertionError("st.stop() returned") from None  # pragma: no cover


def require_admin() -> None:
    """Stop an admin page for anyone else, even one who reaches it without the navigation."""
    verdict = current_verdict()
    if verdict.viewer is None or not verdict.viewer.is_admin:
        st.error("Only the dashboard's administrators can open this page.", icon=":material/lock:")
        st.stop()


def _plain_page(title: str, message: str) -> None:
    st.title(title)
    st.text(message)


def _sign_in_page() -> None:
    st.title("GSE Insight")
    st.text("Sign in with your work account to see the dashboard.")
    auth = _secrets_section("auth")
    choices = providers(auth)
    for provider in choices:
        label = "Sign in" if len(choices) == 1 else f"Sign in with {provider}"
        if st.button(label, key=f"auth_sign_in_{provider or 'default'}", type="primary", icon=":material/login:"):
            st.login(provider)


def _no_access_page(email: str | None) -> None:
    st.title("No access")
    who = f"You are signed in as {email}" if email else "Your sign-in did not give a verified email address"
    # st.text, never markdown: the address comes from the identity provider, not from us.
    st.text(f"{who}, which is not on the GSE Insight access list.")
    contact = _secrets_section(SECTION).get("access_contact")
    ask = f"To ask for access, contact {contact}." if isinstance(contact, str) else "Ask the GSE team for access."
    st.text(ask)
    if st.button("Sign out", key="auth_sign_out", icon=":material/logout:"):
        st.logout()


def _signed_in_sidebar(viewer: Viewer) -> None:
    with st.sidebar:
        st.text(f"Signed in as {viewer.email}" + (" (admin)" if viewer.is_admin else ""))
        if st.button("Sign out", key="auth_sign_out", icon=":material/logout:"):
            st.logout()
