"""Presentation mode: one 16:9 slide at a time, readable from the back of a room, with speaker notes in a second tab."""

import threading
import uuid
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, data, filters, plaintext
from dashboard.story import standard, stories
from dashboard.story.slides import Slide

SLIDE_KEY = "present_slide"
STORY_PARAM, NOTES_PARAM, ROOM_PARAM = "story", "notes", "room"
# Chart text at room scale: 20 px is at least 18 px on a 1920 x 1080 screen, and still fits a 1280 x 720 one.
ROOM_FONT = 20
# Rows of a chart's category axis that one slide shows: at 20 px, 15 rows fit the chart's height on a 1280 x 720
# screen without their names overlapping. A chart with more (every department, say) continues on the next slide.
ROOM_ROWS = 15
# The slide each presenter's room shows, shared with that room's speaker-notes tab (another session of this server).
_ROOMS: dict[str, int] = {}
_ROOMS_LOCK = threading.Lock()
# Static CSS only (no data reaches it). The page is a 16:9 stage as wide as the screen allows; the chart takes the
# height the headline and footer leave, so no slide scrolls on a 1280 x 720 or a 1920 x 1080 screen.
ROOM_STYLE = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container {
  max-width: min(100vw, calc(100vh * 16 / 9)); padding: 0.6rem 1.5rem 0.4rem !important;
}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.5rem; }
.st-key-present_bar button { min-height: 2rem; padding: 0.1rem 0.6rem; }
.st-key-present_bar p { font-size: 1rem !important; }
.st-key-present_hidden_keys { display: none !important; }
h1 { font-size: clamp(1.7rem, 2.4vw, 3rem) !important; line-height: 1.2 !important; padding: 0.2rem 0 !important; }
.st-key-present_stage .stMarkdown p, .st-key-present_stage .stMarkdown li {
  font-size: clamp(1.2rem, 1.5vw, 1.8rem) !important; line-height: 1.35;
}
.st-key-present_stage [data-testid="stMetricValue"] { font-size: clamp(2rem, 3vw, 3.4rem) !important; }
.st-key-present_stage [data-testid="stMetricLabel"] p { font-size: clamp(1.1rem, 1.3vw, 1.5rem) !important; }
.st-key-present_chart, .st-key-present_chart [data-testid="stElementContainer"],
.st-key-present_chart [data-testid="stFullScreenFrame"], .st-key-present_chart [data-testid="stPlotlyChart"],
.st-key-present_chart [data-testid="stDeckGlJsonChart"], .st-key-present_chart [data-testid="stDeckGlJsonChart"] > div,
.st-key-present_chart .js-plotly-plot, .st-key-present_chart .plot-container, .st-key-present_chart .svg-container {
  height: max(14rem, calc(100vh - 13.5rem)) !important;
}
.st-key-present_footer p { font-size: 1.1rem !important; margin: 0; }
.st-key-present_notes .stMarkdown p, .st-key-present_notes .stMarkdown li { font-size: 1.5rem !important; }
</style>"""


def enter() -> None:
    """Switch the current view to presentation mode (the filters in the URL stay)."""
    st.query_params["present"] = "true"
    st.session_state[SLIDE_KEY] = 0


def leave() -> None:
    """Back to the dashboard."""
    for name in ("present", STORY_PARAM, NOTES_PARAM, ROOM_PARAM):
        st.query_params.pop(name, None)
    st.session_state[SLIDE_KEY] = 0


def is_on() -> bool:
    """True when the URL asks for presentation mode."""
    return st.query_params.get("present") == "true"


def _room() -> str:
    room = st.query_params.get(ROOM_PARAM)
    if not room or not room.isalnum() or len(room) > 32:
        room = uuid.uuid4().hex[:12]
        st.query_params[ROOM_PARAM] = room
    return room


def _go(index: int, count: int) -> None:
    st.session_state[SLIDE_KEY] = index % count


def _move(step: int, count: int) -> None:
    _go(st.session_state.get(SLIDE_KEY, 0) + step, count)


def cover_slide(current: stories.Story | None, data_date, status: str, contents: tuple[str, ...] = ()) -> Slide:
    """The cover: the meeting and its date (or the default story's name), the status, the data date and, for a story
    with no summary slide, the headlines to come."""
    if current is None:
        headline, when = "GSE Insight: the board story", ""
    else:
        headline = current.meeting
        when = f"{current.meeting_date:%-d %B %Y}" if current.meeting_date else ""
    lines = [line for line in (when, status, f"Data as of {data_date:%-d %B %Y}") if line]
    return Slide(
        section="Cover", headline=headline, table=pd.DataFrame({"Headline": list(contents)}), notes=tuple(lines)
    )


def room_figure(figure: go.Figure) -> go.Figure:
    """A page's figure at room scale: no title (the slide's heading says it), every text 20 px, the stage's height."""
    shown = charts.untitled(go.Figure(figure))
    big = {"size": ROOM_FONT}
    shown.update_layout(font=big, legend={"font": big}, hoverlabel={"font": big}, height=None, autosize=True)
    shown.update_xaxes(tickfont=big, title_font=big)
    shown.update_yaxes(tickfont=big, title_font=big)
    shown.update_traces(textfont=big, selector=lambda trace: "textfont" in trace)
    shown.update_traces(colorbar={"tickfont": big, "title": {"font": big}}, selector={"type": "heatmap"})
    shown.update_annotations(font_size=ROOM_FONT)
    rows = (shown.layout.meta or {}).get("room_rows") if isinstance(shown.layout.meta, dict) else None
    if rows:
        # A categorical axis counts its categories from 0 at the bottom: the window shows rows[0] to rows[1].
        shown.update_yaxes(range=[rows[0] - 0.5, rows[1] + 0.5], autorange=False)
        # One line per name: with fewer rows each has the room, and wrapped names read badly from afar.
        for trace in shown.data:
            if trace.y is not None and len(trace.y) and all(isinstance(value, str) for value in trace.y):
                trace.y = [value.replace("<br>", " ") for value in trace.y]
        for axis in shown.select_yaxes():
            for name in ("categoryarray", "ticktext", "tickvals"):
                values = axis[name]
                if values is not None and all(isinstance(value, str) for value in values):
                    axis[name] = [value.replace("<br>", " ") for value in values]
    charts.fit_labels(shown)
    # fit_labels keeps room for labels at the page's size; at room scale each character is wider.
    shown.layout.margin.r = round((shown.layout.margin.r or 10) * ROOM_FONT / (charts.LABEL_CHAR_PX * 1.8))
    return shown


