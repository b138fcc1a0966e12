"""Board stories the team writes: slides chosen from the pages, with titles and commentary, versioned and signed off.

A story is kept in the team's store (dashboard/store.py) as append-only versions. A draft's slides are rebuilt from
the data each time, with the filters and page choices they were added with; an approved version is a frozen snapshot
of the slides as rendered when it was approved, so the meeting's pack keeps that meeting's numbers after imports.
"""

import contextlib
import json
import re
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime

import pandas as pd
import plotly.graph_objects as go
import plotly.io

from dashboard import data, leadership, plaintext, store
from dashboard.filters import Filters, describe
from dashboard.story import standard
from dashboard.story.slides import Series, Slide

TITLE_LIMIT = 200
MEETING_LIMIT = 200
# Commentary is spoken from speaker notes and read on a slide: 2,000 characters is about three minutes' talk.
COMMENTARY_LIMIT = 2000
SUMMARY_LIMIT = 2000
SLIDE_LIMIT = 30
# A chart kept as drawn holds its data; the largest page chart (the Profession map, with its outlines) is under this.
FIGURE_LIMIT = 3_000_000
DEFAULT_MEETING = "Next board meeting"
# Control characters but tab and line breaks: they can hide text or break a line in an export.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The Markdown a commentary may use on screen: bold, italics, bullet and numbered lists, paragraphs. Nothing else.
BULLET = re.compile(r"^\s*([-*+]|\d{1,3}[.)])\s+(.*)$")
BOLD = re.compile(r"\\\*\\\*(\S(?:.*?\S)?)\\\*\\\*")
ITALIC = re.compile(r"(?<![\\*\w])\\[*_](\S(?:.*?\S)?)\\[*_](?![\w*])")
PLAIN_MARKS = re.compile(r"\*\*(\S(?:.*?\S)?)\*\*|(?<![*\w])[*_](\S(?:.*?\S)?)[*_](?![\w*])")
FILTER_FIELDS = {
    "theme_ids": ("themes", "theme_id", "label", "theme"),
    "location_ids": ("locations", "location_id", "name", "location"),
    "department_ids": ("departments", "department_id", "name", "department"),
}


class StoryError(ValueError):
    """A story that cannot be saved as asked; the message says why, in words an editor can act on."""


@dataclass(frozen=True)
class SlideSpec:
    """One slide of a team's story as stored: what to show, for which filters and page choices, and what to say."""

    kind: str  # a kind of standard.KINDS, or "chart": a page's chart kept as it was drawn
    title: str = ""  # the team's title; empty: the slide's own headline
    commentary: str = ""  # Markdown (bold, italics, lists) on screen, plain text in exports
    filters: dict = field(default_factory=dict)  # Filters as JSON (dates as ISO strings)
    choices: dict = field(default_factory=dict)  # the page's own widgets when the slide was added
    source: str = ""  # the page it came from
    figure: str = ""  # kind "chart": the plotly figure as JSON
    added_by: str = ""
    added_at: str = ""
    slide_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    @classmethod
    def from_dict(cls, values: dict) -> "SlideSpec":
        """A spec from its stored JSON, ignoring keys a later version may add."""
        known = {name: values[name] for name in cls.__dataclass_fields__ if name in values}
        return cls(**known)


@dataclass(frozen=True)
class Story:
    """One version of a story as the store holds it."""

    story_id: str
    version: int
    action: str
    meeting: str
    meeting_date: date | None
    summary: str
    slides: tuple[SlideSpec, ...]
    saved_by: str
    saved_at: datetime
    approved: bool = False
    snapshot: str | None = None
    data_date: date | None = None

    @property
    def status(self) -> str:
        """'Approved for <meeting>' or 'Draft', as exports and the page say it."""
        return f"Approved for {self.meeting}" if self.approved else "Draft"


