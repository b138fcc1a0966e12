"""Pure builders for the Roadtrip page: the offline UK map, the timeline, the theme mix, tables and findings."""

import html
import json
import math
from functools import cache, lru_cache

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from dashboard import attendees, charts, config, findings

NATIONS_GEOJSON = config.DATA_DIR / "geo" / "uk_nations.geojson"
SIZE_MEASURES = {"suggestions": "Suggestions", "attendees": "Attendees"}
STOPS_LAYER = "stops"
NOT_RECORDED = attendees.NOT_RECORDED
# Whole UK, Shetland to Scilly, in a 600-pixel-high map; fixed so that a rerun never moves the map.
INITIAL_VIEW = {"latitude": 54.7, "longitude": -3.3, "zoom": 4.7, "pitch": 0, "bearing": 0}
MAP_HEIGHT = 600
LAND = [234, 234, 234]
COASTLINE = [190, 190, 190]
INK = [11, 12, 12]
WHITE = [255, 255, 255]
ROUTE_FROM, ROUTE_TO = [180, 180, 180], [61, 61, 61]
SMALLEST_RADIUS, LARGEST_RADIUS = 5.0, 24.0
LABEL_SIZE, LABEL_GAP = 15, 6
CIRCLE_CLEARANCE = 2  # pixels between a label and any stop's circle
NARROW_MAP_WIDTH = 358  # pixels: the map's width on a 390-pixel phone (the label estimate's slack covers the outline)
# Where a stop's number may sit, in order of preference: above, right, left, below, then the corners.
LABEL_PLACES = ((0, -1), (1, 0), (-1, 0), (0, 1), (1, -1), (-1, -1), (1, 1), (-1, 1))
# The timeline at its narrowest on the page (plot area, pixels), the room above the top point, a label's character.
TIMELINE_WIDTH, TIMELINE_HEIGHT, TIMELINE_HEADROOM, TIMELINE_CHAR = 700, 280, 1.15, 7.5
# A right-pointing arrowhead, tinted by the layer (mask), turned to each leg's bearing: the route's direction.
ARROW_ICON = {
    "url": "data:image/svg+xml;charset=utf-8,"
    "%3Csvg xmlns='http://www.w3.org/2000/svg' width='64' height='64'%3E"
    "%3Cpath d='M8 8 L60 32 L8 56 L20 32 Z' fill='black'/%3E%3C/svg%3E",
    "width": 64,
    "height": 64,
    "anchorX": 32,
    "anchorY": 32,
    "mask": True,
}
TOOLTIP_TEXT = (
    "{name} ({nation})\n"
    "Stop {stops}: {dates}\n"
    "Venue: {venues}\n"
    "Host: {hosts}\n"
    "Attendees: {attendees_text}\n"
    "Suggestions: {suggestions}\n"
    "Top theme: {top_theme_text}"
)


@cache
def uk_nations() -> dict:
    """The four nations' outlines (Natural Earth, public domain), read once per process; treat as read-only."""
    return json.loads(NATIONS_GEOJSON.read_text())


