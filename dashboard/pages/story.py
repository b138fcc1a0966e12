"""Board story: the slides the team presents at a board meeting, with their titles, commentary and sign-off."""

import zlib

import pandas as pd
import streamlit as st

from dashboard import about, auth, data, filters, layout, plaintext, store
from dashboard.story import boardpack, presentation, report, standard, stories

EDITING_KEY = "story_editing"
# The version of each story this session's editor opened: the form edits that version, and a save names it, so a
# save after someone else's is refused rather than lost (the form would otherwise redraw with their version).
SEEN_KEY = "story_seen_versions"


def present(story_id: str | None) -> None:
    """Start presentation mode on a story (None: the default story)."""
    presentation.enter()
    if story_id:
        st.query_params[presentation.STORY_PARAM] = story_id


def story_label(row) -> str:
    """A story in the picker: its meeting, version and status."""
    status = f"approved v{int(row.approved_version)}" if pd.notna(row.approved_version) else "draft"
    if pd.notna(row.approved_version) and int(row.approved_version) != int(row.version):
        status = f"v{int(row.version)} draft (v{int(row.approved_version)} approved)"
    return f"{row.meeting} ({status})"


def downloads(current: stories.Story, slides: list) -> None:
    """The board pack and the report of this story as it stands (an approved one as it was approved)."""
    info = data.build_info()
    data_date = current.data_date if current.approved and current.data_date else data.as_date(info["data_date"])
    cover = stories.export_cover(
        current, data_date, about.status(info), about.source(info, data.query("imports_history"))
    )
    pack = stories.exported(current, slides)
    # Named for the meeting, the version and a draft mark: 'gse-board-pack-board-12-march-2027-v3-draft.pptx'.
    meeting = f"{current.meeting} v{current.version}" + ("" if current.approved else " draft")
    choices = filters.options()
    names = {
        (kind, extension): standard.file_name(kind, extension, filters.Filters(), data_date, choices, meeting=meeting)
        for kind, extension in (("board-pack", "pptx"), ("report", "html"), ("report", "pdf"))
    }
    row = st.container(horizontal=True, wrap=True)
    row.download_button("Board pack (PPTX)", data.deferred(lambda: boardpack.build(pack, **cover)),
                        names["board-pack", "pptx"], "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                        key=f"story_pack_{current.story_id}_{current.version}", on_click="ignore",
                        icon=":material/co_present:")  # fmt: skip
    row.download_button("Report (HTML)", data.deferred(lambda: report.build(pack, **cover)),
                        names["report", "html"], "text/html", key=f"story_report_{current.story_id}_{current.version}",
                        on_click="ignore", icon=":material/description:")  # fmt: skip
    with row:
        layout.pdf_download(
            lambda: report.pdf(report.build(pack, **cover)),
            made_for=(current.story_id, current.version, info["data_version"]),
            file_name=names["report", "pdf"],
            key=f"story_pdf_{current.story_id}",
        )


def preview(slides: list, current: stories.Story) -> None:
    """Each slide as it will be shown: headline, what changed since it was saved, and the team's commentary."""
    for number, slide in enumerate(slides, start=1):
        with st.container(border=True, key=f"story_preview_{number}"):
            st.caption(f"Slide {number}: {plaintext.markdown(slide.section)}")
            st.markdown(f"**{plaintext.markdown(slide.headline)}**")
            if slide.notice:
                st.warning(plaintext.markdown(slide.notice), icon=":material/sync_problem:")
            if slide.commentary:
                st.markdown(stories.safe_markdown(slide.commentary))


def choice_key(labels: dict) -> str:
    """The story picker's key, new whenever a story's label changes (approved, renamed), so the picker shows it."""
    return f"story_choice_{zlib.crc32(repr(sorted(labels.items())).encode()):08x}"


def session_token() -> str:
    """This session's own part of a save's request id: a double click repeats it, another editor's save does not."""
    return st.session_state.setdefault("story_session_token", stories.new_request_id()[:16])


