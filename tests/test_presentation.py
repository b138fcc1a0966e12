"""Presentation mode: one slide at a time, moved with Next and Previous, under the active filters."""


def test_presentation_moves_through_the_slides(bundled_db, use_db, open_page):
    use_db(bundled_db)
    app = open_page(query={"present": "true"})
    assert not app.exception
    assert app.title[0].value.startswith("The tour held 14 workshops")
    sections = []
    for _ in range(4):
        sections.append(app.markdown[0].value)
        app.button[1].click().run()  # Next
    assert [section.split(":")[0] for section in sections] == [f"Slide {n} of 4" for n in (1, 2, 3, 4)]
    assert app.markdown[0].value.startswith("Slide 1 of 4"), "Next wraps round to the first slide"
    app.button[0].click().run()  # Previous
    assert app.markdown[0].value.startswith("Slide 4 of 4")
    assert "acceptance rate" in app.title[0].value


def test_presentation_applies_the_filters(bundled_db, use_db, open_page):
    use_db(bundled_db)
    app = open_page(query={"present": "true", "nation": "Scotland"})
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Workshops"] == "3"
    assert "Nations: Scotland" in app.caption[-1].value