def clean(value: object, limit: int, what: str) -> str:
    """Text as stored: control characters made spaces, ends trimmed; longer than `limit` is an error, never a cut."""
    text = CONTROL_CHARACTERS.sub(" ", "" if value is None else str(value)).strip()
    if len(text) > limit:
        raise StoryError(f"{what} has {len(text):,} characters; it holds at most {limit:,}. Shorten it.")
    return text


def safe_markdown(text: str) -> str:
    """The team's commentary as Markdown that can only be paragraphs, lists, bold and italics.

    Each line is escaped as data is (plaintext.markdown: no HTML, link, image or heading), then its list marker and
    **bold** / *italic* pairs are given back. An image or link written in Markdown shows as its literal text.
    """
    lines = []
    for line in str(text).splitlines():
        bullet = BULLET.match(line)
        marker, body = (bullet.group(1), bullet.group(2)) if bullet else ("", line)
        escaped = plaintext.markdown(body.strip())
        escaped = BOLD.sub(r"**\1**", escaped)
        escaped = ITALIC.sub(r"*\1*", escaped)
        if marker:
            marker = "-" if marker in "-*+" else marker.replace(")", ".")
            lines.append(f"{marker} {escaped}")
        else:
            lines.append(escaped if escaped else "")
    # A lone line break inside a paragraph is kept as one ("  " before it); a blank line starts a new paragraph.
    return "\n".join(line if not line or BULLET.match(line) else f"{line}  " for line in lines).strip()


def plain(text: str) -> str:
    """The commentary for an export: its bold and italic marks taken off, the text as written."""
    return PLAIN_MARKS.sub(lambda match: match.group(1) or match.group(2), str(text))


def filters_json(active: Filters) -> dict:
    """Filters as stored with a slide."""
    values = asdict(active)
    return {
        name: (value.isoformat() if isinstance(value, date) else list(value) if isinstance(value, tuple) else value)
        for name, value in values.items()
    }


def filters_from_json(values: dict, choices: dict[str, pd.DataFrame]) -> tuple[Filters, list[str]]:
    """A slide's saved filters against the current data: the filters that still apply, and what has changed.

    A theme, location or department no longer in the data (removed or renamed by an import) is dropped and named.
    """
    notices, kept = [], {}
    for name, (option, key, _, noun) in FILTER_FIELDS.items():
        saved = [str(value) for value in values.get(name) or ()]
        known = set(choices[option][key].astype(str))
        gone = [value for value in saved if value not in known]
        kept[name] = tuple(value for value in saved if value in known)
        if gone:
            names = ", ".join(gone)
            left = "the slide shows the rest" if kept[name] else f"the slide shows every {noun}"
            notices.append(
                f"This slide was saved with {noun} {names}, no longer in the data (removed or renamed by an import): "
                f"{left}."
            )
    nations = tuple(str(value) for value in values.get("nations") or ())

    def day(value) -> date | None:
        try:
            return date.fromisoformat(value) if value else None
        except (TypeError, ValueError):
            notices.append(f"This slide's saved date {value!r} could not be read, so it is not applied.")
            return None

    active = Filters(
        theme_ids=kept["theme_ids"],
        nations=nations,
        location_ids=kept["location_ids"],
        department_ids=kept["department_ids"],
        date_from=day(values.get("date_from")),
        date_to=day(values.get("date_to")),
    )
    return active, notices


def titled(slide: Slide, spec: SlideSpec, notices: list[str], filters_text: str = "") -> Slide:
    """A rendered slide with the team's title, commentary and notices: the title replaces the headline on screen, and
    the slide's own headline stays among the findings."""
    headline = spec.title or slide.headline
    notes = list(slide.notes)
    if spec.title and slide.headline not in notes:
        notes.insert(0, slide.headline)
    notes = [*notices, *notes, *((f"Filters: {filters_text}",) if filters_text else ())]
    commentary = plain(spec.commentary)
    exported = [*notes, commentary] if commentary else notes
    return replace(
        slide, headline=headline, notes=tuple(exported), commentary=spec.commentary, notice=" ".join(notices)
    )