def opened_version(latest: stories.Story) -> stories.Story:
    """The version this editor opened (the latest when they first open the story), saying so when it is not the latest."""
    seen = st.session_state.setdefault(SEEN_KEY, {})
    version = seen.setdefault(latest.story_id, latest.version)
    if version == latest.version:
        return latest
    st.warning(
        f"{plaintext.markdown(latest.saved_by)} saved version {latest.version} of this story at "
        f"{latest.saved_at:%H:%M} UTC after you opened version {version}. Your form below still holds your edits to "
        f"version {version}: copy anything you need, then load theirs.",
        icon=":material/group:",
    )
    if st.button(f"Load version {latest.version}", key=f"story_reload_{latest.story_id}", icon=":material/refresh:"):
        seen[latest.story_id] = latest.version
        st.rerun()
    return stories.load(latest.story_id, version) or latest


def editor_form(current: stories.Story) -> None:
    """Meeting, date, summary and each slide's place, title and commentary; saved as the next version, or refused."""
    form_key = f"story_form_{current.story_id}_{current.version}"
    with st.form(form_key):
        st.subheader("Edit the story")
        meeting = st.text_input("Meeting", current.meeting, max_chars=stories.MEETING_LIMIT, key=f"{form_key}_meeting")
        when = st.date_input("Meeting date", current.meeting_date, key=f"{form_key}_date", format="DD/MM/YYYY")
        summary = st.text_area("Summary (shown on the summary slide; **bold**, *italics* and lists allowed)",
                               current.summary, max_chars=stories.SUMMARY_LIMIT, key=f"{form_key}_summary")  # fmt: skip
        edits = []
        for number, spec in enumerate(current.slides, start=1):
            with st.container(border=True):
                st.caption(
                    f"Slide {number}: {plaintext.markdown(spec.source or standard.KINDS.get(spec.kind, spec.kind))}"
                )
                place, drop = st.columns([3, 1], vertical_alignment="bottom")
                position = place.number_input("Position", 1, len(current.slides), number,
                                              key=f"{form_key}_{spec.slide_id}_position")  # fmt: skip
                remove = drop.checkbox("Remove", key=f"{form_key}_{spec.slide_id}_remove")
                title = st.text_input("Title (empty: the slide's own headline)", spec.title,
                                      max_chars=stories.TITLE_LIMIT, key=f"{form_key}_{spec.slide_id}_title")  # fmt: skip
                commentary = st.text_area("Commentary (speaker notes; **bold**, *italics* and lists allowed)",
                                          spec.commentary, max_chars=stories.COMMENTARY_LIMIT,
                                          key=f"{form_key}_{spec.slide_id}_commentary")  # fmt: skip
                edits.append((position, number, remove, stories.SlideSpec(**{**spec.__dict__, "title": title,
                                                                             "commentary": commentary})))  # fmt: skip
        saved = st.form_submit_button(f"Save as version {current.version + 1}", type="primary", icon=":material/save:")
    if saved:
        ordered = [spec for _, _, remove, spec in sorted(edits, key=lambda edit: (edit[0], edit[1])) if not remove]
        try:
            version = stories.edit(current.story_id, current.version, meeting, when, summary, ordered,
                                   request_id=f"{form_key}-{session_token()}")  # fmt: skip
        except (stories.StoryError, store.StoryConflict, PermissionError, store.StoreBusy) as problem:
            st.error(plaintext.markdown(str(problem)), icon=":material/error:")
        else:
            st.session_state.setdefault(SEEN_KEY, {})[current.story_id] = version
            st.rerun()


def approve_block(current: stories.Story, slides: list) -> None:
    """Admins approve the story for its meeting: its slides as shown now are frozen with the data's date."""
    if current.approved:
        return
    if st.button(f"Approve for {plaintext.markdown(current.meeting)}", key=f"story_approve_{current.story_id}_{current.version}",
                 icon=":material/verified:", help="Freezes these slides' numbers as they are now."):  # fmt: skip
        info = data.build_info()
        try:
            version = stories.approve(current, slides, data.as_date(info["data_date"]), str(info["data_version"]),
                                      request_id=f"approve-{current.story_id}-{current.version}-{session_token()}")  # fmt: skip
        except (stories.StoryError, store.StoryConflict, PermissionError, store.StoreBusy) as problem:
            st.error(plaintext.markdown(str(problem)), icon=":material/error:")
        else:
            st.session_state.setdefault(SEEN_KEY, {})[current.story_id] = version
            st.rerun()


active = filters.current()
layout.header("Board story", "What will the board see, in what order, and what will we say about each slide?")
# The filters are the default story's; a saved story keeps each slide's own. Said first, as on every page: whether the
# data is the made-up sample, and how current it is.
layout.filter_caption(active)
editor = layout.can_edit_stories()

