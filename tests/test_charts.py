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
    # Haloed in white, so a dashed reference line behind a label does not strike it through.
    assert "#fff" in figure.data[0].textfont.shadow


def test_fit_labels_ignores_labels_inside_bars_and_heatmaps():
    figure = go.Figure(go.Bar(x=[1], y=["a"], orientation="h", text=["a long label here"], textposition="inside"))
    figure.add_trace(go.Heatmap(z=[[1]]))
    figure.layout.margin.r = 10
    assert charts.fit_labels(figure).layout.margin.r == 10
    # White text inside a dark bar keeps its own look: no halo.
    assert figure.data[0].textfont.shadow is None


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


def test_a_composition_bar_writes_each_count_on_its_bar_and_no_tick_numbers():
    frame = pd.DataFrame({"label": ["Science", "Interest"], "members": [5545, None], "share": [0.831, None]})
    figure = profession.composition_bar(frame, "Backgrounds")
    # The counts are on the bars (a blanked one as [c]), so the axis shows no numbers to run into each other.
    assert list(figure.data[0].text) == ["[c]", "5,545 (83%)"]
    axis = figure.layout.xaxis
    assert (axis.showticklabels, axis.showgrid, axis.ticks, axis.title.text) == (False, False, "", "Members")


def test_heatmap_cell_labels_stand_out_from_every_shade_of_the_scale():
    # The Analysis Function's sequential blues, light to dark, as a heatmap spreads them over 0 to 1.
    palette = ["#ADD1F1", "#6BACE6", "#2073BC", "#12436D", "#092135"]

    def rgb(colour):
        return [int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]

    def shade(value):  # straight-line mixing between the two colours either side, as plotly mixes
        step = min(int(value * 4), 3)
        share = value * 4 - step
        return [a + (b - a) * share for a, b in zip(rgb(palette[step]), rgb(palette[step + 1]), strict=True)]

    def luminance(colour):
        channels = [c / 255 for c in colour]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def contrast(first, second):
        high, low = sorted([luminance(first), luminance(second)], reverse=True)
        return (high + 0.05) / (low + 0.05)

    values = [step / 100 for step in range(101)]
    labels = charts.cell_labels(
        [f"v{step}" for step in range(101)] + ["gap", "unopened"],
        ["row"],
        [[*values, float("nan"), 0.5]],
        [[f"{value:.0%}" for value in values] + ["[c]", ""]],
        scale=charts.SEQUENTIAL_SCALE,
        low=0,
        high=1,
    )
    colours = list(labels.textfont.color)
    # Every labelled cell, the blank one left out; a cell without a value shows the white page behind it.
    assert list(labels.text) == [f"{value:.0%}" for value in values] + ["[c]"]
    backgrounds = [shade(value) for value in values] + [[255, 255, 255]]
    worst = min(contrast(rgb(text), cell) for text, cell in zip(colours, backgrounds, strict=True))
    assert worst >= 4.5, f"a cell label at {worst:.2f}:1, under WCAG's 4.5:1"
    # Plotly's own choice (dark grey #444 on anything not dark) fails the middle blues: the test would catch it.
    assert contrast(rgb("#444444"), shade(0.4)) < 4.5
    assert (colours[0], colours[50], colours[100], colours[-1]) == ("#000000", "#ffffff", "#ffffff", "#000000")


def test_a_share_chart_gives_a_long_name_the_height_of_its_lines():
    def chart(names):
        frame = pd.DataFrame({"label": names, "member_share": [0.5, 0.5], "contributor_share": [0.4, 0.6]})
        return profession.mix_chart(frame, "Who speaks up")

    short = chart(["Met Office", "Home Office"])
    long = chart(["Centre for Environment, Fisheries and Aquaculture Science", "Home Office"])
    # Plotly gives every group the same height: each gets four lines of 15 pixels and a little room, against the 44
    # a one-line name's pair of bars takes.
    assert long.data[0].y[-1].count("<br>") == 3
    assert short.layout.height == 100 + 44 * 2
    assert long.layout.height == 100 + (15 * 4 + 8) * 2