def render(spec: SlideSpec, choices: dict[str, pd.DataFrame]) -> Slide:
    """One slide of a draft, built from today's data; a slide that can no longer be built says why, never crashes."""
    active, notices = filters_from_json(spec.filters, choices)
    try:
        scheme = spec.choices.get("leadership_scheme")
        if spec.kind == "leadership" and scheme and scheme != leadership.ALL_SCHEMES:
            known = set(data.query("leadership_schemes")["scheme_id"])
            if scheme not in known:
                notices.append(
                    f"This slide was saved with scheme {scheme}, no longer in the data: the slide shows all schemes."
                )
        if spec.kind == "chart":
            slide = chart_slide(spec)
        elif spec.kind in standard.KINDS:
            slide = standard.kind_slide(spec.kind, active, spec.choices)
        else:
            raise StoryError(f"this version of GSE Insight has no slide of kind {spec.kind!r}")
    except Exception as problem:
        slide = Slide(
            section=spec.source or "Slide",
            headline="This slide could not be drawn from the current data",
            table=pd.DataFrame(),
            notes=(f"It failed with: {type(problem).__name__}: {problem}",),
        )
    return titled(slide, spec, notices, "" if spec.kind == "chart" else describe(active, choices))


def chart_slide(spec: SlideSpec) -> Slide:
    """A page's chart kept as it was drawn when added: it does not follow later imports, and says so."""
    figure = plotly.io.from_json(spec.figure) if spec.figure else go.Figure()
    heading = plaintext.unplot(figure.layout.title.text or "")
    when = spec.added_at[:10]
    note = f"Added from the {spec.source or 'dashboard'} page on {when}: the chart shows the data of that day."
    return Slide(section=spec.source or "Chart", headline=heading or "Chart", table=pd.DataFrame(), figure=figure,
                 notes=(note,))  # fmt: skip


def summary_slide(meeting: str, summary: str, slides: list[Slide]) -> Slide:
    """The summary: the team's summary, then each slide's headline in order."""
    headlines = tuple(slide.headline for slide in slides)
    commentary = plain(summary)
    return Slide(
        section="Summary",
        headline=f"{meeting}: summary" if meeting else "Summary",
        table=pd.DataFrame({"Slide": range(1, len(headlines) + 1), "Headline": headlines}),
        notes=(*((commentary,) if commentary else ()), *headlines),
        commentary=summary,
    )


class FrozenDeck:
    """A map as it was approved: its deck.gl JSON, read by Streamlit's pydeck_chart and mapimage like a pydeck Deck."""

    def __init__(self, spec: str, zoom: float):
        self.spec, self.layers, self.mapbox_key = spec, [], None
        self.initial_view_state = type("ViewState", (), {"zoom": zoom})()

    def to_json(self) -> str:
        """The deck's JSON as pydeck wrote it."""
        return self.spec


def _cell(value):
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return None
    return (
        value.item() if hasattr(value, "item") else value if isinstance(value, (int, float, str, bool)) else str(value)
    )


def table_json(table: pd.DataFrame) -> dict:
    """A table as JSON: its columns, their types and its cells."""
    return {
        "columns": [str(name) for name in table.columns],
        "dtypes": [str(dtype) for dtype in table.dtypes],
        "rows": [[_cell(value) for value in row] for row in table.itertuples(index=False)],
    }


def table_from_json(values: dict) -> pd.DataFrame:
    """A table back from table_json, each column in its type where pandas can give it back."""
    frame = pd.DataFrame(values["rows"], columns=values["columns"], dtype=object)
    for name, dtype in zip(values["columns"], values["dtypes"], strict=True):
        with contextlib.suppress(TypeError, ValueError):
            frame[name] = frame[name].astype(dtype)
    return frame