def workshop_attendees(stops: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """The workshops with their protected attendees: `attendees_safe` (NA when blanked) and `attendees_text`.

    `totals` are the protected attendee_totals rows (attendees.protected_totals), so a workshop blanked here is blank on
    every page. A workshop that recorded no attendees is 'not recorded', never [c].
    """
    attendees_of = attendees.summer(totals)
    values = {workshop_id: attendees_of([workshop_id]) for workshop_id in stops["workshop_id"]}
    shown = stops.copy()
    shown["attendees_safe"] = pd.array(
        [pd.NA if values[workshop_id] is None else values[workshop_id] for workshop_id in stops["workshop_id"]],
        dtype="Float64",
    )
    shown["attendees_text"] = [attendees.text(values[workshop_id]) for workshop_id in stops["workshop_id"]]
    return shown


def location_attendees(stops: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """Attendees per location over the workshops in `stops`, from the protected rows (see attendees.sum_of)."""
    workshops = attendees.workshop_rows(totals)
    recorded = set(workshops.loc[workshops["recorded_workshops"] > 0, "workshop_id"])
    attendees_of = attendees.summer(totals)
    rows = []
    for location_id, visits in stops.groupby("location_id", sort=False):
        value = attendees_of(visits["workshop_id"])
        shown = value is not None and not pd.isna(value)
        text = attendees.text(value)
        if shown and not set(visits["workshop_id"]) <= recorded:
            text += " (some workshops not recorded)"
        rows.append(
            {"location_id": location_id, "attendees_safe": float(value) if shown else pd.NA, "attendees_text": text}
        )
    return pd.DataFrame(rows, columns=["location_id", "attendees_safe", "attendees_text"])


def attendees_kpi(stops: pd.DataFrame, totals: pd.DataFrame) -> str:
    """The attendees of all the workshops in view, as the KPI shows them: a count, [c], or 'none recorded'."""
    value = attendees.sum_of(totals, stops["workshop_id"])
    return "none recorded" if value is None else attendees.text(value)


def radii(values: pd.Series) -> list[float]:
    """Point radii in pixels whose areas are proportional to the values; missing or zero values get the smallest."""
    numbers = pd.to_numeric(values, errors="coerce").astype(float).fillna(0.0)
    largest = numbers.max()
    if not largest or largest <= 0:
        return [SMALLEST_RADIUS] * len(numbers)
    return [max(SMALLEST_RADIUS, LARGEST_RADIUS * math.sqrt(value / largest)) for value in numbers]


def stop_records(locations: pd.DataFrame, attendees: pd.DataFrame, size_by: str = "suggestions") -> list[dict]:
    """One plain record per location for the map's points, labels and tooltips."""
    if size_by not in SIZE_MEASURES:
        raise ValueError(f"size_by must be one of {sorted(SIZE_MEASURES)}, not {size_by!r}")
    frame = locations.merge(attendees, on="location_id", how="left")
    sizes = radii(frame["suggestions"] if size_by == "suggestions" else frame["attendees_safe"])
    records = []
    for row, radius in zip(frame.to_dict("records"), sizes, strict=True):
        records.append(
            {
                "location_id": row["location_id"],
                "name": row["name"],
                "nation": row["nation"],
                "position": [float(row["longitude"]), float(row["latitude"])],
                "colour": charts.hex_to_rgb(charts.NATION_COLOURS[row["nation"]]),
                "radius": round(radius, 2),
                # The place without its bracketed detail ("Salisbury", not "Salisbury (Porton Down)"), to keep the
                # crowded south west legible; the tooltip and the table give the full name.
                "label": f"{row['stops']} {row['name'].split(' (')[0]}",
                "stops": str(row["stops"]),
                "dates": row["dates"],
                "venues": row["venues"],
                "hosts": row["hosts"] if isinstance(row["hosts"], str) else "none named",
                "attendees_text": row["attendees_text"] if isinstance(row["attendees_text"], str) else NOT_RECORDED,
                "suggestions": int(row["suggestions"]),
                "top_theme_text": row["top_theme"] if isinstance(row["top_theme"], str) else "none",
            }
        )
    for record, offset in zip(records, label_offsets(records), strict=True):
        record["label_offset"] = offset
    return records


def label_offsets(records: list[dict]) -> list[list[int]]:
    """Pixel offsets for the stop labels at the map's opening zoom, so that each sits by its own stop, clear of the rest.

    A label may not cover another label or any stop's circle, must stay within a phone's map, and must sit nearer its
    own stop than any other (a label under a neighbour's circle reads as the neighbour's). Each label takes the first
    place in its order of preference (`_label_candidates`) that leaves every other label a place too, the most crowded
    first; a name with no such place on one line may take one on two (its number above its name). Sets each record's
    `label` (on one line or two) and `label_anchor` (deck.gl's textAnchor) to match.
    """
    placed = _placements(
        tuple((record["position"][0], record["position"][1], record["radius"], record["label"]) for record in records)
    )
    for record, (text, anchor, _offset) in zip(records, placed, strict=True):
        record["label"], record["label_anchor"] = text, anchor
    return [list(offset) for _text, _anchor, offset in placed]


@lru_cache(maxsize=64)
def _placements(shown: tuple[tuple[float, float, float, str], ...]) -> tuple[tuple[str, str, tuple], ...]:
    """(text, anchor, offset) for each stop shown as (longitude, latitude, radius, label).

    Cached: the search costs more than the rest of the map's building, and a rerun shows the same stops.
    """
    pixels = 512 * 2 ** INITIAL_VIEW["zoom"] / (2 * math.pi)  # deck.gl's world is 512 pixels wide at zoom 0
    stops = [
        (math.radians(longitude) * pixels, -mercator_y(latitude) * pixels, radius)
        for longitude, latitude, radius, _ in shown
    ]
    # The map is centred on the same point at every width, so a label kept within a phone's width of the centre, and
    # within the map's height, is never cut off by the map's edge.
    centre = math.radians(INITIAL_VIEW["longitude"]) * pixels, -mercator_y(INITIAL_VIEW["latitude"]) * pixels
    edges = (
        centre[0] - NARROW_MAP_WIDTH / 2,
        centre[1] - MAP_HEIGHT / 2 + LABEL_GAP,
        centre[0] + NARROW_MAP_WIDTH / 2,
        centre[1] + MAP_HEIGHT / 2 - LABEL_GAP,
    )
    labels = [label for *_, label in shown]
    candidates = []
    for (x, y, radius), label in zip(stops, labels, strict=True):
        stacked = label.replace(" ", "\n", 1)
        candidates.append(
            [
                (text, box, offset)
                for text in [label] + ([stacked] if stacked != label else [])
                for box, offset in zip(*_label_candidates(x, y, radius, text), strict=True)
                if _within(box, edges) and _clear(box, [], stops)
            ]
        )
    # Every rule first; then, where filters crowd the stops too closely for that, a label need only point at its own
    # stop; and if even that fails, each label takes its first place clear of the labels before it and of every circle.
    for strict in (True, False):
        options = [
            [option for option in options if _names_its_stop(option[1], stops, index, strict=strict)]
            for index, options in enumerate(candidates)
        ]
        chosen = _first_fit(options)
        if chosen is not None:
            return tuple((text, *_anchored(box, offset)) for text, box, offset in chosen)
    placed, greedy = [], []
    for (x, y, radius), label in zip(stops, labels, strict=True):
        boxes, offsets = _label_candidates(x, y, radius, label)
        first = next((i for i, box in enumerate(boxes) if _clear(box, placed, stops)), 0)
        placed.append(boxes[first])
        greedy.append((label, *_anchored(boxes[first], offsets[first])))
    return tuple(greedy)


def _anchored(box: tuple, offset: tuple) -> tuple[str, tuple[int, int]]:
    """A label's anchor (deck.gl's textAnchor) and that point's offset, from its box and its middle's offset.

    A label beside its stop is drawn from its near end, so that it starts the planned gap from the circle however much
    narrower the letters are than their estimate; one above or below is centred.
    """
    half = (box[2] - box[0]) / 2
    if offset[0] > 0:
        return "start", (round(offset[0] - half), round(offset[1]))
    if offset[0] < 0:
        return "end", (round(offset[0] + half), round(offset[1]))
    return "middle", (0, round(offset[1]))


def _first_fit(options: list[list[tuple]], budget: int = 20_000) -> list[tuple] | None:
    """One option per label (text, box, offset), no two boxes overlapping; None when there is no such choice.

    A depth-first search that places the label with the fewest options left first, takes each label's options in
    order of preference, and backs off as soon as a label has none left, so the labels of one crowded corner of the
    map never wait on those of another. Gives up (None) after `budget` steps.
    """
    steps = 0

    def place(left: dict[int, list[tuple]]) -> dict[int, tuple] | None:
        nonlocal steps
        if not left:
            return {}
        index = min(left, key=lambda label: (len(left[label]), label))
        for option in left[index]:
            steps += 1
            if steps > budget:
                return None
            rest = {
                label: [other for other in others if not _overlap(option[1], other[1])]
                for label, others in left.items()
                if label != index
            }
            if all(rest.values()):
                found = place(rest)
                if found is not None:
                    return {index: option, **found}
        return None

    found = place(dict(enumerate(options)))
    return None if found is None else [found[index] for index in range(len(options))]


# Character widths of a bold sans serif, in ems: Helvetica Bold's (Arial Bold's are the same), a little wider than the
# Source Sans Bold the map draws with, so that a label measured with them takes no less room than it does on screen.
_NARROW, _WIDE, _CAPITAL, _OTHER = 0.28, 0.89, 0.78, 0.61
_CHARACTER_EMS = {
    **dict.fromkeys(" ,.;:'’!|iIjl", _NARROW),
    **dict.fromkeys("ft()-", 0.34),
    "r": 0.39,
    **dict.fromkeys("0123456789acekqsvxyz&?", 0.56),
    **dict.fromkeys("mw", _WIDE),
    **dict.fromkeys("MW", 0.95),
}


def label_half_size(label: str) -> tuple[float, float]:
    """Half the width and height, in pixels, of a map label of one or more lines (from its characters' widths)."""
    lines = label.split("\n")
    widest = max(
        sum(_CHARACTER_EMS.get(char, _CAPITAL if char.isupper() else _OTHER) for char in line) for line in lines
    )
    # Two pixels each side for the letters' white outline.
    return LABEL_SIZE * widest / 2 + 2, LABEL_SIZE * len(lines) / 2


def _label_candidates(x: float, y: float, radius: float, label: str) -> tuple[list[tuple], list[tuple]]:
    """The boxes and offsets where a label may sit around a stop, in order of preference."""
    half = label_half_size(label)
    # Each side at the usual gap first; then above and below with the label's near end over the stop's middle or just
    # past it (room between two close neighbours); then each side half a line and a line lower or higher; then above and below one and two lines further out (the names in the south west are long
    # and close together).
    candidates = (
        [(dx * (radius + LABEL_GAP + half[0]), dy * (radius + LABEL_GAP + half[1])) for dx, dy in LABEL_PLACES]
        + [
            (dx * (half[0] + radius * shift), dy * (radius + LABEL_GAP + half[1]))
            for shift in (0, 0.5)
            for dy in (-1, 1)
            for dx in (1, -1)
        ]
        + [(dx * (radius + LABEL_GAP + half[0]), LABEL_SIZE * lines) for lines in (0.5, -0.5, 1, -1) for dx in (1, -1)]
        + [(0, dy * (radius + LABEL_GAP + half[1] + LABEL_SIZE * step)) for step in (1, 2) for dy in (-1, 1)]
    )
    boxes = [(x + dx - half[0], y + dy - half[1], x + dx + half[0], y + dy + half[1]) for dx, dy in candidates]
    return boxes, candidates


def _within(box: tuple, edges: tuple) -> bool:
    return edges[0] <= box[0] and edges[1] <= box[1] and box[2] <= edges[2] and box[3] <= edges[3]


def _clear(box: tuple, placed: list[tuple], stops: list[tuple]) -> bool:
    """Whether a label box overlaps none of the labels placed so far and none of the stops' circles, with room between.

    The room is for the circles' white rim and the letters' white outline, which the box and the radius leave out.
    """
    if any(_overlap(box, other) for other in placed):
        return False
    left, top, right, bottom = box
    return all(
        math.dist((min(max(x, left), right), min(max(y, top), bottom)), (x, y)) >= r + CIRCLE_CLEARANCE
        for x, y, r in stops
    )


def _names_its_stop(box: tuple, stops: list[tuple], own: int, *, strict: bool = True) -> bool:
    """Whether a reader takes a label to name its own stop rather than a neighbour.

    The label's end by its stop must be nearer that stop's circle than any other (it points at its stop), and, when
    strict, no other circle may come nearer the label than its own by more than the usual gap (it does not sit by
    another stop).
    """
    left, top, right, bottom = box

    def gap(point: tuple, index: int) -> float:
        return math.dist(point, stops[index][:2]) - stops[index][2]

    def nearest_point(index: int) -> tuple:
        x, y, _ = stops[index]
        return min(max(x, left), right), min(max(y, top), bottom)

    end = nearest_point(own)
    own_gap = gap(end, own)
    return all(
        gap(end, index) > own_gap and (not strict or gap(nearest_point(index), index) + LABEL_GAP >= own_gap)
        for index in range(len(stops))
        if index != own
    )


def _overlap(box: tuple, other: tuple) -> bool:
    """Whether two (left, top, right, bottom) boxes overlap."""
    return box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]


def mercator_y(latitude: float) -> float:
    """Web Mercator's vertical coordinate, so arrows point along the leg as drawn on the map."""
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


def route_legs(stops: pd.DataFrame) -> list[dict]:
    """The legs between consecutive workshops in date order; a second workshop in the same place is not a leg."""
    ordered = stops.sort_values(["held_on", "workshop_id"])
    legs = []
    previous = None
    for row in ordered.to_dict("records"):
        if previous is not None and previous["location_id"] != row["location_id"]:
            source = [float(previous["longitude"]), float(previous["latitude"])]
            target = [float(row["longitude"]), float(row["latitude"])]
            angle = math.degrees(
                math.atan2(mercator_y(target[1]) - mercator_y(source[1]), math.radians(target[0] - source[0]))
            )
            legs.append(
                {
                    "leg": len(legs) + 1,
                    "from_stop": int(previous["stop"]),
                    "to_stop": int(row["stop"]),
                    "from_name": previous["location"],
                    "to_name": row["location"],
                    "source": source,
                    "target": target,
                    "midpoint": [(source[0] + target[0]) / 2, (source[1] + target[1]) / 2],
                    "angle": round(angle, 2),
                    "icon": ARROW_ICON,
                }
            )
        previous = row
    return legs


class CompactDeck(pdk.Deck):
    """A deck whose JSON has no indentation: pydeck indents its own, which made the map five times the bytes."""

    def to_json(self) -> str:
        """The deck as compact JSON, keys sorted as pydeck sorts them (Streamlit sends this string to the browser)."""
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def build_deck(
    locations: pd.DataFrame,
    stops: pd.DataFrame,
    nations: dict,
    totals: pd.DataFrame,
    *,
    size_by: str = "suggestions",
    selected: str | None = None,
    basemap: bool = False,
) -> pdk.Deck:
    """The tour map: nation outlines, the route in date order with arrowheads, sized points and stop numbers.

    With `basemap` off (the default) the deck has no map provider, so it draws no tiles and fetches nothing. The
    points layer's id names the selected location: when the selection changes the id changes, which makes Streamlit
    drop the map's own (read-only) selection, so the ring drawn here is the only highlight and always matches.
    `totals` are the protected attendee rows (attendees.protected_totals) that the tooltips and point sizes show.
    """
    records = stop_records(locations, location_attendees(stops, totals), size_by)
    legs = route_legs(stops)
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            id="uk-nations",
            data=nations,
            stroked=True,
            filled=True,
            get_fill_color=LAND,
            get_line_color=COASTLINE,
            line_width_min_pixels=1,
            pickable=False,
        ),
        pdk.Layer(
            "ArcLayer",
            id="route",
            data=legs,
            get_source_position="source",
            get_target_position="target",
            get_source_color=ROUTE_FROM,
            get_target_color=ROUTE_TO,
            get_width=2,
            # Flat on the map, so the stops are drawn over the lines rather than under them.
            get_height=0,
            pickable=False,
        ),
        pdk.Layer(
            "IconLayer",
            id="route-direction",
            data=legs,
            get_position="midpoint",
            get_icon="icon",
            get_angle="angle",
            get_size=14,
            size_units="'pixels'",
            get_color=ROUTE_TO,
            pickable=False,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id=f"{STOPS_LAYER}-{selected or 'all'}",
            data=records,
            get_position="position",
            get_fill_color="colour",
            get_radius="radius",
            radius_units="'pixels'",
            stroked=True,
            get_line_color=WHITE,
            line_width_min_pixels=1.5,
            pickable=True,
            auto_highlight=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="selected-ring",
            data=[{**record, "ring": record["radius"] + 5} for record in records if record["location_id"] == selected],
            get_position="position",
            get_radius="ring",
            radius_units="'pixels'",
            filled=False,
            stroked=True,
            get_line_color=INK,
            line_width_min_pixels=3,
            pickable=False,
        ),
        pdk.Layer(
            "TextLayer",
            id="stop-numbers",
            data=records,
            get_position="position",
            get_text="label",
            get_pixel_offset="label_offset",
            get_text_anchor="label_anchor",
            get_size=15,
            get_color=INK,
            font_family="'Source Sans, Arial, sans-serif'",
            font_weight=700,
            font_settings={"sdf": True},
            outline_width=4,
            outline_color=WHITE,
            pickable=False,
        ),
    ]
    # map_provider=None is what keeps the map offline: with map_style=None alone, Streamlit still adds a Carto basemap.
    tiles = {"map_provider": "carto", "map_style": "light"} if basemap else {"map_provider": None}
    return CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(**INITIAL_VIEW),
        tooltip={"text": TOOLTIP_TEXT},
        height=MAP_HEIGHT,
        **tiles,
    )


