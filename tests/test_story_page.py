"""The Board story page under AppTest: two editors at once never lose an edit silently, and the limits are enforced."""

from dashboard import store
from dashboard.story import report, stories

PAGE = "dashboard/pages/story.py"


def a_story(meeting: str = "Board, March 2027") -> store.NewStoryVersion:
    """A one-slide story, written to the store as another editor would."""
    row = stories.plan(story_id=None, seen_version=0, meeting=meeting, meeting_date=None, summary="",
                       specs=[stories.SlideSpec(kind="themes", source="Suggestion themes")],
                       who="ann@go-science.gov.uk", request_id=stories.new_request_id())  # fmt: skip
    store.append_story_version(row)
    return row


def save_button(app):
    return next(button for button in app.button if button.label.startswith("Save as version"))


def test_the_second_of_two_editors_is_refused_and_told_who_saved_first(fixture_db, use_db, open_page, fresh_store):
    use_db(fixture_db)
    row = a_story()
    first, second = open_page(PAGE), open_page(PAGE)
    form = f"story_form_{row.story_id}_1"
    for app, summary in ((first, "First editor's summary"), (second, "Second editor's summary")):
        assert not app.exception
        app.text_area(key=f"{form}_summary").input(summary)
    save_button(first).click().run()
    assert not first.exception and not first.error
    save_button(second).click().run()
    assert not second.exception
    (refusal,) = [error.value for error in second.error]
    assert refusal.startswith("Not saved: local saved version 2 of this story")
    history = stories.history(row.story_id)
    assert history["version"].tolist() == [2, 1]
    assert history["summary"].tolist() == ["First editor's summary", ""]
    # The second editor's words are still in the form, to save again once they have seen the first's.
    assert second.text_area(key=f"{form}_summary").value == "Second editor's summary"


def test_commentary_up_to_the_limit_is_kept_as_written(fixture_db, use_db, open_page, fresh_store):
    use_db(fixture_db)
    row = a_story()
    app = open_page(PAGE)
    spec = stories.load(row.story_id).slides[0]
    box = app.text_area(key=f"story_form_{row.story_id}_1_{spec.slide_id}_commentary")
    # The box stops typing and pasting at 2,000 characters (a longer value sent anyway is refused on save:
    # test_stories.py); emoji, Arabic and formula starts within it are kept as written.
    assert box.proto.max_chars == 2000
    text = ("=SUM(A1) 🚀 مرحبا <b>x</b> " * 100)[:2000]
    box.input(text)
    save_button(app).click().run()
    assert not app.exception and not app.error
    assert stories.load(row.story_id).slides[0].commentary == text.strip()


def test_a_story_is_started_with_the_default_slides_profession_included(fixture_db, use_db, open_page, fresh_store):
    use_db(fixture_db)
    app = open_page(PAGE)
    app.text_input(key="story_new_meeting").input("Board, 12 March 2027")
    next(button for button in app.button if button.label == "Start").click().run()
    assert not app.exception
    (head,) = stories.heads().itertuples()
    current = stories.load(head.story_id)
    assert current.meeting == "Board, 12 March 2027" and current.saved_by == "local"
    assert [spec.kind for spec in current.slides] == ["overview", "roadtrip", "themes", "leadership", "profession"]


def test_a_hostile_meeting_name_stays_text_in_every_label(fixture_db, use_db, open_page, fresh_store):
    use_db(fixture_db)
    a_story("[click](http://evil.example) <b>x</b> ![i](http://evil.example/x.png)")
    app = open_page(PAGE)
    assert not app.exception
    approve = next(button for button in app.button if button.label.startswith("Approve for"))
    # Escaped for Markdown: the brackets and angle brackets are shown, never made a link, an image or a tag.
    assert "\\[click\\]" in approve.label and "\\<b\\>" in approve.label and "!\\[i\\]" in approve.label
    status = next(block.value for block in app.markdown if "version 1" in block.value)
    assert "\\[click\\]" in status and "<b>" not in status


