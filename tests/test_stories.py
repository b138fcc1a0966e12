"""Board stories: the store's versions (append-only, concurrent saves, duplicates, approvals) and their bad input."""

import json
import re
import threading
from datetime import date, datetime

import duckdb
import pandas as pd
import pytest

from dashboard import store
from dashboard.filters import Filters
from dashboard.story import stories
from dashboard.story.slides import Series, Slide

ANN, BEN = "ann@go-science.gov.uk", "ben@go-science.gov.uk"
MARCH = date(2027, 3, 12)


def version(story_id=None, seen=0, who=ANN, request=None, specs=None, **changes) -> store.NewStoryVersion:
    """A story version as the store takes it, made by the model's own planner."""
    fields = {
        "story_id": story_id,
        "seen_version": seen,
        "meeting": "Board, March 2027",
        "meeting_date": MARCH,
        "summary": "",
        "specs": specs if specs is not None else [stories.SlideSpec(kind="themes", title="What members asked for")],
        "who": who,
        "request_id": request or f"request-{story_id}-{seen}-{who}",
    }
    return stories.plan(**{**fields, **changes})


def rows(path) -> pd.DataFrame:
    """Every row of story_versions, read straight from the file."""
    store.close_all()
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute("select * from story_versions order by version_id").df()


def test_a_new_story_and_an_edit_append_versions_with_who_and_when(fresh_store):
    first = version()
    assert store.append_story_version(first) == 1
    second = version(first.story_id, seen=1, who=BEN, meeting="Board, 12 March 2027")
    assert store.append_story_version(second) == 2
    table = rows(fresh_store)
    assert table["version"].tolist() == [1, 2]
    assert table["action"].tolist() == ["create", "edit"]
    assert table["saved_by"].tolist() == [ANN, BEN]
    # Append-only: the first version is still there as it was written.
    assert table["meeting"].tolist() == ["Board, March 2027", "Board, 12 March 2027"]
    history = stories.history(first.story_id)
    assert history["version"].tolist() == [2, 1]


