"""The taxonomy can change: add, rename, merge and retire with history, emerging themes, and their bad input."""

import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard import data, store
from dashboard.review import decisions, emerging, health, taxonomy
from dashboard.review import views as review_views
from tests.conftest import kpis
from tests.test_review import QUEUE, decide, raw

NO_FILTERS = {"theme_ids": None, "nations": None, "location_ids": None, "date_from": None, "date_to": None}
BASE = pd.DataFrame(
    {
        "theme_id": ["cpd", "careers", "mentoring"],
        "label": ["CPD", "Careers", "Mentoring"],
        "description": ["Learning.", "Career paths.", "Coaching."],
    }
)


def events(*rows: dict) -> pd.DataFrame:
    """Taxonomy events as queries/store/taxonomy_events.sql gives them, numbered in order."""
    filled = [
        {"event_id": number, "label": None, "description": None, "into_theme_id": None, **row}
        for number, row in enumerate(rows, start=1)
    ]
    return pd.DataFrame(filled)


@pytest.fixture
def db(bundled_db, use_db, fresh_store) -> Path:
    use_db(bundled_db)
    return bundled_db


def counts_now() -> dict[str, int]:
    """Suggestions per theme label as the Themes page's query gives them."""
    counted = data.query("theme_counts", **NO_FILTERS)
    return dict(zip(counted["label"], counted["suggestions"].astype(int), strict=True))


def raw_counts(db: Path) -> dict[str, int]:
    """Suggestions per theme label, read straight from the analytic database (no store, no data layer)."""
    found = raw(
        db,
        "select themes.label, count(*) as n from suggestions join themes using (theme_id) group by themes.label",
    )
    return dict(zip(found["label"], found["n"].astype(int), strict=True))


def test_a_rename_keeps_the_old_label_as_a_way_in_and_a_merge_moves_suggestions_on():
    found = taxonomy.apply(
        BASE,
        events(
            {"action": "rename", "theme_id": "mentoring", "label": "Mentoring and coaching"},
            {"action": "merge", "theme_id": "mentoring", "into_theme_id": "careers"},
            {"action": "rename", "theme_id": "careers", "label": "Careers and mentoring"},
            {"action": "add", "theme_id": "digital", "label": "Digital kit", "description": "VPN, laptops."},
        ),
    )
    assert found.labels() == {"cpd": "CPD", "careers": "Careers and mentoring", "digital": "Digital kit"}
    assert found.moves.to_dict("records") == [{"theme_id": "mentoring", "current_theme_id": "careers"}]
    assert found.old_labels == {"Mentoring": "careers", "Mentoring and coaching": "careers", "Careers": "careers"}
    assert found.newest_event == 4
    assert found.names["mentoring"] == "Mentoring and coaching"


def test_merges_chain_to_the_theme_in_use_and_a_retire_with_nowhere_leaves_no_destination():
    found = taxonomy.apply(
        BASE,
        events(
            {"action": "merge", "theme_id": "mentoring", "into_theme_id": "careers"},
            {"action": "merge", "theme_id": "careers", "into_theme_id": "cpd"},
        ),
    )
    assert dict(zip(found.moves["theme_id"], found.moves["current_theme_id"], strict=True)) == {
        "mentoring": "cpd",
        "careers": "cpd",
    }
    retired = taxonomy.apply(BASE, events({"action": "retire", "theme_id": "mentoring"}))
    assert retired.moves["current_theme_id"].tolist() == [None]
    assert "Mentoring" not in retired.old_labels  # nowhere to lead a link