def map_table(locations: pd.DataFrame) -> pd.DataFrame:
    """The map's points as a table, in tour order: its text alternative right under it."""
    ordered = locations.sort_values("first_stop")
    return pd.DataFrame(
        {
            "Stops": ordered["stops"],
            "Location": ordered["name"],
            "Nation": ordered["nation"],
            "Workshops": ordered["workshops"],
            "Suggestions": ordered["suggestions"],
            "Top theme": ordered["top_theme"],
        }
    )


def map_alt(locations: pd.DataFrame) -> str:
    """A short description of the map for screen readers; the table below is the full text alternative."""
    if locations.empty:
        return "Map of the UK with no tour stops for these filters."
    first, last = locations.iloc[0]["name"], locations.iloc[-1]["name"]
    return (
        f"Map of the UK with {len(locations)} tour locations, numbered in date order from {first} to {last}, "
        "sized by the number of suggestions and coloured by nation. The table below lists every workshop."
    )


def map_key(size_by: str = "suggestions") -> str:
    """What the map's numbers, lines, point sizes and colours mean, in words (the map has no legend of its own)."""
    return (
        "Numbers before the names are the stops in date order; arrows and the light-to-dark shading of each line show the direction of "
        f"travel. Point area shows {SIZE_MEASURES[size_by].lower()}; colour shows the nation "
        "(England dark blue, Scotland turquoise, Wales dark pink, Northern Ireland orange). "
        "Outlines: Natural Earth (public domain)."
    )


