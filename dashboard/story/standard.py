"""The board story: the slides that presentation mode, the PowerPoint board pack and the HTML report all show."""

import re
import unicodedata

import pandas as pd

from dashboard import (
    about,
    attendees,
    config,
    data,
    disclosure,
    findings,
    leadership,
    members,
    profession,
    roadtrip,
    theme_views,
)
from dashboard.filters import Filters, describe, options
from dashboard.story import boardpack, report
from dashboard.story.slides import Series, Slide

# A download's name is kept short enough for any file system and mail client.
FILE_NAME_LENGTH, SLUG_LENGTH = 120, 30
# The columns of the workshop table that fit a slide: where, when, and how far.
STOP_COLUMNS = ("Stop", "Date", "Location", "Nation", "Venue", "Suggestions", "Attendees", "Miles travelled (reported)")


def overview_kpis(active: Filters) -> dict:
    """The overview_kpis row, its members count taken from the protected member rollup (as on every page)."""
    kpis = data.query_one("overview_kpis", **active.params())
    chosen = {
        "department_ids": active.department_ids or None,
        "regions": members.nation_regions(active.nations or None),
    }
    return {**kpis, "members": members.count(members.protected_rollup(), **chosen)}


def kpi_slide(kpis: dict, theme_counts: pd.DataFrame, location_suggestions: pd.DataFrame) -> Slide:
    """The headline numbers, under the tour's key finding."""
    values = (
        ("Members", disclosure.format_count(kpis["members"])),
        ("Departments", f"{kpis['departments']:,}"),
        ("Workshops", f"{kpis['workshops']:,}"),
        ("Locations", f"{kpis['locations']:,}"),
        ("Suggestions", f"{kpis['suggestions']:,}"),
        ("Miles travelled (reported)", f"{kpis['miles_travelled']:,.0f}"),
        ("Participants", disclosure.format_count(kpis["participants"])),
    )
    notes = [
        findings.tour(kpis),
        findings.top_theme(theme_counts),
        findings.busiest_location(location_suggestions),
        findings.participation(kpis),
        theme_views.reliance_sentence(theme_counts),
    ]
    notes = tuple(note for note in notes if note)
    return Slide(
        section="At a glance",
        headline=notes[0] if notes else "No workshops match the filters",
        table=pd.DataFrame(values, columns=["Measure", "Value"]),
        kpis=values,
        notes=notes,
    )


def themes_slide(theme_counts: pd.DataFrame) -> Slide:
    """What members asked for: suggestions per theme."""
    ordered = theme_counts.sort_values(["suggestions", "label"], ascending=[False, True])
    table = pd.DataFrame(
        {
            "Theme": ordered["label"],
            "Suggestions": [f"{count:,}" for count in ordered["suggestions"]],
            "Share": [f"{share:.0%}" for share in ordered["share"]],
            **{name: [f"{count:,}" for count in ordered[column]] for column, name, _ in theme_views.SOLIDITY},
        }
    )
    return Slide(
        section="Suggestion themes",
        headline=theme_views.theme_bar_title(theme_counts),
        table=table,
        figure=theme_views.theme_bar(theme_counts),
        series=Series(
            categories=tuple(ordered["label"]),
            values=tuple(float(v) for v in ordered["suggestions"]),
            name="Suggestions",
            title=theme_views.chart_title(theme_counts),
        ),
        notes=tuple(
            note for note in [findings.top_theme(theme_counts), theme_views.reliance_sentence(theme_counts)] if note
        ),
    )


def roadtrip_slide(active: Filters) -> Slide:
    """Where the tour went: the map (on screen), the timeline (in the report) and the stops with their miles."""
    shared = active.params()
    kpis = data.query_one("roadtrip_kpis", **shared)
    route = data.query_one("roadtrip_route_length", **shared)
    stops = data.query("roadtrip_stops", **shared)
    locations = data.query("roadtrip_locations", **shared)
    # The same protected attendees as the Roadtrip and Profession pages, so the pack never shows what they hide.
    attendee_totals = attendees.protected_totals()
    finding = roadtrip.key_finding(kpis, route, locations)
    table = roadtrip.workshop_table(stops, attendee_totals)
    columns = [column for column in table.columns if column in STOP_COLUMNS]
    return Slide(
        section="Roadtrip",
        headline=finding or "No workshops match the filters",
        table=table[columns],
        figure=roadtrip.timeline_figure(stops),
        deck=roadtrip.build_deck(
            locations, stops, roadtrip.uk_nations(), attendee_totals, basemap=config.basemap_enabled()
        ),
        deck_alt=roadtrip.map_alt(locations),
        deck_key=roadtrip.map_key(),
        notes=(finding,) if finding else (),
    )