@pytest.mark.parametrize(
    ("action", "change", "message"),
    [
        ("add", {"label": "   ", "description": "Something."}, "A theme needs a label"),
        ("add", {"label": "", "description": "Something."}, "A theme needs a label"),
        ("add", {"label": " cpd ", "description": "Again."}, "There is already a theme called “CPD”"),
        ("rename", {"theme_id": "careers", "label": "MENTORING"}, "There is already a theme called “Mentoring”"),
        ("merge", {"theme_id": "cpd", "into": "cpd"}, "A theme cannot be merged into itself"),
        ("retire", {"theme_id": "cpd"}, "“CPD” still holds {CPD} suggestions: choose the theme they go to"),
        ("retire", {"theme_id": "cpd", "into": "cpd"}, "A theme cannot be merged into itself"),
        ("merge", {"theme_id": "cpd", "into": "astrology"}, "not in use"),
        ("add", {"label": "x" * 81, "description": "Long."}, "81 characters; it may have at most 80"),
    ],
)
def test_bad_changes_get_a_clear_message_and_change_nothing(db, action, change, message):
    before = counts_now()
    message = message.replace("{CPD}", f"{raw_counts(db)['CPD']:,}")  # counted from the database, not the app
    with pytest.raises(taxonomy.TaxonomyError, match=re.escape(message)):
        taxonomy.record(action, request_id=taxonomy.new_request_id(), **change)
    assert store.snapshot().taxonomy.empty
    assert counts_now() == before


def test_a_cluster_request_over_zero_suggestions_says_so_and_groups_nothing(db):
    empty = data.query("emerging_pool", review_below=0.0, proposed_ids=None)  # no tag is under 0% confidence
    assert empty.empty
    with pytest.raises(emerging.EmergingError, match="There are no suggestions to look in"):
        emerging.find(empty)
    with pytest.raises(emerging.EmergingError, match="Only 3 suggestions to look in"):
        emerging.find(pd.DataFrame({"suggestion_id": ["a", "b", "c"], "text": ["x y", "x y", "x z"], "location": None}))


PLANTED = [
    "The VPN drops every afternoon and the laptops are too slow",
    "Our VPN and laptops make remote analysis impossible",
    "Slow laptops and a VPN that disconnects waste hours",
    "Fix the VPN, fix the laptops, and we will deliver",
    "VPN outages again today; the laptops need replacing",
    "Laptops that cannot run models and a VPN that times out",
]
OTHER = [
    "Car parking at the lab is impossible before eight",
    "The car park is full so staff park on the verge",
    "Parking permits for the lab car park are oversubscribed",
    "More parking spaces, or a shuttle bus from the station car park",
    "The car park barrier broke and parking was chaos",
    "Parking for visitors at the lab is a problem, the car park is tiny",
]


def pool_of(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "suggestion_id": [f"S{number:02d}" for number in range(len(texts))],
            "text": texts,
            "location": ["Bristol", "Glasgow"] * (len(texts) // 2) + ["Bristol"] * (len(texts) % 2),
        }
    )


def test_emerging_themes_find_what_was_planted_the_same_way_every_time():
    pool = pool_of(PLANTED + OTHER)
    found = emerging.find(pool)
    groups = sorted(sorted(candidate.suggestion_ids) for candidate in found)
    assert groups == [[f"S{n:02d}" for n in range(6)], [f"S{n:02d}" for n in range(6, 12)]]
    vpn = next(candidate for candidate in found if "S00" in candidate.suggestion_ids)
    assert {"vpn", "laptops"} <= set(vpn.top_terms)
    assert vpn.locations == (("Bristol", 3), ("Glasgow", 3))
    assert set(vpn.examples) <= set(PLANTED) and len(vpn.examples) == 3
    assert emerging.find(pool) == found


def test_a_dismissed_candidate_does_not_come_back_even_found_a_little_differently(db):
    pool = pool_of(PLANTED + OTHER)
    vpn = next(candidate for candidate in emerging.find(pool) if "S00" in candidate.suggestion_ids)
    taxonomy.decide_candidate(vpn, "dismiss", request_id=taxonomy.new_request_id())
    decided = store.snapshot().candidates
    assert decided["action"].tolist() == ["dismiss"] and decided["decided_by"].tolist() == ["local"]
    # One VPN suggestion fewer and one more: the same candidate to a person, so it stays dismissed.
    again = pool_of([*PLANTED[1:], "VPN tokens and laptops keep failing us", *OTHER])
    left = emerging.new_candidates(again, decided)
    assert [sorted(candidate.suggestion_ids) for candidate in left] == [[f"S{n:02d}" for n in range(6, 12)]]