def map_legend_html(nations: list[str] | None = None) -> str:
    """The map's colour key as HTML: a dot in each nation's colour beside its name (only these fixed names, no data text)."""
    swatch = (
        '<span style="display:inline-flex;align-items:center;gap:0.35rem">'
        '<span style="width:0.85rem;height:0.85rem;border-radius:50%;background:{colour};'
        'border:1px solid #ffffff;outline:1px solid {colour}"></span>{name}</span>'
    )
    keys = "".join(
        swatch.format(colour=colour, name=html.escape(name))
        for name, colour in charts.NATION_COLOURS.items()
        if nations is None or name in nations
    )
    return (
        '<div aria-label="Map key: colour shows the nation" '
        'style="display:flex;flex-wrap:wrap;gap:0.25rem 1rem;font-size:0.9rem;color:#0b0c0c">'
        f"<strong>Key:</strong>{keys}</div>"
    )


def location_after_click(selection: dict | None, current: str | None) -> str | None:
    """The location the page should show after a map click: the clicked one, or none when it was already chosen.

    An empty selection is ignored: Streamlit reports one after each redraw drops the old selection, and a click on
    empty map cannot be told apart from it.
    """
    for layer_id, objects in ((selection or {}).get("objects") or {}).items():
        if layer_id.startswith(STOPS_LAYER) and objects:
            clicked = objects[0].get("location_id")
            return None if clicked == current else clicked
    return current