def leadership_slide(active: Filters, choices: dict | None = None) -> Slide:
    """Leadership access: each chosen department's acceptance rate against the profession's, for the page's choices.

    `choices` are the Leadership page's own (its scheme, cohort years and grades); none means all schemes.
    """
    choices = choices or {}
    schemes = data.query("leadership_schemes")
    scheme_id = choices.get("leadership_scheme")
    scheme_id = scheme_id if scheme_id in set(schemes["scheme_id"]) else None
    params = {
        "department_ids": active.department_ids or None,
        "grades": tuple(choices.get("leadership_grades") or ()) or None,
        "cohort_years": tuple(sorted(choices.get("leadership_cohorts") or ())) or None,
        "scheme_id": scheme_id,
    }
    # The same protected tables as the page's for these choices, so the pack never shows what the page hides.
    chosen = leadership.protected_tables(params)
    profession = leadership.protected_tables({**params, "department_ids": None})
    # As on the page: the reference is profession-wide whatever departments are chosen.
    ref = leadership.reference(profession["schemes"], profession["members"], schemes, scheme_id)
    department_schemes, department_members = chosen["schemes"], chosen["members"]
    view = leadership.department_view(
        department_schemes, department_members, data.query("department_options"), None, ref["acceptance_rate"]
    )
    title = leadership.access_title(view, ref)
    ordered = view.sort_values("acceptance_rate", ascending=False, na_position="last")
    table = leadership.on_screen(leadership.department_table(ordered))
    scheme = "all schemes" if scheme_id is None else leadership.scheme_label(scheme_id, schemes)
    notes = [leadership.access_sentence(view, ref), leadership.participation_sentence(view, ref, scheme)]
    return Slide(
        section="Leadership access",
        headline=title,
        table=table[["Department", "Participants", "Applications", "Acceptance rate (%)"]],
        figure=leadership.interval_chart(view, "name", ref, title, hover="name"),
        series=leadership.access_series(ordered, ref),
        notes=tuple(note for note in notes if note),
    )


def profession_slide() -> Slide:
    """Whose voices the tour heard: each region's share of suggestions against its share of members (whole profession).

    Like the Profession page's section, it compares the whole profession with the whole tour, whatever the filters.
    """
    voices = profession.voices(
        data.query("profession_voices"), attendees.protected_totals(), members.protected_rollup()
    )
    flagged = int(voices["under_represented"].fillna(False).sum())
    headline = f"{flagged} of {len(voices)} regions and nations are under-represented in the suggestions"
    table = profession.voices_table(voices)
    columns = [
        "Region or nation",
        "Members (%)",
        "Suggestions (%)",
        "Representation ratio",
        "Under-represented (< 0.8)",
    ]
    notes = [headline, profession.under_represented(voices), profession.best_heard(voices)]
    return Slide(
        section="Profession",
        headline=headline,
        table=profession.for_screen(table[columns]),
        figure=profession.ratio_chart(voices),
        notes=tuple(note for note in notes if note),
    )


# The slides a story can hold that are built afresh from the data: kind, its section name, and whether it reads the
# page's own choices. A chart added from elsewhere is kept as it was drawn (kind "chart", see stories.py).
KINDS = {
    "overview": "At a glance",
    "roadtrip": "Roadtrip",
    "themes": "Suggestion themes",
    "leadership": "Leadership access",
    "profession": "Profession",
}


def kind_slide(kind: str, active: Filters, choices: dict | None = None) -> Slide:
    """One slide of a kind in KINDS, for these filters and page choices."""
    shared = active.params()
    if kind == "overview":
        theme_counts = data.query("theme_counts", **shared)
        return kpi_slide(overview_kpis(active), theme_counts, data.query("location_suggestions", **shared))
    if kind == "roadtrip":
        return roadtrip_slide(active)
    if kind == "themes":
        return themes_slide(data.query("theme_counts", **shared))
    if kind == "leadership":
        return leadership_slide(active, choices)
    if kind == "profession":
        return profession_slide()
    raise ValueError(f"{kind!r} is not a kind of slide")


def slides(active: Filters) -> list[Slide]:
    """The default board story for the active filters, in the order it is told."""
    return [kind_slide(kind, active) for kind in KINDS]


def board_pack(active: Filters) -> bytes:
    """The PowerPoint board pack for the active filters."""
    return boardpack.build(slides(active), **_cover(active))


def html_report(active: Filters) -> bytes:
    """The self-contained HTML report for the active filters."""
    return report.build(slides(active), **_cover(active))


def file_name(kind: str, extension: str, active: Filters, data_date, choices: dict, meeting: str = "") -> str:
    """A download's name that says what it holds: 'gse-board-pack-2025-07-09-cpd-bournemouth.pptx'.

    The meeting (when given) or the data date, then each filter's values (a count when there are more than two), in
    lowercase letters, digits and hyphens only, so the name is safe on every system and in every mail client.
    """
    parts = [f"gse-{kind}", _slug(meeting) if meeting.strip() else f"{data_date:%Y-%m-%d}"]
    named = (
        ("themes", active.theme_ids, choices["themes"].set_index("theme_id")["label"]),
        ("nations", active.nations, None),
        ("locations", active.location_ids, choices["locations"].set_index("location_id")["name"]),
        ("departments", active.department_ids, None),  # departments by their short codes: 'ea', 'mod'
    )
    for noun, chosen, names in named:
        if len(chosen) > 2:
            parts.append(f"{len(chosen)}-{noun}")
        else:
            parts += [_slug(value if names is None else names.get(value, value)) for value in chosen]
    if active.date_from:
        parts.append(f"from-{active.date_from:%Y-%m-%d}")
    if active.date_to:
        parts.append(f"to-{active.date_to:%Y-%m-%d}")
    stem = "-".join(part for part in parts if part)[:FILE_NAME_LENGTH].rstrip("-")
    return f"{stem}.{extension}"


def _slug(text: str) -> str:
    """Lowercase ASCII letters and digits, the rest one hyphen: 'Skills and tools' -> 'skills-and-tools'."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:SLUG_LENGTH].rstrip("-")


def pdf_report(active: Filters) -> bytes:
    """The HTML report printed to PDF by headless Chromium (report.PdfUnavailable when it cannot be)."""
    return report.pdf(html_report(active))


def _cover(active: Filters) -> dict:
    info = data.build_info()
    return {
        "filters": describe(active, options()),
        "data_date": data.as_date(info["data_date"]),
        "status": about.status(info),
        "source": about.source(info, data.query("imports_history")),
    }
