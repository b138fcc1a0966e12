"""Presentation mode: a cover, then one slide at a time, moved with Next and Previous, under the active filters."""


def test_presentation_moves_through_the_slides(bundled_db, use_db, open_page):
    use_db(bundled_db)
    app = open_page(query={"present": "true"})
    assert not app.exception
    assert app.title[0].value == "GSE Insight: the board story"
    sections = []
    for _ in range(6):
        sections.append(app.markdown[0].value)
        app.button[1].click().run()  # Next
    assert [section.split(":")[0] for section in sections] == [f"Slide {n} of 6" for n in range(1, 7)]
    assert [section.split("**")[1] for section in sections] == [
        "Cover", "At a glance", "Roadtrip", "Suggestion themes", "Leadership access", "Profession",
    ]  # fmt: skip
    assert app.markdown[0].value.startswith("Slide 1 of 6"), "Next wraps round to the cover"
    app.button[0].click().run()  # Previous
    assert app.markdown[0].value.startswith("Slide 6 of 6")
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