def test_two_editors_at_once_one_lands_and_the_other_is_told_who_saved_first(fresh_store):
    first = version()
    store.append_story_version(first)
    outcomes, gate = {}, threading.Barrier(2)

    def save(who: str) -> None:
        row = version(first.story_id, seen=1, who=who, summary=f"{who}'s summary")
        gate.wait()
        try:
            outcomes[who] = store.append_story_version(row)
        except store.StoryConflict as conflict:
            outcomes[who] = conflict

    threads = [threading.Thread(target=save, args=(who,)) for who in (ANN, BEN)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    landed = [who for who, outcome in outcomes.items() if outcome == 2]
    refused = [outcome for outcome in outcomes.values() if isinstance(outcome, store.StoryConflict)]
    assert len(landed) == 1 and len(refused) == 1
    assert landed[0] in str(refused[0]) and "version 2" in str(refused[0])
    table = rows(fresh_store)
    assert table["version"].tolist() == [1, 2]
    assert table["summary"].tolist()[-1] == f"{landed[0]}'s summary"


def test_a_stale_save_is_refused_even_long_after(fresh_store):
    first = version()
    store.append_story_version(first)
    store.append_story_version(version(first.story_id, seen=1, who=BEN))
    with pytest.raises(store.StoryConflict, match=BEN):
        store.append_story_version(version(first.story_id, seen=1, who=ANN, request="ann-late-save"))
    assert len(rows(fresh_store)) == 2


def test_the_database_itself_refuses_two_versions_with_the_same_number(fresh_store):
    first = version()
    store.append_story_version(first)
    with store.connection(fresh_store) as connection, pytest.raises(duckdb.ConstraintException):
        values = {**first.__dict__, "request_id": "sneaky-second-version-1"}
        connection.execute(store.sql("insert_story_version"), values)


def test_a_double_click_saves_once(fresh_store):
    first = version(request="double-click-1")
    assert store.append_story_version(first) == 1
    assert store.append_story_version(first) == 1
    assert len(rows(fresh_store)) == 1


def test_a_duplicate_is_a_new_story_that_names_its_source(fresh_store):
    first = version(summary="March's summary", specs=[stories.SlideSpec(kind="themes", commentary="Said in March")])
    store.append_story_version(first)
    source = stories.load(first.story_id)
    copy = version(None, meeting="Board, April 2027", summary=source.summary, specs=source.slides, action="duplicate",
                   duplicated_from=f"{source.story_id}:1", request="duplicate-1")  # fmt: skip
    assert store.append_story_version(copy) == 1
    table = rows(fresh_store)
    assert len(set(table["story_id"])) == 2
    assert table["duplicated_from"].fillna("").tolist() == ["", f"{first.story_id}:1"]
    april = stories.load(copy.story_id)
    assert april.meeting == "Board, April 2027" and april.slides[0].commentary == "Said in March"
    assert stories.load(first.story_id).meeting == "Board, March 2027"


def frozen_slide(members: str) -> Slide:
    """A rendered slide with a table, a chart's numbers and KPIs, as an approval freezes it."""
    return Slide(
        section="At a glance",
        headline=f"{members} members",
        table=pd.DataFrame({"Measure": ["Members", "Workshops"], "Value": [members, "14"], "Count": [1, 2]}),
        series=Series(categories=("A", "B"), values=(1.0, None), name="Suggestions"),
        kpis=(("Members", members),),
        notes=(f"{members} members", "Filters: No filters: all data."),
        commentary="**Up** on last year",
    )


def test_an_approval_freezes_its_numbers_and_later_edits_start_a_new_version(fresh_store):
    first = version()
    store.append_story_version(first)
    snapshot = json.dumps([stories.slide_json(frozen_slide("4,210"))])
    approval = version(first.story_id, seen=1, who=BEN, action="approve", snapshot=snapshot,
                       data_date=date(2027, 3, 1), data_version="abc", request="approve-1")  # fmt: skip
    assert store.append_story_version(approval) == 2
    approved = stories.latest_approved(first.story_id)
    assert approved.approved and approved.status == "Approved for Board, March 2027"
    slide = stories.snapshot_slides(approved)[0]
    assert slide.headline == "4,210 members" and slide.kpis == (("Members", "4,210"),)
    assert slide.table["Value"].tolist() == ["4,210", "14"] and slide.table["Count"].tolist() == [1, 2]
    assert slide.series.values == (1.0, None)
    # An edit after the approval is version 3, a draft; the approval stays as it was.
    store.append_story_version(version(first.story_id, seen=2, summary="April changes", request="after-approval"))
    current = stories.load(first.story_id)
    assert (current.version, current.approved, current.status) == (3, False, "Draft")
    assert stories.latest_approved(first.story_id).version == 2
    heads = stories.heads()
    assert heads.loc[0, "approved_by"] == BEN and heads.loc[0, "approved_version"] == 2
    history = stories.history(first.story_id)
    assert history[history["action"] == "approve"]["saved_by"].tolist() == [BEN]


def test_an_approval_must_carry_its_snapshot(fresh_store):
    first = version()
    store.append_story_version(first)
    with pytest.raises(ValueError, match="refused"):
        store.append_story_version(version(first.story_id, seen=1, action="approve", request="empty-approval"))


@pytest.mark.parametrize(
    "commentary",
    [
        "x" * 20_000,
        '=HYPERLINK("http://evil")' * 1000,
    ],
)
def test_commentary_over_the_limit_is_refused_with_a_clear_message(commentary):
    spec = stories.SlideSpec(kind="themes", commentary=commentary)
    with pytest.raises(
        stories.StoryError, match=r"commentary on slide 1 has [\d,]+ characters; it holds at most 2,000"
    ):
        version(specs=[spec])


def test_bad_commentary_is_kept_as_text():
    hostile = (
        "<script>alert(1)</script> <img src=x onerror=alert(2)> ![tracker](https://evil.example/p.png) "
        "[click](javascript:alert(3)) =SUM(A1) +1 -2 @cmd 🚀 مرحبا بالعالم # not a heading"
    )
    row = version(specs=[stories.SlideSpec(kind="themes", commentary=hostile + "\x00")])
    kept = json.loads(row.slides)[0]["commentary"]
    assert kept == hostile  # control character taken out, everything else as written: emoji and Arabic included
    shown = stories.safe_markdown(hostile)
    # Every <, [ and ] is escaped, so nothing can become a tag, an image or a link.
    assert not re.search(r"(?<!\\)[<\[\]]", shown)
    assert shown.count("\\<") == 3 and "\\[tracker\\]" in shown
    assert "https://" not in shown  # a word joiner stops the autolink
    assert "🚀" in shown and "مرحبا" in shown


def test_safe_markdown_keeps_lists_bold_and_italics_only():
    text = "Three points:\n- **Members** up\n* *slightly* fewer workshops\n1. Next\n\n# Heading\n> quote"
    assert stories.safe_markdown(text).splitlines() == [
        "Three points:  ",
        "- **Members** up",
        "- *slightly* fewer workshops",
        "1. Next",
        "",
        "\\# Heading  ",
        "\\> quote",
    ]
    assert stories.plain("**Members** up, *slightly*") == "Members up, slightly"


def test_saved_filters_that_an_import_removed_are_named_not_fatal():
    choices = {
        "themes": pd.DataFrame({"theme_id": ["cpd"], "label": ["CPD"]}),
        "locations": pd.DataFrame({"location_id": ["glasgow"], "name": ["Glasgow"]}),
        "departments": pd.DataFrame({"department_id": ["dsit"], "name": ["DSIT"]}),
    }
    saved = stories.filters_json(Filters(location_ids=("york", "glasgow"), department_ids=("gone",)))
    active, notices = stories.filters_from_json(saved, choices)
    assert active == Filters(location_ids=("glasgow",))
    assert any("location york" in notice and "shows the rest" in notice for notice in notices)
    assert any("department gone" in notice and "every department" in notice for notice in notices)
    broken, notices = stories.filters_from_json({"date_from": "not a date"}, choices)
    assert broken.date_from is None and "could not be read" in notices[0]


def test_a_slide_of_an_unknown_kind_says_so_instead_of_crashing():
    choices = {
        "themes": pd.DataFrame({"theme_id": [], "label": []}),
        "locations": pd.DataFrame({"location_id": [], "name": []}),
        "departments": pd.DataFrame({"department_id": [], "name": []}),
    }
    slide = stories.render(stories.SlideSpec(kind="retired-kind", title="Old slide"), choices)
    assert slide.headline == "Old slide"
    assert any("could not be drawn" in note or "retired-kind" in note for note in slide.notes)


def test_a_story_needs_a_meeting_and_at_most_thirty_slides():
    with pytest.raises(stories.StoryError, match="name"):
        version(meeting="   ")
    with pytest.raises(stories.StoryError, match="at most 30"):
        version(specs=[stories.SlideSpec(kind="themes")] * 31)


def test_times_are_utc_without_a_zone():
    row = version(now=datetime.fromisoformat("2026-12-04T22:10:00+01:00"))
    assert row.saved_at == datetime(2026, 12, 4, 21, 10)


def test_an_approved_story_keeps_its_numbers_after_an_import_with_changed_data(tmp_path, use_db, fresh_store):
    import shutil

    from dashboard import build, filters
    from tests.conftest import FIXTURES

    folder = tmp_path / "data"
    shutil.copytree(FIXTURES, folder)
    march, april = tmp_path / "march.duckdb", tmp_path / "april.duckdb"
    build.build_bundled(folder, march)
    suggestions = pd.read_csv(folder / "suggestions.csv", dtype=str, keep_default_na=False)
    # April's data: every suggestion hand-tagged CPD is gone.
    suggestions[suggestions["theme_id"] != "cpd"].to_csv(folder / "suggestions.csv", index=False)
    build.build_bundled(folder, april)

    def cpd_count(path) -> int:
        # Read straight from each database (hand tags and the classifier's alike), not through the story code.
        with build.read_only(path) as connection:
            return connection.execute("select count(*) from suggestions where theme_id = 'cpd'").fetchone()[0]

    cpd_in_march, cpd_in_april = cpd_count(march), cpd_count(april)
    assert cpd_in_april < cpd_in_march

    spec = stories.SlideSpec(kind="themes", title="What members asked for", commentary="CPD *leads*")
    first = version(specs=[spec])
    store.append_story_version(first)
    use_db(march)
    drawn = [stories.render(spec, filters.options())]
    cpd_row = drawn[0].table.set_index("Theme").loc["CPD", "Suggestions"]
    assert cpd_row == f"{cpd_in_march:,}"
    snapshot = json.dumps([stories.slide_json(slide) for slide in drawn])
    store.append_story_version(version(first.story_id, seen=1, who=BEN, action="approve", snapshot=snapshot,
                                       data_date=date(2025, 3, 1), data_version="march", request="approve-march"))  # fmt: skip

    use_db(april)
    live = stories.render(spec, filters.options())
    assert live.table.set_index("Theme").loc["CPD", "Suggestions"] == f"{cpd_in_april:,}"
    approved = stories.latest_approved(first.story_id)
    frozen = stories.shown(approved, filters.options())[0]
    assert frozen.table.set_index("Theme").loc["CPD", "Suggestions"] == f"{cpd_in_march:,}"
    assert frozen.headline == "What members asked for" and frozen.commentary == "CPD *leads*"
    assert frozen.figure is not None and "CPD" in [str(label) for label in frozen.figure.data[0].y]
    history = stories.history(first.story_id)
    assert history.loc[history["action"] == "approve", "saved_by"].tolist() == [BEN]


def test_a_frozen_default_story_makes_the_same_pack_and_report_as_the_live_one(bundled_db, use_db, fresh_store):
    from io import BytesIO

    from pptx import Presentation

    from dashboard.story import boardpack, report, standard

    use_db(bundled_db)
    live = standard.slides(Filters())
    frozen = [stories.slide_from_json(json.loads(json.dumps(stories.slide_json(slide)))) for slide in live]
    for before, after in zip(live, frozen, strict=True):
        assert (after.section, after.headline, after.notes, after.kpis) == (
            before.section, before.headline, before.notes, before.kpis,
        )  # fmt: skip
        assert after.table.astype(str).equals(before.table.astype(str).reset_index(drop=True))
        assert (after.deck is None) == (before.deck is None) and (after.figure is None) == (before.figure is None)
    cover = {"filters": "No filters: all data.", "data_date": date(2025, 7, 9)}
    texts = []
    for slides in (live, frozen):
        deck = Presentation(BytesIO(boardpack.build(slides, **cover)))
        texts.append(
            [[shape.text_frame.text for shape in slide.shapes if shape.has_text_frame] for slide in deck.slides]
        )
    assert texts[0] == texts[1]
    html = report.build(frozen, **cover).decode()
    assert html.count('<img class="map"') == 1  # the frozen map still draws as a picture


def test_charts_added_without_a_chosen_story_go_to_the_draft_being_written(fresh_store, monkeypatch):
    monkeypatch.setattr(stories, "editor", lambda: ANN)
    first_id, first_position = stories.add_slide(stories.SlideSpec(kind="themes"))
    second_id, second_position = stories.add_slide(stories.SlideSpec(kind="profession"))
    assert second_id == first_id and (first_position, second_position) == (1, 2)
    current = stories.load(first_id)
    assert current.meeting == "Next board meeting" and [spec.kind for spec in current.slides] == [
        "themes",
        "profession",
    ]
    snapshot = json.dumps([stories.slide_json(frozen_slide("1"))])
    store.append_story_version(version(first_id, seen=2, action="approve", snapshot=snapshot, request="approve-it"))
    # An approved story is not written into by a click on another page: the next chart starts a new draft.
    third_id, third_position = stories.add_slide(stories.SlideSpec(kind="themes"))
    assert third_id != first_id and third_position == 1


def test_exports_carry_the_version_the_status_and_a_draft_mark(fresh_store):
    from io import BytesIO

    from pptx import Presentation

    from dashboard.story import boardpack, report

    hostile = '=HYPERLINK("http://evil.example") <script>alert(1)</script> **bold** 🚀 مرحبا'
    slide = frozen_slide("4,210")
    slide = Slide(**{**slide.__dict__, "notes": (*slide.notes, stories.plain(hostile)), "commentary": hostile})
    texts = {}
    for approved in (False, True):
        current = stories.Story(story_id="a" * 32, version=4, action="approve" if approved else "edit",
                                meeting="Board, March 2027", meeting_date=MARCH, summary="Two points", slides=(),
                                saved_by=ANN, saved_at=datetime(2027, 3, 1, 9), approved=approved)  # fmt: skip
        pack = stories.exported(current, [slide])
        cover = stories.export_cover(current, date(2027, 3, 1), "Illustrative.", "GSE Insight.")
        deck = Presentation(BytesIO(boardpack.build(pack, **cover)))
        shown = [shape.text_frame.text for page in deck.slides for shape in page.shapes if shape.has_text_frame]
        notes = [page.notes_slide.notes_text_frame.text for page in deck.slides]
        texts[approved] = (" ".join(shown), " ".join(notes), report.build(pack, **cover).decode())
    draft_pack, _, draft_html = texts[False]
    assert "Draft, version 4: At a glance" in draft_html
    assert "DRAFT, VERSION 4: AT A GLANCE" in draft_pack.upper() and "version 4, Draft" in draft_pack
    assert "Data as of 1 March 2027" in draft_pack
    approved_pack, approved_notes, approved_html = texts[True]
    assert "DRAFT" not in approved_pack.upper() and "version 4, Approved for Board, March 2027" in approved_pack
    # The commentary reaches the speaker notes as plain text, written literally: no bold marks, no markup, no link.
    assert '=HYPERLINK("http://evil.example") <script>alert(1)</script> bold 🚀 مرحبا' in approved_notes
    assert "<script>alert(1)</script>" not in approved_html and "&lt;script&gt;alert(1)&lt;/script&gt;" in approved_html