def timeline_figure(stops: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """Workshops by date with their number of suggestions, coloured and named by nation, the selection in full colour."""
    if stops.empty:
        return charts.style(go.Figure(), "No workshops match these filters", height=380)
    ordered = stops.sort_values("stop")
    places = dict(zip(ordered["stop"], timeline_label_places(ordered), strict=True))
    traces = [
        go.Scatter(
            x=ordered["held_on"],
            y=ordered["suggestions"],
            mode="lines",
            line={"color": "#BFBFBF", "width": 1, "dash": "dot"},
            hoverinfo="skip",
            showlegend=False,
        )
    ]
    for nation, colour in charts.NATION_COLOURS.items():
        rows = ordered[ordered["nation"] == nation]
        if rows.empty:
            continue
        opacity = [1.0 if selected in (None, location_id) else 0.3 for location_id in rows["location_id"]]
        traces.append(
            go.Scatter(
                x=rows["held_on"],
                y=rows["suggestions"],
                mode="markers+text",
                name=nation,
                text=timeline_labels(rows),
                textposition=[places[stop] for stop in rows["stop"]],
                marker={"color": colour, "size": 12, "opacity": opacity, "line": {"color": "white", "width": 1}},
                customdata=rows[["venue"]],
                hovertemplate="%{text}<br>%{x|%-d %b %Y}<br>%{customdata[0]}<br>%{y} suggestions<extra></extra>",
            )
        )
    busiest = ordered.sort_values(["suggestions", "stop"], ascending=[False, True]).iloc[0]
    title = (
        f"{busiest['location']} produced the most suggestions at one workshop: "
        f"{busiest['suggestions']:,} on {pd.Timestamp(busiest['held_on']):%-d %B}"
    )
    # A week either side, so that the first and last labels are not cut at the plot's edges.
    week = pd.Timedelta(days=7)
    # Built whole, traces and layout at once: each add_trace or update_* call validates the figure again.
    figure = go.Figure(
        traces,
        {
            "yaxis": {
                "title": {"text": "Suggestions"},
                "range": [0, max(1, ordered["suggestions"].max()) * TIMELINE_HEADROOM],
            },
            "xaxis": {
                "title": None,
                "tickformat": "%-d %b",
                "range": [ordered["held_on"].min() - week, ordered["held_on"].max() + week],
            },
            "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": -0.15, "title": None},
        },
    )
    return charts.style(figure, title, height=420)