def test_promoting_a_candidate_proposes_its_theme_and_two_confirmations_count_under_it(db):
    before = raw_counts(db)
    pool = data.query("emerging_pool", review_below=0.5, proposed_ids=None)
    candidate = emerging.find(pool)[0]
    theme_id = taxonomy.decide_candidate(
        candidate,
        "promote",
        request_id=taxonomy.new_request_id(),
        label="Digital kit and IT",
        description="Laptops, VPN and the tools to do the work.",
    )
    assert theme_id == "digital_kit_and_it"
    options = data.query("theme_options")
    assert "Digital kit and IT" in options["label"].tolist()
    # Proposed, not decided: no count moves until a reviewer confirms.
    assert counts_now() == {**before, "Digital kit and IT": 0}
    queue = data.query(
        "review_queue",
        **NO_FILTERS,
        explorer_theme_ids=None,
        explorer_location_ids=None,
        workshop_ids=None,
        questions=None,
        search_pattern=None,
        review_below=0.5,
        audit_percent=5,
        queues=("proposed",),
        page_size=None,
        page_offset=None,
    )
    assert sorted(queue["suggestion_id"]) == sorted(candidate.suggestion_ids)
    assert set(queue["proposed_theme_id"]) == {theme_id}
    first_two = queue.head(2)
    decisions.record(
        [
            decisions.Choice(row.suggestion_id, int(row.decision_id), "change", theme_id)
            for row in first_two.itertuples()
        ],
        request_id=decisions.new_request_id(),
    )
    # Expected independently: each confirmed suggestion leaves the theme the database gave it.
    tagged = raw(db, "select suggestion_id, themes.label from suggestions join themes using (theme_id)")
    left = tagged[tagged["suggestion_id"].isin(first_two["suggestion_id"])]["label"].value_counts()
    expected = {label: count - int(left.get(label, 0)) for label, count in before.items()}
    assert counts_now() == {**expected, "Digital kit and IT": 2}
    counted = data.query("theme_counts", **NO_FILTERS).set_index("label")
    assert counted.at["Digital kit and IT", "reviewed"] == 2
    # The two left the proposed queue; the rest wait; the pool no longer offers the candidate's suggestions.
    pool_after = data.query(
        "emerging_pool", review_below=0.5, proposed_ids=emerging.proposed_ids(data.candidate_decisions())
    )
    assert not set(candidate.suggestion_ids) & set(pool_after["suggestion_id"])


def test_a_merge_moves_every_count_and_the_health_checks_see_the_taxonomy_now(db):
    before = raw_counts(db)
    taxonomy.record("merge", request_id=taxonomy.new_request_id(), theme_id="mentoring", into="careers")
    after = counts_now()
    assert "Mentoring" not in after
    assert after["Careers"] == before["Careers"] + before["Mentoring"]
    assert sum(after.values()) == sum(before.values())
    held = data.query("theme_health")
    assert "mentoring" not in held["theme_id"].tolist()
    taxonomy.record("add", request_id=taxonomy.new_request_id(), label="Estates", description="Buildings, parking.")
    assert health.small_themes(data.query("theme_health"))[0].startswith("Estates holds 0 suggestions")
    log = store.snapshot().taxonomy
    assert log["action"].tolist() == ["merge", "add"] and set(log["made_by"]) == {"local"}