def test_a_slide_saved_with_a_location_an_import_removed_says_so(fixture_db, use_db, fresh_store):
    from dashboard import filters
    from dashboard.filters import Filters

    use_db(fixture_db)
    saved = stories.filters_json(Filters(location_ids=("atlantis",), nations=("Scotland",)))
    for kind in ("overview", "roadtrip", "themes", "leadership", "profession"):
        slide = stories.render(stories.SlideSpec(kind=kind, filters=saved, title=""), filters.options())
        assert "location atlantis, no longer in the data" in slide.notice, kind
        assert "could not be drawn" not in slide.headline, (kind, slide.notes)


def test_a_leadership_slide_keeps_the_scheme_it_was_added_with(fixture_db, use_db, fresh_store, monkeypatch):
    from dashboard import filters

    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(fixture_db)
    every = stories.render(stories.SlideSpec(kind="leadership"), filters.options())
    one = stories.render(stories.SlideSpec(kind="leadership", choices={"leadership_scheme": "fls"}), filters.options())
    assert any("participants per 100 members in all schemes together" in note for note in every.notes)
    assert any("participants per 100 members in the Future Leaders Scheme" in note for note in one.notes), one.notes
    # A scheme an import removed falls back to every scheme, and the slide says so.
    gone = stories.render(
        stories.SlideSpec(kind="leadership", choices={"leadership_scheme": "retired"}), filters.options()
    )
    assert any("participants per 100 members in all schemes together" in note for note in gone.notes)
    assert "scheme retired, no longer in the data" in gone.notice


def test_a_viewer_sees_only_approved_stories_as_approved_and_cannot_edit(fixture_db, use_db, open_page, fresh_store,
                                                                        monkeypatch):  # fmt: skip
    import json

    from dashboard import auth
    from tests.test_stories import frozen_slide, version

    use_db(fixture_db)
    viewer = auth.Verdict(auth.Viewer(email="viewer@go-science.gov.uk", is_admin=False, is_reviewer=False))
    monkeypatch.setattr(auth, "current_verdict", lambda: viewer)
    a_story("Draft only")
    approved = a_story("Board, March 2027")
    snapshot = json.dumps([stories.slide_json(frozen_slide("4,210"))])
    store.append_story_version(version(approved.story_id, seen=1, action="approve", snapshot=snapshot,
                                       meeting="Board, March 2027", request="approve-march-1"))  # fmt: skip
    store.append_story_version(version(approved.story_id, seen=2, meeting="Board, March 2027",
                                       summary="A later draft", request="draft-after-march"))  # fmt: skip
    app = open_page(PAGE)
    assert not app.exception
    (picker,) = app.selectbox
    assert picker.options == ["Board, March 2027 (v3 draft (v2 approved))"]
    # The viewer sees the approved version's frozen slide, not the later draft, and no form to edit or approve.
    previews = " ".join(block.value for block in app.markdown)
    assert "4,210 members" in previews and "version 2" in previews
    assert not [button for button in app.button if button.label.startswith(("Save as", "Approve", "Start"))]
    themes = open_page("dashboard/pages/themes.py")
    assert not [button for button in themes.button if button.label == "Add to the board story"]


def test_a_story_is_printed_to_pdf_on_request_with_its_own_slides(
    fixture_db, use_db, open_page, fresh_store, monkeypatch
):
    use_db(fixture_db)
    row = a_story()
    printed = []
    real_pdf = report.pdf

    def spy(html: bytes) -> bytes:
        printed.append((html, real_pdf(html)))
        return printed[-1][1]

    monkeypatch.setattr(report, "pdf", spy)
    app = open_page(PAGE)
    form = f"story_form_{row.story_id}_1"
    spec = stories.load(row.story_id).slides[0]
    app.text_input(key=f"{form}_{spec.slide_id}_title").input("Our own words on themes")
    save_button(app).click().run()
    app.button(key=f"story_pdf_{row.story_id}_make").click().run()
    assert not app.exception and not app.error
    # The PDF is this story's report (its team-written title, its meeting), printed by the real Chromium.
    ((html, pdf),) = printed
    assert b"Our own words on themes" in html and b"Board, March 2027" in html
    assert pdf.startswith(b"%PDF")
    labels = [element.proto.label for element in app.get("download_button")]
    assert "Download report (PDF)" in labels
    assert f"story_pdf_{row.story_id}_make" not in [button.key for button in app.button]