viewer = auth.current_verdict().viewer
is_admin = bool(viewer and viewer.is_admin)
try:
    heads = stories.heads()
except store.StoreBusy as busy:
    st.error(plaintext.markdown(str(busy)))
    st.stop()
if not editor:
    heads = heads[heads["approved_version"].notna()]

st.button("Present the default story", key="story_present_default", on_click=present, args=(None,),
          icon=":material/slideshow:", help="The dashboard's own story for the current filters, with no commentary.")  # fmt: skip
if heads.empty:
    st.info(
        "No story has been written yet"
        + (": start one below, or add charts from any page with *Add to the board story*." if editor else ".")
    )
else:
    ids = heads["story_id"].tolist()
    chosen_id = st.session_state.get(EDITING_KEY)
    labels = {row.story_id: story_label(row) for row in heads.itertuples()}
    story_id = st.selectbox("Story", ids, index=ids.index(chosen_id) if chosen_id in ids else 0,
                            format_func=labels.get, key=choice_key(labels))  # fmt: skip
    st.session_state[EDITING_KEY] = story_id
    current = stories.load(story_id) if editor else stories.latest_approved(story_id)
    slides = stories.shown(current, filters.options())
    when = f", {current.meeting_date:%-d %B %Y}" if current.meeting_date else ""
    st.markdown(
        f"**{plaintext.markdown(current.meeting)}{when}**: version {current.version}, "
        f"{plaintext.markdown(current.status)}, {len(slides)} slide{'' if len(slides) == 1 else 's'}. Last saved by {plaintext.markdown(current.saved_by)} "
        f"at {current.saved_at:%H:%M} UTC on {current.saved_at:%-d %B %Y}."
    )
    actions = st.container(horizontal=True, wrap=True)
    actions.button("Present this story", key="story_present", on_click=present, args=(story_id,),
                   type="primary", icon=":material/slideshow:")  # fmt: skip
    with actions:
        downloads(current, slides)
    if is_admin:
        approve_block(current, slides)
    preview(slides, current)
    if editor:
        editor_form(opened_version(current))
        with st.form("story_duplicate"):
            st.subheader("Duplicate for the next meeting")
            meeting = st.text_input("Next meeting", max_chars=stories.MEETING_LIMIT, key="story_duplicate_meeting")
            when = st.date_input("Its date", None, key="story_duplicate_date", format="DD/MM/YYYY")
            if st.form_submit_button("Duplicate", icon=":material/content_copy:"):
                try:
                    new_id = stories.duplicate(current, meeting, when, request_id=stories.new_request_id())
                except (stories.StoryError, PermissionError, store.StoreBusy) as problem:
                    st.error(plaintext.markdown(str(problem)), icon=":material/error:")
                else:
                    st.session_state[EDITING_KEY] = new_id
                    st.rerun()
    st.subheader("History")
    history = stories.history(story_id)
    st.dataframe(
        pd.DataFrame({
            "Version": history["version"],
            "Action": history["action"].map({"create": "Started", "edit": "Edited", "duplicate": "Duplicated",
                                              "approve": "Approved"}),
            "Meeting": history["meeting"],
            "By": history["saved_by"],
            "When (UTC)": history["saved_at"].dt.strftime("%-d %b %Y %H:%M"),
            "Data as of": [
                "" if pd.isna(day) else f"{pd.Timestamp(day):%-d %b %Y}" for day in history["data_date"]
            ],
        }),
        hide_index=True,
    )  # fmt: skip

if editor:
    with st.form("story_new"):
        st.subheader("Start a story")
        meeting = st.text_input("Meeting", max_chars=stories.MEETING_LIMIT, key="story_new_meeting")
        when = st.date_input("Meeting date", None, key="story_new_date", format="DD/MM/YYYY")
        st.caption("It starts with the default slides for the current filters; add charts from any page.")
        if st.form_submit_button("Start", icon=":material/add:"):
            specs = [stories.SlideSpec(kind=kind, filters=stories.filters_json(active), source=section)
                     for kind, section in standard.KINDS.items()]  # fmt: skip
            try:
                new_id = stories.create(meeting, when, specs, request_id=stories.new_request_id())
            except (stories.StoryError, PermissionError, store.StoreBusy) as problem:
                st.error(plaintext.markdown(str(problem)), icon=":material/error:")
            else:
                st.session_state[EDITING_KEY] = new_id
                st.rerun()