def test_two_admins_changing_the_taxonomy_at_once_one_lands_and_the_other_is_told(db):
    seen = data.taxonomy()
    first = taxonomy.plan("rename", seen, held={}, who="ann", request_id="request-one", theme_id="cpd", label="CPD+")
    second = taxonomy.plan("rename", seen, held={}, who="bob", request_id="request-two", theme_id="cpd", label="CPD!")
    store.append_taxonomy(first)
    assert store.append_taxonomy(first) is None  # a double click writes once
    with pytest.raises(store.TaxonomyConflict, match="Someone changed the taxonomy"):
        store.append_taxonomy(second)
    assert store.snapshot().taxonomy["label"].tolist() == ["CPD+"]


def test_a_link_naming_an_old_label_opens_the_theme_it_became(db, open_page):
    taxonomy.record(
        "rename", request_id=taxonomy.new_request_id(), theme_id="mentoring", label="Mentoring and coaching"
    )
    app = open_page("dashboard/pages/overview.py", {"theme": "Mentoring"})
    assert not app.exception
    assert app.multiselect(key="theme").value == ["mentoring"]
    notices = [info.value for info in app.main.info]
    assert any("“Mentoring” is now “Mentoring and coaching”" in notice for notice in notices)
    assert not [warning.value for warning in app.main.warning]  # not dropped as unknown
    # The address names the label now, so a copy of it shares the view on screen.
    assert app.query_params.get("theme") == "Mentoring and coaching"
    app.switch_page("dashboard/pages/themes.py")
    app.run()
    assert app.multiselect(key="theme").value == ["mentoring"]
    assert app.query_params.get("theme") == "Mentoring and coaching"
    counted = data.query("theme_counts", **{**NO_FILTERS, "theme_ids": ("mentoring",)})
    assert counted["label"].tolist() == ["Mentoring and coaching"]


def test_a_theme_renamed_while_its_link_is_open_keeps_the_page_and_the_address_on_it(db, open_page):
    app = open_page("dashboard/pages/overview.py", {"theme": "Mentoring"})
    assert app.multiselect(key="theme").value == ["mentoring"]
    taxonomy.record(
        "rename", request_id=taxonomy.new_request_id(), theme_id="mentoring", label="Mentoring and coaching"
    )
    app.run()  # the address still names the label the theme had when the page opened
    assert not app.exception
    assert app.multiselect(key="theme").value == ["mentoring"]
    assert app.query_params.get("theme") == "Mentoring and coaching"
    assert not [warning.value for warning in app.main.warning]  # the old label is followed, not dropped as unknown


def test_a_retire_sends_its_suggestions_where_it_says_and_agreement_follows_the_merge(db):
    before = raw_counts(db)
    tags = raw(
        db, "select suggestion_id, theme_id from suggestions where theme_source = 'auto' and theme_id = 'mentoring'"
    )
    decide(db, tags.at[0, "suggestion_id"], "confirm")
    taxonomy.record("retire", request_id=taxonomy.new_request_id(), theme_id="mentoring", into="inclusion")
    after = counts_now()
    assert "Mentoring" not in after and after["Inclusion"] == before["Inclusion"] + before["Mentoring"]
    pairs = data.query("review_agreement")
    assert pairs[["classifier_theme_id", "reviewer_theme_id"]].values.tolist() == [["inclusion", "inclusion"]]
    assert store.snapshot().taxonomy["into_theme_id"].tolist() == ["inclusion"]


def test_the_taxonomy_page_stops_offering_a_dismissed_candidate(db, open_page):
    app = open_page("dashboard/pages/taxonomy.py")
    assert not app.exception
    shown = kpis(app)
    first_terms = next(text.value for text in app.text if text.value.startswith("Top terms: "))
    app.button(key=next(b.key for b in app.button if b.key.startswith("taxonomy_dismiss_"))).click().run()
    assert not app.exception
    assert any("It will not be offered again" in success.value for success in app.success)
    after = kpis(app)
    assert int(after["Candidate themes"]) == int(shown["Candidate themes"]) - 1
    assert first_terms not in [text.value for text in app.text]
    assert store.snapshot().candidates["action"].tolist() == ["dismiss"]


