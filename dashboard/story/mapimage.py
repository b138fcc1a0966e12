"""A picture of a pydeck map, drawn offline with Pillow from the deck's own layers, for the board pack and the report."""

import io
import json
import math

import pydeck as pdk
from PIL import Image, ImageDraw, ImageFont

# Drawn this many times larger, then scaled down: Pillow does not smooth edges itself.
SUPERSAMPLE = 3
PADDING = 0.04  # of the picture's height, on every side of the drawing
ARC_STEPS = 16
BLACK = [0, 0, 0]
# Degrees of longitude and latitude either side of the middle: the least a map fitted to its points shows, about the
# tour's own extent, so one place alone is not drawn as a giant dot.
MIN_SPAN = (3.5, 2.5)


def _mercator(position) -> tuple[float, float]:
    longitude, latitude = float(position[0]), float(position[1])
    return math.radians(longitude), math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


def _rings(geometry: dict) -> list[list]:
    """The outer and inner rings of a Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def _positions(layer: dict) -> list:
    if layer["@@type"] == "GeoJsonLayer":
        features = layer["data"]["features"]
        return [point for feature in features for ring in _rings(feature["geometry"]) for point in ring]
    names = [layer.get(key) for key in ("getPosition", "getSourcePosition", "getTargetPosition")]
    fields = [name[3:] for name in names if isinstance(name, str) and name.startswith("@@=")]
    return [record[field] for record in layer["data"] for field in fields]


def _value(layer: dict, key: str, record: dict, default):
    """A layer property for one record: a constant, or the record's field when the property is an accessor."""
    value = layer.get(key, default)
    if isinstance(value, str) and value.startswith("@@="):
        return record[value[3:]]
    return value


def _colour(value) -> tuple[int, ...]:
    return tuple(int(part) for part in value[:4])


