"""Presentation mode: one slide at a time, moved with Next and Previous, under the active filters."""


def test_presentation_moves_through_the_slides(bundled_db, use_db, open_page):
    use_db(bundled_db)
    app = open_page(query={"present": "true"})
    assert not app.exception
    assert app.title[0].value.startswith("The tour held 14 workshops")
    sections = []
    for _ in range(3):
        sections.append(app.markdown[0].value)
        app.button[1].click().run()  # Next
    assert sections[0].startswith("Slide 1 of 3") and sections[2].startswith("Slide 3 of 3")
    assert app.markdown[0].value.startswith("Slide 1 of 3"), "Next wraps round to the first slide"
    app.button[0].click().run()  # Previous
    assert app.markdown[0].value.startswith("Slide 3 of 3")
    assert "acceptance rate" in app.title[0].value


def test_presentation_applies_the_filters(bundled_db, use_db, open_page):
    use_db(bundled_db)
    app = open_page(query={"present": "true", "nation": "Scotland"})
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Workshops"] == "3"
    assert "Nations: Scotland" in app.caption[-1].value