def paged(slides: list[Slide]) -> list[Slide]:
    """The slides at room scale: a chart with more than ROOM_ROWS categories continues on the slides after it."""
    result = []
    for slide in slides:
        names = charts.categories(slide.figure) if slide.figure is not None and slide.deck is None else []
        if len(names) <= ROOM_ROWS:
            result.append(slide)
            continue
        parts = -(-len(names) // ROOM_ROWS)
        size = -(-len(names) // parts)
        for part in range(parts):
            top = len(names) - 1 - part * size
            window = go.Figure(slide.figure)
            window.layout.meta = {"room_rows": [max(0, top - size + 1), top]}
            section = f"{slide.section} ({part + 1} of {parts})"
            result.append(replace(slide, section=section, figure=window))
    return result


def chosen_story() -> stories.Story | None:
    """The team's story the link names: an editor sees its current version, anyone else its approved one (or none)."""
    from dashboard import auth

    story_id = st.query_params.get(STORY_PARAM)
    if not story_id:
        return None
    try:
        current = stories.load(story_id)
        viewer = auth.current_verdict().viewer
        if current is not None and not (viewer and viewer.is_reviewer) and not current.approved:
            current = stories.latest_approved(story_id)
    except Exception as problem:
        st.warning(plaintext.markdown(f"The team's story could not be read ({problem}); showing the default story."))
        return None
    if current is None:
        st.warning("The story in the link is not in the team's store (or has no approved version): the default story.")
    return current


def deck(active: filters.Filters) -> tuple[list[Slide], str]:
    """The slides to present, cover first, and the footer that says what they are."""
    current = chosen_story()
    info = data.build_info()
    data_date = data.as_date(info["data_date"])
    if current is None:
        content = standard.slides(active)
        footer = f"Default story. Filters: {filters.in_words(active)} Data as of {data_date:%-d %B %Y}."
        contents = tuple(slide.headline for slide in content)
        return [cover_slide(None, data_date, "Default story", contents), *paged(content)], footer
    content = stories.shown(current, filters.options())
    if current.approved and current.data_date:
        data_date = current.data_date
    status = f"Version {current.version}, {current.status}"
    summary = stories.summary_slide(current.meeting, current.summary, content)
    footer = f"{current.meeting}. {status}. Data as of {data_date:%-d %B %Y}. Each slide's filters are in its notes."
    return [cover_slide(current, data_date, status), summary, *paged(content)], footer


def show() -> None:
    """Draw the current slide with its navigation, or, in a speaker-notes tab, the notes of the room's slide."""
    st.html(ROOM_STYLE)
    active = filters.current()
    slides, footer = deck(active)
    if st.query_params.get(NOTES_PARAM) == "true":
        notes_view(slides)
        return
    room = _room()
    count = len(slides)
    index = st.session_state.setdefault(SLIDE_KEY, 0) % count
    with _ROOMS_LOCK:
        _ROOMS[room] = index
    slide = slides[index]
    navigation(index, count, slide, room)
    with st.container(key="present_stage"):
        stage(slide, index, is_cover=index == 0)
    with st.container(key="present_footer"):
        st.caption(plaintext.markdown(footer))


def navigation(index: int, count: int, slide: Slide, room: str) -> None:
    """The bar above the slide: where we are, the buttons and their keys (arrows, Page Up/Down, Home, End)."""
    with st.container(key="present_bar", horizontal=True, vertical_alignment="center"):
        st.button("Previous", on_click=_move, args=(-1, count), shortcut="ArrowLeft", icon=":material/arrow_back:")
        st.markdown(f"Slide {index + 1} of {count}: **{plaintext.markdown(slide.section)}**")
        st.button("Next", on_click=_move, args=(1, count), shortcut="ArrowRight", icon=":material/arrow_forward:")
        st.button("First", on_click=_go, args=(0, count), shortcut="Home", icon=":material/first_page:")
        st.button("Last", on_click=_go, args=(count - 1, count), shortcut="End", icon=":material/last_page:")
        notes_link = f"?present=true&{NOTES_PARAM}=true&{ROOM_PARAM}={room}"
        story_id = st.query_params.get(STORY_PARAM)
        if story_id and story_id.isalnum():
            notes_link += f"&{STORY_PARAM}={story_id}"
        st.link_button("Speaker notes", notes_link, icon=":material/speaker_notes:")
        st.button("Leave presentation", on_click=leave, icon=":material/close:")
    # Presentation clickers send Page Up and Page Down: the same moves, on buttons kept out of sight.
    with st.container(key="present_hidden_keys"):
        st.button("Previous slide", on_click=_move, args=(-1, count), shortcut="PageUp", key="present_page_up")
        st.button("Next slide", on_click=_move, args=(1, count), shortcut="PageDown", key="present_page_down")


def stage(slide: Slide, index: int, *, is_cover: bool) -> None:
    """One slide: its headline once, then its numbers, chart or map at the height the screen leaves."""
    st.title(plaintext.markdown(slide.headline))
    if slide.notice:
        st.warning(plaintext.markdown(slide.notice), icon=":material/sync_problem:")
    if is_cover:
        st.markdown("\n".join(f"- {plaintext.markdown(line)}" for line in slide.notes))
        headlines = slide.table["Headline"].tolist() if "Headline" in slide.table else []
        if headlines:
            st.markdown("**In this story**")
            st.markdown("\n".join(f"{number}. {plaintext.markdown(line)}" for number, line in enumerate(headlines, 1)))
        return
    if slide.kpis:
        for start in range(0, len(slide.kpis), 4):
            for column, (label, value) in zip(st.columns(4), slide.kpis[start : start + 4], strict=False):
                column.metric(label, value, border=True)
        findings = [note for note in slide.notes if note != slide.headline and not note.startswith("Filters:")]
        st.markdown("\n".join(f"- {plaintext.markdown(note)}" for note in findings[:3]))
        return
    if slide.section == "Summary":
        if slide.commentary:
            st.markdown(stories.safe_markdown(slide.commentary))
        headlines = slide.table["Headline"].tolist() if "Headline" in slide.table else []
        st.markdown("\n".join(f"{number}. {plaintext.markdown(line)}" for number, line in enumerate(headlines, 1)))
        return
    with st.container(key="present_chart"):
        if slide.deck is not None:
            st.pydeck_chart(slide.deck, height="stretch", key=f"present_deck_{index}", alt=slide.deck_alt or None)
        elif slide.figure is not None:
            st.plotly_chart(room_figure(slide.figure), height="stretch", theme=None, key=f"present_figure_{index}",
                            config={"displayModeBar": False})  # fmt: skip
        else:
            st.dataframe(slide.table, hide_index=True, height="stretch")


@st.fragment(run_every=1.0)
def _follow(slides: list[Slide]) -> None:
    room = st.query_params.get(ROOM_PARAM, "")
    with _ROOMS_LOCK:
        index = _ROOMS.get(room, 0) % len(slides)
    slide = slides[index]
    with st.container(key="present_notes"):
        st.caption(f"Slide {index + 1} of {len(slides)}: {plaintext.markdown(slide.section)}")
        st.header(plaintext.markdown(slide.headline))
        if slide.commentary:
            st.markdown(stories.safe_markdown(slide.commentary))
        else:
            st.caption("No commentary on this slide.")
        findings = [note for note in slide.notes if note != slide.headline and note != stories.plain(slide.commentary)]
        if findings:
            st.markdown("\n".join(f"- {plaintext.markdown(note)}" for note in findings))


def notes_view(slides: list[Slide]) -> None:
    """Speaker notes, following the room's slide as the presenter moves (checked every second)."""
    st.title("Speaker notes")
    st.caption("This tab follows the presentation it was opened from. Keep it on your own screen.")
    _follow([replace(slide, table=pd.DataFrame(), figure=None, deck=None) for slide in slides])