def slide_json(slide: Slide) -> dict:
    """Everything a slide shows, as JSON: headline, findings, table, chart, map and KPIs."""
    deck = None
    if slide.deck is not None:
        deck = {"spec": slide.deck.to_json(), "zoom": float(slide.deck.initial_view_state.zoom)}
    return {
        "section": slide.section,
        "headline": slide.headline,
        "table": table_json(slide.table),
        "figure": slide.figure.to_json() if slide.figure is not None else None,
        "deck": deck,
        "deck_alt": slide.deck_alt,
        "deck_key": slide.deck_key,
        "series": asdict(slide.series) if slide.series is not None else None,
        "kpis": [list(pair) for pair in slide.kpis],
        "notes": list(slide.notes),
        "commentary": slide.commentary,
        "notice": slide.notice,
    }


def series_from_json(values: dict) -> Series:
    """A chart's numbers back from JSON: its lists as the tuples Series holds, keys a later version may add ignored."""
    known = {name: value for name, value in values.items() if name in Series.__dataclass_fields__}
    return Series(**{name: tuple(value) if isinstance(value, list) else value for name, value in known.items()})


def slide_from_json(values: dict) -> Slide:
    """A slide back from slide_json, as it was when saved."""
    series = values.get("series")
    deck = values.get("deck")
    return Slide(
        section=values["section"],
        headline=values["headline"],
        table=table_from_json(values["table"]),
        figure=plotly.io.from_json(values["figure"]) if values.get("figure") else None,
        deck=FrozenDeck(deck["spec"], deck["zoom"]) if deck else None,
        deck_alt=values.get("deck_alt", ""),
        deck_key=values.get("deck_key", ""),
        series=series_from_json(series) if series else None,
        kpis=tuple(tuple(pair) for pair in values.get("kpis", ())),
        notes=tuple(values.get("notes", ())),
        commentary=values.get("commentary", ""),
        notice=values.get("notice", ""),
    )


def specs_json(specs) -> str:
    """A story's slides as stored."""
    return json.dumps([asdict(spec) for spec in specs], ensure_ascii=False)


def _story(row: dict, approved: bool = False) -> Story:
    meeting_date = row.get("meeting_date")
    return Story(
        story_id=row["story_id"],
        version=int(row["version"]),
        action=row["action"],
        meeting=row["meeting"],
        meeting_date=None if meeting_date is None or pd.isna(meeting_date) else pd.Timestamp(meeting_date).date(),
        summary=row["summary"],
        slides=tuple(SlideSpec.from_dict(values) for values in json.loads(row["slides"])),
        saved_by=row["saved_by"],
        saved_at=pd.Timestamp(row["saved_at"]).to_pydatetime(),
        approved=approved or row["action"] == "approve",
        snapshot=row.get("snapshot") if isinstance(row.get("snapshot"), str) else None,
        data_date=None if pd.isna(row.get("data_date")) else pd.Timestamp(row["data_date"]).date(),
    )


def heads() -> pd.DataFrame:
    """Every story's current version and latest approval (queries/store/story_heads.sql)."""
    return store.read("story_heads")


def history(story_id: str) -> pd.DataFrame:
    """A story's versions, newest first: who saved, duplicated or approved it, and when."""
    return store.read("story_versions", {"story_id": story_id})


def load(story_id: str, version: int | None = None) -> Story | None:
    """A story at a version (its current one by default), or None when the store has no such story."""
    if version is None:
        versions = history(story_id)
        if versions.empty:
            return None
        version = int(versions["version"].max())
    rows = store.read("story_version", {"story_id": story_id, "version": int(version)})
    return _story(rows.iloc[0].to_dict()) if len(rows) else None


def latest_approved(story_id: str) -> Story | None:
    """The story as last approved (with its snapshot), or None when it never was."""
    versions = history(story_id)
    approved = versions[versions["action"] == "approve"]
    return load(story_id, int(approved["version"].max())) if len(approved) else None


