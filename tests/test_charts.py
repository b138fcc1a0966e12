"""Shared chart builders: titles moved out of a figure for the screen, room for labels, wrapped axis labels."""

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import charts, profession


def titled_bar(title: str, labels: list[str]) -> go.Figure:
    figure = go.Figure(go.Bar(x=[3, 1], y=["a", "b"], orientation="h", text=labels, textposition="outside"))
    return charts.style(figure, title, height=300)


def test_title_text_is_one_plain_line():
    figure = titled_bar("Salisbury & <b>Bournemouth</b>\nlead the tour", ["1", "2"])
    assert charts.title_text(figure) == "Salisbury & <b>Bournemouth</b> lead the tour"


def test_untitled_gives_back_the_room_the_title_took():
    figure = titled_bar("One line\nand a second", ["1", "2"])
    top, height = figure.layout.margin.t, figure.layout.height
    charts.untitled(figure)
    assert figure.layout.title.text is None
    # Two title lines of 22 pixels and their padding, but never below the 30 pixels kept for a legend or label.
    assert figure.layout.margin.t == max(30, top - (2 * 22 + 20))
    assert height - figure.layout.height == top - figure.layout.margin.t


def test_untitled_leaves_a_figure_without_a_title_alone():
    figure = charts.style(go.Figure(), "", height=300)
    charts.untitled(figure)
    assert figure.layout.height == 300


def test_fit_labels_keeps_room_for_the_longest_label_outside_the_bars():
    figure = charts.fit_labels(titled_bar("t", ["1,322 (55%)", "9"]))
    # "1,322 (55%)" is 11 characters, at about 7.5 pixels each, and a little space.
    assert figure.layout.margin.r >= 11 * 7
    assert figure.data[0].cliponaxis is False


def test_fit_labels_ignores_labels_inside_bars_and_heatmaps():
    figure = go.Figure(go.Bar(x=[1], y=["a"], orientation="h", text=["a long label here"], textposition="inside"))
    figure.add_trace(go.Heatmap(z=[[1]]))
    figure.layout.margin.r = 10
    assert charts.fit_labels(figure).layout.margin.r == 10


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("Met Office", ["Met Office"]),
        (
            "Department for Science, Innovation and Technology",
            ["Department for", "Science, Innovation", "and Technology"],
        ),
        ("Yorkshire and The Humber", ["Yorkshire and The", "Humber"]),
    ],
)
def test_wrap_label_breaks_long_names_between_words(text, lines):
    assert charts.wrap_label(text, 20).split("\n") == lines


def test_a_composition_bar_escapes_its_labels_once():
    frame = pd.DataFrame(
        {"label": ["Fisheries & Aquaculture Science Centre", "Met Office"], "members": [120, 80], "share": [0.6, 0.4]}
    )
    labels = list(profession.composition_bar(frame, "Who works where").data[0].y)
    # Wrapped with Plotly's line break, the ampersand escaped once (a second pass would show "&amp;amp;" or "&lt;br&gt;").
    assert labels == ["Met Office", "Fisheries &amp;<br>Aquaculture Science<br>Centre"]