def timeline_labels(ordered: pd.DataFrame) -> list[str]:
    """Each workshop's label on the timeline: its stop number and place."""
    return [f"{stop}. {location}" for stop, location in zip(ordered["stop"], ordered["location"], strict=True)]


def timeline_label_places(ordered: pd.DataFrame) -> list[str]:
    """Above or below each workshop's point, so that no two labels overlap on a timeline at least 700 pixels wide.

    A label goes above when its workshop has more suggestions than its nearest workshop in time (so close pairs split
    up and down), unless that would cover a label already placed, when it goes below.
    """
    dates = pd.to_datetime(ordered["held_on"]).tolist()
    counts = ordered["suggestions"].astype(float).tolist()
    x_scale = TIMELINE_WIDTH / ((max(dates) - min(dates)).days + 14)  # the axis has a week either side
    y_scale = TIMELINE_HEIGHT / max(1.0, max(counts) * TIMELINE_HEADROOM)
    placed, places = [], []
    for index, (held_on, count, label) in enumerate(zip(dates, counts, timeline_labels(ordered), strict=True)):
        neighbours = [other for other in (index - 1, index + 1) if 0 <= other < len(dates)]
        nearest = min(neighbours, key=lambda other: abs(dates[other] - held_on), default=None)
        above = nearest is None or count >= counts[nearest]
        x, y, half = (held_on - min(dates)).days * x_scale, count * y_scale, len(label) * TIMELINE_CHAR / 2
        boxes = {
            True: (x - half, y + LABEL_GAP, x + half, y + LABEL_GAP + LABEL_SIZE),
            False: (x - half, y - LABEL_GAP - LABEL_SIZE, x + half, y - LABEL_GAP),
        }
        if any(_overlap(boxes[above], other) for other in placed):
            above = not above
        placed.append(boxes[above])
        places.append("top center" if above else "bottom center")
    if places:  # the first label reads rightwards and the last leftwards, so the plot's edges never cut them
        places[0] = places[0].replace("center", "right")
        places[-1] = places[-1].replace("center", "left")
    return places