def test_two_themes_merged_into_one_are_offered_once_with_their_probabilities_summed(db):
    queue_params = {**QUEUE, "page_size": None, "page_offset": None}
    first = data.query("review_queue", **queue_params).iloc[0]
    merged, into = first["theme_3"], first["theme_2"]
    taxonomy.record("merge", request_id=taxonomy.new_request_id(), theme_id=merged, into=into)
    queue = data.query("review_queue", **queue_params).set_index("suggestion_id")
    # Expected from the classifier's stored alternatives, read plainly: the merged theme counted as the other one.
    stored = raw(db, "select suggestion_id, theme_rank, theme_id, probability from theme_alternatives")
    stored = stored[stored["suggestion_id"].isin(queue.index)].replace({"theme_id": {merged: into}})
    summed = stored.groupby(["suggestion_id", "theme_id"], as_index=False).agg(
        probability=("probability", "sum"), first_rank=("theme_rank", "min")
    )
    ranked = summed.sort_values(["suggestion_id", "probability", "first_rank"], ascending=[True, False, True])
    offered = {
        suggestion_id: [
            (row[f"theme_{rank}"], row[f"probability_{rank}"])
            for rank in (1, 2, 3)
            if isinstance(row[f"theme_{rank}"], str)
        ]
        for suggestion_id, row in queue.iterrows()
    }
    for suggestion_id, themes in ranked.groupby("suggestion_id"):
        expected = list(zip(themes["theme_id"], themes["probability"], strict=True))
        found = offered[suggestion_id]
        assert [theme for theme, _ in found] == [theme for theme, _ in expected], suggestion_id
        assert [probability for _, probability in found] == pytest.approx([p for _, p in expected])
    assert offered[first["suggestion_id"]][-1][0] != merged
    assert into in dict(offered[first["suggestion_id"]])
    assert len(offered[first["suggestion_id"]]) == 2  # three alternatives, two of them one theme now
    assert merged not in {theme for themes in offered.values() for theme, _ in themes}
    labels = data.taxonomy().labels()
    for suggestion_id, row in queue.iterrows():
        shown = [theme_id for theme_id, _ in review_views.candidates(row.to_dict(), labels)]
        assert len(shown) == len(set(shown)), suggestion_id


def test_a_link_naming_an_old_label_twice_beside_a_label_now_opens_each_theme_once(db, open_page):
    """Old and current labels mixed in one link: each theme once, in the link's order, one notice per old label.

    Realistic bugs: the current label dropped when an old one is followed, a theme chosen twice, the notice repeated,
    or kept once the reader has changed the filters.
    """
    taxonomy.record(
        "rename", request_id=taxonomy.new_request_id(), theme_id="mentoring", label="Mentoring and coaching"
    )
    app = open_page("dashboard/pages/overview.py", {"theme": ["Mentoring", "CPD", "Mentoring"]})
    assert not app.exception
    assert app.multiselect(key="theme").value == ["mentoring", "cpd"]
    assert app.query_params.get("theme") == ["Mentoring and coaching", "CPD"]
    notices = [(info.value, info.icon) for info in app.main.info if "is now" in info.value]
    assert notices == [
        ("The link's theme “Mentoring” is now “Mentoring and coaching”: showing that.", ":material/link:")
    ]
    assert not [warning.value for warning in app.main.warning]
    app.run()  # the view is still the link's: so is the notice (sidebar.show_link_notices)
    assert [(info.value, info.icon) for info in app.main.info if "is now" in info.value] == notices
    assert app.multiselect(key="theme").value == ["mentoring", "cpd"]
    app.multiselect(key="theme").set_value(["cpd"]).run()  # the reader's own choice now: nothing to explain
    assert not [info.value for info in app.main.info if "is now" in info.value]