def new_request_id() -> str:
    """A fresh id for one save: the same id sent twice (a double click) writes one version."""
    return uuid.uuid4().hex


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)


def checked(meeting: object, summary: object, specs) -> tuple[str, str, tuple[SlideSpec, ...]]:
    """A story's text as stored, each part checked; raises StoryError naming what to shorten."""
    name = clean(meeting, MEETING_LIMIT, "The meeting's name")
    if not name:
        raise StoryError("Give the meeting a name (for example 'Board, 12 March 2027').")
    text = clean(summary, SUMMARY_LIMIT, "The summary")
    specs = tuple(specs)
    if len(specs) > SLIDE_LIMIT:
        raise StoryError(f"The story has {len(specs)} slides; a story holds at most {SLIDE_LIMIT}. Remove some.")
    kept = []
    for number, spec in enumerate(specs, start=1):
        if spec.kind != "chart" and spec.kind not in standard.KINDS:
            raise StoryError(f"Slide {number} is of an unknown kind ({spec.kind!r}).")
        if len(spec.figure) > FIGURE_LIMIT:
            raise StoryError(f"Slide {number}'s chart is too large to keep in a story.")
        kept.append(
            replace(
                spec,
                title=clean(spec.title, TITLE_LIMIT, f"The title of slide {number}"),
                commentary=clean(spec.commentary, COMMENTARY_LIMIT, f"The commentary on slide {number}"),
            )
        )
    return name, text, tuple(kept)


def plan(
    *,
    story_id: str | None,
    seen_version: int,
    meeting: object,
    meeting_date: date | None,
    summary: object,
    specs,
    who: str,
    request_id: str,
    action: str | None = None,
    duplicated_from: str | None = None,
    snapshot: str | None = None,
    data_date: date | None = None,
    data_version: str | None = None,
    now: datetime | None = None,
) -> store.NewStoryVersion:
    """The store row for one save of a story: a new story (story_id None), an edit, a duplicate or an approval."""
    if not who or not str(who).strip():
        raise StoryError("A story needs the name of whoever saves it.")
    name, text, kept = checked(meeting, summary, specs)
    action = action or ("create" if story_id is None else "edit")
    return store.NewStoryVersion(
        request_id=request_id,
        story_id=story_id or uuid.uuid4().hex,
        version=1 if story_id is None or action == "duplicate" else seen_version + 1,
        action=action,
        meeting=name,
        meeting_date=meeting_date,
        summary=text,
        slides=specs_json(kept),
        saved_by=str(who).strip(),
        saved_at=_now(now),
        duplicated_from=duplicated_from,
        snapshot=snapshot,
        data_date=data_date,
        data_version=data_version,
    )


def editor() -> str:
    """Who saves: the signed-in reviewer or admin, checked afresh at each write (never from the page's state)."""
    from dashboard import auth  # here: it starts Streamlit's machinery, which the store's tests do not need

    return auth.current_reviewer().name


def _admin() -> str:
    from dashboard import auth

    viewer = auth.current_verdict().viewer
    if viewer is None or not viewer.is_admin:
        raise PermissionError("Only the dashboard's administrators can approve a story.")
    return viewer.name


def save(row: store.NewStoryVersion) -> int:
    """Write a planned version; returns its number (raises store.StoryConflict when someone saved first)."""
    return store.append_story_version(row)


def create(meeting: object, meeting_date: date | None, specs, *, summary: object = "", request_id: str) -> str:
    """Start a story for the signed-in editor; returns its id."""
    row = plan(story_id=None, seen_version=0, meeting=meeting, meeting_date=meeting_date, summary=summary,
               specs=specs, who=editor(), request_id=request_id)  # fmt: skip
    save(row)
    return row.story_id