class Canvas:
    """A picture that fits the given positions; the deck's pixel sizes keep their size against the land."""

    def __init__(self, positions: list, zoom: float, height: int, width: int | None, padding: float = PADDING):
        points = [_mercator(position) for position in positions] or [(0.0, 0.0)]
        xs, ys = [x for x, _ in points], [y for _, y in points]
        span_x, span_y = max(xs) - min(xs) or 1e-6, max(ys) - min(ys) or 1e-6
        self.height = height * SUPERSAMPLE
        edge = padding
        padding = edge * self.height
        if width is None:  # as wide as the map's shape needs
            width = round(height * (1 - 2 * edge) * span_x / span_y + 2 * edge * height)
        self.width = width * SUPERSAMPLE
        self.scale = min((self.width - 2 * padding) / span_x, (self.height - 2 * padding) / span_y)
        self.centre = ((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2)
        # One of the deck's pixels, in this picture: deck.gl's world is 512 pixels wide at zoom 0.
        self.pixel = self.scale * 2 * math.pi / (512 * 2**zoom)
        self.image = Image.new("RGB", (self.width, self.height), "white")
        self.draw = ImageDraw.Draw(self.image)

    def xy(self, position) -> tuple[float, float]:
        x, y = _mercator(position)
        return (
            self.width / 2 + (x - self.centre[0]) * self.scale,
            self.height / 2 - (y - self.centre[1]) * self.scale,
        )

    def png(self) -> bytes:
        small = self.image.resize((self.width // SUPERSAMPLE, self.height // SUPERSAMPLE), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        # Fast compression: "optimize" took a third of a board pack's time for a file a fifth smaller.
        small.save(buffer, format="PNG", compress_level=6)
        return buffer.getvalue()


def _geojson(canvas: Canvas, layer: dict) -> None:
    fill, line = _colour(layer.get("getFillColor", BLACK)), _colour(layer.get("getLineColor", BLACK))
    width = max(1, round(layer.get("lineWidthMinPixels", 1) * canvas.pixel))
    for feature in layer["data"]["features"]:
        for ring in _rings(feature["geometry"]):
            canvas.draw.polygon([canvas.xy(point) for point in ring], fill=fill if layer.get("filled", True) else None)
        if layer.get("stroked", True):
            for ring in _rings(feature["geometry"]):
                canvas.draw.line([canvas.xy(point) for point in ring], fill=line, width=width)


def _arcs(canvas: Canvas, layer: dict) -> None:
    """Arcs drawn flat (as the tour map draws them), each shading from its source colour to its target colour."""
    for record in layer["data"]:
        start = canvas.xy(_value(layer, "getSourcePosition", record, None))
        end = canvas.xy(_value(layer, "getTargetPosition", record, None))
        source = _value(layer, "getSourceColor", record, BLACK)
        target = _value(layer, "getTargetColor", record, BLACK)
        width = max(1, round(_value(layer, "getWidth", record, 1) * canvas.pixel))
        for step in range(ARC_STEPS):
            a, b = step / ARC_STEPS, (step + 1) / ARC_STEPS
            colour = tuple(round(s + (t - s) * (a + b) / 2) for s, t in zip(source[:3], target[:3], strict=True))
            canvas.draw.line(
                [(start[0] + (end[0] - start[0]) * a, start[1] + (end[1] - start[1]) * a),
                 (start[0] + (end[0] - start[0]) * b, start[1] + (end[1] - start[1]) * b)],
                fill=colour, width=width,
            )  # fmt: skip


def _arrows(canvas: Canvas, layer: dict) -> None:
    """Icons drawn as the route's arrowheads: a dart pointing along each record's angle (degrees anticlockwise)."""
    for record in layer["data"]:
        x, y = canvas.xy(_value(layer, "getPosition", record, None))
        angle = math.radians(_value(layer, "getAngle", record, 0))
        size = _value(layer, "getSize", record, 14) * canvas.pixel
        along, across = (math.cos(angle), -math.sin(angle)), (math.sin(angle), math.cos(angle))
        # The icon's dart, in its 64-pixel box centred on the anchor: tip, upper barb, notch, lower barb.
        dart = [(28, 0), (-24, -24), (-12, 0), (-24, 24)]
        points = [
            (x + (a * along[0] + b * across[0]) * size / 64, y + (a * along[1] + b * across[1]) * size / 64)
            for a, b in dart
        ]
        canvas.draw.polygon(points, fill=_colour(_value(layer, "getColor", record, BLACK)))


def _points(canvas: Canvas, layer: dict) -> None:
    for record in layer["data"]:
        x, y = canvas.xy(_value(layer, "getPosition", record, None))
        radius = _value(layer, "getRadius", record, 1) * canvas.pixel
        line = max(1, round(layer.get("lineWidthMinPixels", 1) * canvas.pixel)) if layer.get("stroked") else 0
        fill = _colour(_value(layer, "getFillColor", record, BLACK)) if layer.get("filled", True) else None
        outline = _colour(_value(layer, "getLineColor", record, BLACK)) if line else None
        canvas.draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=fill, outline=outline, width=line)


def _labels(canvas: Canvas, layer: dict) -> None:
    for record in layer["data"]:
        x, y = canvas.xy(_value(layer, "getPosition", record, None))
        dx, dy = _value(layer, "getPixelOffset", record, [0, 0])
        font = ImageFont.load_default(size=_value(layer, "getSize", record, 12) * canvas.pixel)
        canvas.draw.text(
            (x + dx * canvas.pixel, y + dy * canvas.pixel),
            str(_value(layer, "getText", record, "")),
            fill=_colour(_value(layer, "getColor", record, BLACK)),
            font=font,
            anchor="mm",
            stroke_width=round(layer.get("outlineWidth", 0) * canvas.pixel / 2),
            stroke_fill=_colour(layer.get("outlineColor", [255, 255, 255])),
        )


PAINTERS = {
    "GeoJsonLayer": _geojson,
    "ArcLayer": _arcs,
    "IconLayer": _arrows,
    "ScatterplotLayer": _points,
    "TextLayer": _labels,
}


def png(
    deck: pdk.Deck, *, height: int = 1200, width: int | None = None, fit_points: bool = False, padding: float = PADDING
) -> bytes:
    """The deck's layers as a PNG, fitted to what they show; the width follows the map's shape unless given.

    Points, numbers and lines keep the size they have against the land at the deck's opening zoom, so the numbers
    sit where the page's map puts them.

    No tiles and no network: only the layer types the tour map uses are drawn, and a layer of any other type is an
    error rather than a silent gap in the picture.

    `fit_points` fits the picture to the points, arcs and labels rather than the outlines, so a slide shows the places
    large (the outlines are cut at the edges); `padding` is the room kept around them, a fraction of the height.
    """
    layers = json.loads(deck.to_json())["layers"]
    unknown = sorted({layer["@@type"] for layer in layers} - set(PAINTERS))
    if unknown:
        raise ValueError(f"cannot draw {', '.join(unknown)} offline")
    fitted = [layer for layer in layers if not (fit_points and layer["@@type"] == "GeoJsonLayer")]
    positions = [position for layer in fitted for position in _positions(layer)]
    if fit_points and positions:
        # At least a region's width around the places: one place alone would otherwise fill the picture.
        longitudes, latitudes = [float(p[0]) for p in positions], [float(p[1]) for p in positions]
        middle = ((max(longitudes) + min(longitudes)) / 2, (max(latitudes) + min(latitudes)) / 2)
        positions += [
            (middle[0] - MIN_SPAN[0], middle[1] - MIN_SPAN[1]),
            (middle[0] + MIN_SPAN[0], middle[1] + MIN_SPAN[1]),
        ]
    canvas = Canvas(positions, deck.initial_view_state.zoom, height, width, padding)
    for layer in layers:
        PAINTERS[layer["@@type"]](canvas, layer)
    return canvas.png()