def theme_mix_figure(theme_counts: pd.DataFrame, place: str) -> go.Figure:
    """Suggestions per theme at a place, largest first, each bar labelled with its share."""
    counted = theme_counts.sort_values(["suggestions", "label"], ascending=[False, True]).copy()
    total = int(counted["suggestions"].sum())
    if not total:
        return charts.style(go.Figure(), f"No suggestions from {place} match these filters", height=260)
    counted["share_text"] = [
        f"{n:,} ({share:.0%})" for n, share in zip(counted["suggestions"], counted["share"], strict=True)
    ]
    top = counted.iloc[0]
    # Two lines, so that the finding fits over a half-width chart.
    title = f"{top['label']} led the suggestions from {place}:\n{top['share']:.0%} of {total:,}"
    # Room on the right for the bar labels, which sit outside the bars.
    return charts.bar(counted, x="suggestions", y="label", title=title, text="share_text", margin={"r": 80, "t": 80})


def theme_mix_table(theme_counts: pd.DataFrame) -> pd.DataFrame:
    """The theme mix as a table: theme, suggestions and share."""
    table = theme_counts.sort_values(["suggestions", "label"], ascending=[False, True])[
        ["label", "suggestions", "share"]
    ]
    return table.rename(columns={"label": "Theme", "suggestions": "Suggestions", "share": "Share"}).reset_index(
        drop=True
    )