def edit(story_id: str, seen_version: int, meeting: object, meeting_date: date | None, summary: object, specs,
         *, request_id: str) -> int:  # fmt: skip
    """Save the signed-in editor's changes as the next version; refused if the story moved on since `seen_version`."""
    return save(plan(story_id=story_id, seen_version=seen_version, meeting=meeting, meeting_date=meeting_date,
                     summary=summary, specs=specs, who=editor(), request_id=request_id))  # fmt: skip


def duplicate(source: Story, meeting: object, meeting_date: date | None, *, request_id: str) -> str:
    """A new story with another's slides, titles and commentary, for the next meeting; returns its id."""
    row = plan(story_id=None, seen_version=0, meeting=meeting, meeting_date=meeting_date, summary=source.summary,
               specs=source.slides, who=editor(), request_id=request_id, action="duplicate",
               duplicated_from=f"{source.story_id}:{source.version}")  # fmt: skip
    save(row)
    return row.story_id


def approve(source: Story, rendered: list[Slide], data_date: date, data_version: str, *, request_id: str) -> int:
    """Approve a story as it is now, freezing `rendered` (its slides as drawn now) as its snapshot."""
    snapshot = json.dumps([slide_json(slide) for slide in rendered], ensure_ascii=False)
    return save(plan(story_id=source.story_id, seen_version=source.version, meeting=source.meeting,
                     meeting_date=source.meeting_date, summary=source.summary, specs=source.slides, who=_admin(),
                     request_id=request_id, action="approve", snapshot=snapshot, data_date=data_date,
                     data_version=data_version))  # fmt: skip


def add_slide(spec: SlideSpec, story_id: str | None = None) -> tuple[str, int]:
    """Add a slide to the end of a story; returns (story id, its position).

    With no story given it goes to the draft saved most recently (the one the team is writing), else to a new story,
    'Next board meeting'.
    """
    if story_id is None:
        drafts = heads()
        drafts = drafts[drafts["action"] != "approve"]
        story_id = drafts.iloc[0]["story_id"] if len(drafts) else None
    if story_id is not None:
        current = load(story_id)
        if current is not None:
            edit(current.story_id, current.version, current.meeting, current.meeting_date, current.summary,
                 [*current.slides, spec], request_id=new_request_id())  # fmt: skip
            return current.story_id, len(current.slides) + 1
    return create(DEFAULT_MEETING, None, [spec], request_id=new_request_id()), 1


def snapshot_slides(current: Story) -> list[Slide]:
    """The slides an approval froze."""
    return [slide_from_json(values) for values in json.loads(current.snapshot or "[]")]


def shown(current: Story, choices: dict[str, pd.DataFrame]) -> list[Slide]:
    """A story's slides: frozen as approved when this version is an approval, else drawn from today's data."""
    if current.approved and current.snapshot:
        return snapshot_slides(current)
    return [render(spec, choices) for spec in current.slides]


def marked(slides: list[Slide], current: Story | None) -> list[Slide]:
    """Slides for an export: a draft's sections say 'Draft, version N', so no printed page passes for approved."""
    if current is None or current.approved:
        return slides
    return [replace(slide, section=f"Draft, version {current.version}: {slide.section}") for slide in slides]


def status_line(current: Story | None) -> str:
    """What an export says of the story: its meeting, version and status."""
    if current is None:
        return "Default story (not written or approved by the team)."
    when = f" ({current.meeting_date:%-d %B %Y})" if current.meeting_date else ""
    return f"{current.meeting}{when}: version {current.version}, {current.status}."


def exported(current: Story, slides: list[Slide]) -> list[Slide]:
    """A story's slides for the board pack and the report: the summary first, a draft's marked as such."""
    return marked([summary_slide(current.meeting, current.summary, slides), *slides], current)


def export_cover(current: Story, data_date: date, status: str, source: str) -> dict:
    """The cover facts the board pack and the report take, for a team's story."""
    return {
        "filters": "Each slide's filters are in its notes.",
        "data_date": data_date,
        "status": f"{status_line(current)} {status}",
        "source": source,
    }
