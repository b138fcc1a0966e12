"""Presentation mode: a cover, then one slide at a time, moved with Next and Previous, under the active filters."""


def test_presentation_moves_through_the_slides(bundled_db, bundled_csvs, use_db, open_page):
    use_db(bundled_db)
    app = open_page(query={"present": "true"})
    assert not app.exception
    assert app.title[0].value == "GSE Insight: the board story"
    # Every department is a row of the leadership chart: at 15 rows a slide, it takes this many slides.
    parts = -(-len(bundled_csvs["departments"]) // 15)
    leadership = [f"Leadership access ({part} of {parts})" for part in range(1, parts + 1)]
    expected = ["Cover", "At a glance", "Roadtrip", "Suggestion themes", *leadership, "Profession"]
    count = len(expected)
    sections = []
    for _ in range(count):
        sections.append(app.markdown[0].value)
        app.button[1].click().run()  # Next
    assert [section.split(":")[0] for section in sections] == [f"Slide {n} of {count}" for n in range(1, count + 1)]
    assert [section.split("**")[1] for section in sections] == expected
    assert app.markdown[0].value.startswith(f"Slide 1 of {count}"), "Next wraps round to the cover"
    app.button[0].click().run()  # Previous
    assert app.markdown[0].value.startswith(f"Slide {count} of {count}")
    # The Profession finding, which the story used to leave out.
    assert app.title[0].value.endswith("of 12 regions and nations are under-represented in the suggestions")
    app.button[1].click().run()
    app.button[1].click().run()
    assert app.title[0].value.startswith("The tour held 14 workshops")


def test_presentation_applies_the_filters(bundled_db, use_db, open_page):
    use_db(bundled_db)
    app = open_page(query={"present": "true", "nation": "Scotland"})
    app.button[1].click().run()  # past the cover
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Workshops"] == "3"
    assert "Nations: Scotland" in app.caption[-1].value


def test_a_links_notices_do_not_sit_above_the_slides(bundled_db, use_db, open_page):
    """A slide fills the screen under a fixed stage height: a notice above it pushed it down, on every slide."""
    use_db(bundled_db)
    app = open_page(query={"present": "true", "theme": "Bogus"})
    app.button[1].click().run()  # Next
    assert not app.main.warning and not app.main.info
    assert app.markdown[0].value.startswith("Slide 2 of")