def workshop_table(stops: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """Every workshop with all its fields, for the accessible table and the downloads; attendees from `totals`.

    Where, when and what each heard first: a tablet shows the first five or six columns and scrolls to the rest.
    """
    protected = workshop_attendees(stops, totals)
    table = pd.DataFrame(
        {
            "Stop": protected["stop"].astype(int),
            "Location": protected["location"],
            "Date": pd.to_datetime(protected["held_on"]).dt.date,
            "Suggestions": protected["suggestions"].astype(int),
            "Attendees": protected["attendees_text"],
            "Top theme": protected["top_theme"],
            "Nation": protected["nation"],
            "Region": protected["region"],
            "Venue": protected["venue"],
            "Host": protected["host"],
            "Miles travelled (reported)": protected["miles_travelled"],
            "Workshop ID": protected["workshop_id"],
        }
    )
    return table.reset_index(drop=True)


def timeline_table(stops: pd.DataFrame) -> pd.DataFrame:
    """The timeline as a table: date, stop, location and suggestions."""
    table = stops.sort_values("stop")[["held_on", "stop", "location", "nation", "suggestions"]]
    table = table.rename(
        columns={
            "held_on": "Date",
            "stop": "Stop",
            "location": "Location",
            "nation": "Nation",
            "suggestions": "Suggestions",
        }
    )
    table["Date"] = pd.to_datetime(table["Date"]).dt.date
    return table.reset_index(drop=True)


def key_finding(kpis: dict, route: dict, locations: pd.DataFrame) -> str | None:
    """'14 workshops in 12 locations over 4,612 reported miles (a 2,101-mile route as the crow flies); Bournemouth
    produced the most suggestions (131).'"""
    if not kpis["workshops"]:
        return None
    sentence = (
        f"{findings.plural(int(kpis['workshops']), 'workshop')} in {findings.plural(int(kpis['locations']), 'location')} "
        f"over {findings.plural(round(kpis['reported_miles'] or 0), 'reported mile')}"
    )
    if route["legs"]:
        miles = round(route["route_miles"])
        sentence += f" ({findings.article(miles)} {miles:,}-mile route as the crow flies)"
    counted = locations[locations["suggestions"] > 0]
    # With one place in view, "produced the most" compares it with nothing.
    if len(counted) == 1:
        only = counted.iloc[0]
        sentence += f"; {only['name']} produced {findings.plural(int(only['suggestions']), 'suggestion')}"
    elif len(counted) > 1:
        top = counted.sort_values(["suggestions", "first_stop"], ascending=[False, True]).iloc[0]
        sentence += f"; {top['name']} produced the most suggestions ({top['suggestions']:,})"
    return sentence + "."
