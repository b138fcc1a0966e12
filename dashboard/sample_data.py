"""Generate the reproducible synthetic GSE data set: python -m dashboard.sample_data --out data/ [--scale N] [--seed S]."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_SEED = 2025
CORPUS_DIR = Path(__file__).parent / "corpus"

GRADES = ("AA", "AO", "EO", "HEO", "SEO", "G7", "G6", "SCS")
# A scientific workforce is top-heavy compared with the wider civil service: most staff are HEO to G7.
GRADE_SHARES = (0.010, 0.035, 0.120, 0.245, 0.250, 0.220, 0.100, 0.020)

REGIONS = (
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Wales",
    "Scotland",
    "Northern Ireland",
)

BACKGROUNDS = ("science", "engineering", "both", "interest")
BACKGROUND_MIXES = {
    "general": (0.55, 0.22, 0.13, 0.10),
    "engineering": (0.30, 0.45, 0.15, 0.10),
    "life_science": (0.70, 0.08, 0.12, 0.10),
}


@dataclass(frozen=True)
class Department:
    """A department or agency, its GSE headcount at scale 1 and how its staff fare in the schemes."""

    department_id: str
    name: str
    members: int
    background: str = "general"
    apply_factor: float = 1.0
    accept_odds: float = 1.0


# Headcounts echo where government science really sits (Dstl, the Defra group, the Met Office and UKHSA are large).
# apply_factor and accept_odds build in the unequal access the dashboard exists to reveal: devolved governments and
# small agencies apply less and are accepted less, and two large employers (EA, MOD) are clearly below average.
DEPARTMENTS = (
    Department("DSTL", "Defence Science and Technology Laboratory", 2100, "engineering"),
    Department("EA", "Environment Agency", 1350, apply_factor=0.85, accept_odds=0.35),
    Department("UKHSA", "UK Health Security Agency", 1100, "life_science"),
    Department("METOFFICE", "Met Office", 1050),
    Department("MOD", "Ministry of Defence", 850, "engineering", accept_odds=0.35),
    Department("DEFRA", "Department for Environment, Food and Rural Affairs", 650),
    Department("APHA", "Animal and Plant Health Agency", 520, "life_science"),
    Department("NE", "Natural England", 420, "life_science"),
    Department("HSE", "Health and Safety Executive", 380, "engineering"),
    Department("CEFAS", "Centre for Environment, Fisheries and Aquaculture Science", 330, "life_science"),
    Department("DSIT", "Department for Science, Innovation and Technology", 320, apply_factor=1.6, accept_odds=1.8),
    Department("MHRA", "Medicines and Healthcare products Regulatory Agency", 260, "life_science"),
    Department("DESNZ", "Department for Energy Security and Net Zero", 240, "engineering", 1.4, 1.5),
    Department("DFT", "Department for Transport", 230, "engineering"),
    Department("HO", "Home Office", 210),
    Department("SG", "Scottish Government", 190, apply_factor=0.35, accept_odds=0.45),
    Department("DAERA", "Department of Agriculture, Environment and Rural Affairs", 160, "life_science", 0.30, 0.40),
    Department("DHSC", "Department of Health and Social Care", 140, apply_factor=1.3, accept_odds=1.4),
    Department("IPO", "Intellectual Property Office", 110, apply_factor=0.45, accept_odds=0.50),
    Department("WG", "Welsh Government", 85, apply_factor=0.35, accept_odds=0.45),
    Department("ONS", "Office for National Statistics", 70),
    Department("UKSA", "UK Space Agency", 65, "engineering"),
    Department("FCDO", "Foreign, Commonwealth and Development Office", 60, apply_factor=1.2),
    Department("FSA", "Food Standards Agency", 55, "life_science", 0.50, 0.55),
    Department("DBT", "Department for Business and Trade", 50),
    Department("VMD", "Veterinary Medicines Directorate", 48, "life_science", 0.50, 0.60),
    Department("MCA", "Maritime and Coastguard Agency", 45, "engineering", 0.45, 0.50),
    Department("MHCLG", "Ministry of Housing, Communities and Local Government", 35),
    # Deliberately under the disclosure threshold, so suppression has something to hide.
    Department("GOSCIENCE", "Government Office for Science", 22, apply_factor=1.5, accept_odds=1.8),
)

# Where each department's staff work (relative weights, columns in REGIONS order), after its real sites: Dstl at
# Porton Down and Portsdown West, the Met Office in Exeter, HSE in Bootle and Buxton, Cefas in Lowestoft, IPO and ONS
# in Newport, APHA in Weybridge, the devolved governments at home.
# fmt: off
REGION_WEIGHTS = {
    #            NE    NW    YH    EM    WM    EE    Lon   SE    SW    Wal   Sco   NI
    "DSTL":      (0,    0,    0,    0,    0,    0,    0.03, 0.40, 0.56, 0,    0.01, 0),
    "EA":        (0.08, 0.12, 0.10, 0.10, 0.10, 0.10, 0.05, 0.12, 0.23, 0,    0,    0),
    "UKHSA":     (0.03, 0.07, 0.05, 0.03, 0.05, 0.05, 0.35, 0.02, 0.35, 0,    0,    0),
    "METOFFICE": (0,    0,    0,    0,    0,    0,    0.02, 0.04, 0.88, 0.01, 0.04, 0.01),
    "MOD":       (0,    0.05, 0.03, 0.05, 0.04, 0,    0.25, 0.24, 0.30, 0,    0.04, 0),
    "DEFRA":     (0.03, 0.05, 0.25, 0,    0.04, 0.05, 0.38, 0.10, 0.10, 0,    0,    0),
    "APHA":      (0.05, 0.05, 0.15, 0.05, 0.05, 0.05, 0,    0.45, 0.10, 0.03, 0.02, 0),
    "NE":        (0.10, 0.12, 0.12, 0.10, 0.12, 0.10, 0.04, 0.15, 0.15, 0,    0,    0),
    "HSE":       (0,    0.55, 0.05, 0.30, 0,    0,    0.05, 0,    0,    0,    0.05, 0),
    "CEFAS":     (0,    0,    0,    0,    0,    0.75, 0.05, 0,    0.20, 0,    0,    0),
    "DSIT":      (0,    0.05, 0,    0,    0,    0.05, 0.80, 0.05, 0,    0.05, 0,    0),
    "MHRA":      (0,    0.05, 0,    0,    0,    0.35, 0.60, 0,    0,    0,    0,    0),
    "DESNZ":     (0,    0.05, 0.05, 0,    0,    0,    0.75, 0.05, 0,    0,    0.10, 0),
    "DFT":       (0,    0.05, 0.10, 0,    0.10, 0,    0.60, 0.10, 0,    0.05, 0,    0),
    "HO":        (0,    0.05, 0.10, 0,    0.10, 0,    0.60, 0.15, 0,    0,    0,    0),
    "SG":        (0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    1,    0),
    "DAERA":     (0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    1),
    "DHSC":      (0,    0.05, 0.10, 0,    0,    0,    0.85, 0,    0,    0,    0,    0),
    "IPO":       (0,    0,    0,    0,    0,    0,    0.05, 0,    0,    0.95, 0,    0),
    "WG":        (0,    0,    0,    0,    0,    0,    0,    0,    0,    1,    0,    0),
    "ONS":       (0,    0,    0,    0,    0,    0,    0.20, 0.25, 0,    0.55, 0,    0),
    "UKSA":      (0,    0,    0,    0,    0,    0,    0.30, 0.10, 0.50, 0,    0.10, 0),
    "FCDO":      (0,    0,    0,    0,    0,    0,    0.80, 0,    0,    0,    0.20, 0),
    "FSA":       (0,    0.05, 0.25, 0,    0,    0,    0.50, 0,    0,    0.10, 0,    0.10),
    "DBT":       (0,    0.10, 0,    0,    0.10, 0,    0.70, 0,    0,    0,    0.10, 0),
    "VMD":       (0,    0,    0,    0,    0,    0,    0.10, 0.90, 0,    0,    0,    0),
    "MCA":       (0,    0,    0,    0,    0,    0,    0,    0.70, 0.10, 0.10, 0.10, 0),
    "MHCLG":     (0,    0,    0.20, 0,    0.20, 0,    0.60, 0,    0,    0,    0,    0),
    "GOSCIENCE": (0,    0,    0,    0,    0,    0,    1,    0,    0,    0,    0,    0),
}
# fmt: on


@dataclass(frozen=True)
class Location:
    """A place the tour visited; coordinates are the city centre or the venue."""

    location_id: str
    name: str
    nation: str
    latitude: float
    longitude: float
    region: str


# No workshop in the North East, East Midlands, West Midlands, East of England or South East (Porton Down is in
# Wiltshire, so South West): the dashboard has to show which regions the tour missed.
LOCATIONS = (
    Location("london", "London", "England", 51.5074, -0.1278, "London"),
    Location("glasgow", "Glasgow", "Scotland", 55.8609, -4.2514, "Scotland"),
    Location("cardiff", "Cardiff", "Wales", 51.4816, -3.1791, "Wales"),
    Location("bournemouth", "Bournemouth", "England", 50.7163, -1.8790, "South West"),
    Location("newport", "Newport", "Wales", 51.5842, -2.9977, "Wales"),
    Location("belfast", "Belfast", "Northern Ireland", 54.5973, -5.9301, "Northern Ireland"),
    Location("edinburgh", "Edinburgh", "Scotland", 55.9533, -3.1883, "Scotland"),
    Location("exeter", "Exeter", "England", 50.7274, -3.4746, "South West"),
    Location("bristol", "Bristol", "England", 51.4545, -2.5879, "South West"),
    Location("york", "York", "England", 53.9590, -1.0815, "Yorkshire and The Humber"),
    Location("manchester", "Manchester", "England", 53.4808, -2.2426, "North West"),
    Location("salisbury", "Salisbury (Porton Down)", "England", 51.1316, -1.6955, "South West"),
)


@dataclass(frozen=True)
class Workshop:
    """One stop on the tour; miles_travelled is what the team reported for getting there."""

    workshop_id: str
    location_id: str
    held_on: str
    venue: str
    host: str | None
    attendees: int | None
    miles_travelled: int


# The team is London-based and went home between trips, so a stop that starts a new trip reports the drive home from
# the last stop plus the drive out (e.g. York -> London 210 + London -> Manchester 210). Belfast is by road via the
# Cairnryan ferry. The tour ends in London, so its last reported leg is the drive home.
WORKSHOPS = (
    Workshop(
        "w01",
        "york",
        "2025-03-05",
        "National Agri-Food Innovation Campus, Sand Hutton",
        "Department for Environment, Food and Rural Affairs",
        38,
        210,
    ),
    Workshop("w02", "manchester", "2025-03-12", "Manchester Central Library", None, 52, 420),
    Workshop(
        "w03", "london", "2025-03-19", "1 Victoria Street", "Department for Science, Innovation and Technology", 88, 210
    ),
    Workshop("w04", "glasgow", "2025-03-26", "5 Atlantic Quay", "Scottish Government", 46, 405),
    Workshop("w05", "edinburgh", "2025-03-27", "Victoria Quay", "Scottish Government", None, 47),
    Workshop(
        "w06",
        "belfast",
        "2025-04-09",
        "Dundonald House",
        "Department of Agriculture, Environment and Rural Affairs",
        31,
        855,
    ),
    Workshop("w07", "cardiff", "2025-04-23", "Crown Offices, Cathays Park", "Welsh Government", 42, 600),
    Workshop("w08", "newport", "2025-04-24", "Concept House", "Intellectual Property Office", 57, 12),
    Workshop("w09", "bristol", "2025-05-07", "Horizon House", "Environment Agency", 64, 260),
    Workshop(
        "w10", "salisbury", "2025-05-14", "Dstl Porton Down", "Defence Science and Technology Laboratory", 71, 210
    ),
    Workshop("w11", "bournemouth", "2025-05-20", "Bournemouth International Centre", "Prospect", 214, 195),
    Workshop("w12", "exeter", "2025-06-11", "Met Office, FitzRoy Road", "Met Office", 66, 305),
    Workshop(
        "w13",
        "glasgow",
        "2025-06-25",
        "University of Strathclyde Technology and Innovation Centre",
        "Scottish Government",
        29,
        605,
    ),
    Workshop(
        "w14",
        "london",
        "2025-07-09",
        "The Royal Society, Carlton House Terrace",
        "Government Office for Science",
        82,
        405,
    ),
)
CONFERENCE_WORKSHOP = "w11"
# A union conference draws a big crowd but each delegate writes less than at a small workshop.
CONFERENCE_SHARE = 0.112
CONFERENCE_RANGE = (124, 136)

THEMES = (
    (
        "recognition",
        "Recognition",
        "Raising the profile of government scientists and engineers and valuing their expertise.",
    ),
    ("cpd", "CPD", "Continuing professional development, professional registration and chartership."),
    ("careers", "Careers", "Career paths, progression, moves between roles and secondments."),
    ("leadership", "Leadership", "Leadership development, leadership schemes and leaders at all levels."),
    ("mentoring", "Mentoring", "Mentoring, coaching, sponsorship and peer support."),
    ("collaboration", "Collaboration", "Working and communicating across government, networks and knowledge sharing."),
    ("skills", "Skills and tools", "Digital, data, AI and technical skills, and the tools and facilities to use them."),
    ("inclusion", "Inclusion", "Diversity, equal access to opportunities and regional fairness."),
    ("recruitment", "Recruitment and reward", "Recruitment, retention, pay and reward."),
)
THEME_IDS = tuple(theme_id for theme_id, _, _ in THEMES)

QUESTIONS = (
    "How can we ensure government scientists and engineers are recognised appropriately?",
    "What CPD does GSE need?",
    "What would help your career as a scientist or engineer in government?",
    "How can GSE help you work across government?",
    "What should GSE do to support leaders at every level?",
    "What one thing should GSE change?",
)
# Which question a suggestion answered, given its theme: correlated, never determined (columns follow QUESTIONS).
QUESTION_WEIGHTS = {
    "recognition": (0.55, 0.05, 0.10, 0.05, 0.05, 0.20),
    "cpd": (0.05, 0.55, 0.15, 0.03, 0.02, 0.20),
    "careers": (0.05, 0.10, 0.55, 0.05, 0.05, 0.20),
    "leadership": (0.05, 0.05, 0.10, 0.05, 0.55, 0.20),
    "mentoring": (0.03, 0.10, 0.30, 0.05, 0.32, 0.20),
    "collaboration": (0.03, 0.05, 0.07, 0.55, 0.10, 0.20),
    "skills": (0.03, 0.40, 0.15, 0.15, 0.02, 0.25),
    "inclusion": (0.10, 0.05, 0.25, 0.05, 0.10, 0.45),
    "recruitment": (0.20, 0.02, 0.30, 0.03, 0.02, 0.43),
}
UNANSWERED_QUESTION_SHARE = 0.05
UNTAGGED_SHARE = 0.20
SIGNED_SHARE = 0.35
SIGNED_LOCALLY_SHARE = 0.85

# Mild local flavour: how much more (or less) likely a theme is to be raised at a location than on average.
THEME_BIAS_BY_LOCATION = {
    "london": {"leadership": 1.6, "recognition": 1.2, "inclusion": 0.7},
    "glasgow": {"inclusion": 1.7, "collaboration": 1.3, "leadership": 0.8},
    "edinburgh": {"inclusion": 1.6, "collaboration": 1.3, "leadership": 0.8},
    "belfast": {"inclusion": 1.8, "collaboration": 1.3, "leadership": 0.8},
    "cardiff": {"inclusion": 1.7, "collaboration": 1.2},
    "newport": {"inclusion": 1.5, "careers": 1.3, "skills": 1.2},
    "york": {"inclusion": 1.5, "careers": 1.2},
    "manchester": {"inclusion": 1.5, "careers": 1.3},
    "bristol": {"careers": 1.3, "collaboration": 1.2},
    "exeter": {"skills": 2.0, "collaboration": 1.2},
    "salisbury": {"skills": 1.4, "recruitment": 1.4},
    "bournemouth": {"recruitment": 1.6, "recognition": 1.3},
}
# People who sign a suggestion mostly work near the workshop; the conference drew from everywhere.
CATCHMENT_BY_LOCATION = {
    "london": ("London", "South East", "East of England"),
    "glasgow": ("Scotland",),
    "edinburgh": ("Scotland",),
    "belfast": ("Northern Ireland",),
    "cardiff": ("Wales",),
    "newport": ("Wales", "South West"),
    "york": ("Yorkshire and The Humber", "North East", "East Midlands"),
    "manchester": ("North West", "West Midlands", "Yorkshire and The Humber"),
    "bristol": ("South West", "Wales"),
    "exeter": ("South West",),
    "salisbury": ("South West", "South East"),
    "bournemouth": REGIONS,
}

COHORT_YEARS = tuple(range(2021, 2026))
PENDING_SHARE = 0.35
WITHDRAWN_SHARE = 0.06
LONDON_ACCEPT_ODDS = 1.7
SOUTH_EAST_ACCEPT_ODDS = 1.15
ELSEWHERE_ACCEPT_ODDS = 0.9


@dataclass(frozen=True)
class Scheme:
    """A development scheme: who applies each year (by grade) and how selective it is."""

    scheme_id: str
    name: str
    kind: str
    department_id: str | None
    yearly_apply_rates: dict[str, float]
    accept_rate: float
    years_to_complete: int = 1
    grade_accept_odds: dict[str, float] = field(default_factory=dict)


DEPARTMENTAL_APPLY_RATES = {"HEO": 0.02, "SEO": 0.03, "G7": 0.03, "G6": 0.015}
SCHEMES = (
    Scheme(
        "fls",
        "Future Leaders Scheme",
        "central",
        None,
        {"SEO": 0.006, "G7": 0.03, "G6": 0.025},
        0.35,
        grade_accept_odds={"SEO": 0.6, "G6": 1.3},
    ),
    Scheme("sls", "Senior Leaders Scheme", "central", None, {"G7": 0.001, "G6": 0.015, "SCS": 0.06}, 0.30),
    Scheme(
        "gse_mentoring",
        "GSE Mentoring Programme",
        "profession",
        None,
        {"AA": 0.01, "AO": 0.015, "EO": 0.025, "HEO": 0.03, "SEO": 0.03, "G7": 0.025, "G6": 0.015, "SCS": 0.01},
        0.85,
    ),
    Scheme(
        "egl_working_group",
        "Enabling GSE Leadership working group",
        "profession",
        None,
        {"SEO": 0.0005, "G7": 0.002, "G6": 0.003, "SCS": 0.01},
        0.50,
        years_to_complete=2,
    ),
    Scheme(
        "dstl_technical_leadership",
        "Dstl Technical Leadership Programme",
        "departmental",
        "DSTL",
        DEPARTMENTAL_APPLY_RATES,
        0.60,
    ),
    Scheme(
        "defra_science_leaders",
        "Defra Science Leaders Programme",
        "departmental",
        "DEFRA",
        DEPARTMENTAL_APPLY_RATES,
        0.60,
    ),
    Scheme(
        "metoffice_science_fellowship",
        "Met Office Science Fellowship",
        "departmental",
        "METOFFICE",
        DEPARTMENTAL_APPLY_RATES,
        0.55,
    ),
)

TABLE_COLUMNS = {
    "departments": ("department_id", "name"),
    "locations": ("location_id", "name", "nation", "latitude", "longitude", "region"),
    "workshops": ("workshop_id", "location_id", "held_on", "venue", "host", "attendees", "miles_travelled"),
    "members": ("member_id", "department_id", "grade", "region", "background", "joined_on"),
    "themes": ("theme_id", "label", "description"),
    "suggestions": ("suggestion_id", "workshop_id", "question", "text", "theme_id", "member_id"),
    "schemes": ("scheme_id", "name", "kind", "department_id"),
    "participation": ("member_id", "scheme_id", "cohort_year", "status"),
}


def last_workshop_date() -> date:
    """The day the tour ended, which bounds every other date in the data."""
    return date.fromisoformat(WORKSHOPS[-1].held_on)


def padded_ids(prefix: str, count: int, min_width: int) -> list[str]:
    """Sequential ids like M000001, widened only when the count needs more digits."""
    width = max(min_width, len(str(count)))
    return [f"{prefix}{number:0{width}d}" for number in range(1, count + 1)]


def load_corpus(corpus_dir: Path) -> pd.DataFrame:
    """Read one suggestion per non-blank line from <theme_id>.txt for every theme, in taxonomy order."""
    frames = []
    for theme_id in THEME_IDS:
        path = Path(corpus_dir) / f"{theme_id}.txt"
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        texts = [line for line in lines if line]
        if not texts:
            raise ValueError(f"{path} has no suggestions")
        too_long = [text for text in texts if len(text) > 2000]
        if too_long:
            raise ValueError(f"{path} has a suggestion longer than 2,000 characters: {too_long[0][:60]}...")
        frames.append(pd.DataFrame({"theme_id": theme_id, "text": texts}))
    return pd.concat(frames, ignore_index=True)


def departments_table() -> pd.DataFrame:
    """The departments and agencies whose staff belong to the profession."""
    return pd.DataFrame([(dept.department_id, dept.name) for dept in DEPARTMENTS], columns=TABLE_COLUMNS["departments"])


def locations_table() -> pd.DataFrame:
    """The twelve places the tour visited."""
    return pd.DataFrame(
        [(loc.location_id, loc.name, loc.nation, loc.latitude, loc.longitude, loc.region) for loc in LOCATIONS],
        columns=TABLE_COLUMNS["locations"],
    )


def workshops_table() -> pd.DataFrame:
    """The fourteen workshops in date order, with optional host and attendance left blank where unrecorded."""
    workshops = pd.DataFrame(
        [(w.workshop_id, w.location_id, w.held_on, w.venue, w.host, w.attendees, w.miles_travelled) for w in WORKSHOPS],
        columns=TABLE_COLUMNS["workshops"],
    )
    return workshops.astype({"attendees": "Int64", "miles_travelled": "Int64"})


def themes_table() -> pd.DataFrame:
    """The nine themes of the taxonomy."""
    return pd.DataFrame(THEMES, columns=TABLE_COLUMNS["themes"])


def schemes_table() -> pd.DataFrame:
    """The central, profession and departmental development schemes."""
    return pd.DataFrame(
        [(s.scheme_id, s.name, s.kind, s.department_id) for s in SCHEMES], columns=TABLE_COLUMNS["schemes"]
    )


def random_join_dates(rng: np.random.Generator, count: int) -> np.ndarray:
    """ISO join dates between 1990 and the end of the tour, skewed to recent years, about 3% unknown."""
    start = np.datetime64("1990-01-01")
    end = np.datetime64(last_workshop_date())
    span_days = int((end - start) / np.timedelta64(1, "D"))
    # The profession has grown, so recent joiners outnumber long-serving staff.
    days_before_end = (rng.beta(1.2, 2.0, count) * span_days).astype(np.int64)
    joined = np.datetime_as_string(end - days_before_end.astype("timedelta64[D]"), unit="D").astype(object)
    joined[rng.random(count) < 0.03] = None
    return joined


def generate_members(rng: np.random.Generator, scale: int) -> pd.DataFrame:
    """Pseudonymous members: department sizes fixed per scale, region and background drawn per department."""
    sizes = np.array([dept.members for dept in DEPARTMENTS]) * scale
    total = int(sizes.sum())
    department_codes = np.repeat(np.arange(len(DEPARTMENTS)), sizes)
    region_codes = np.empty(total, dtype=np.int64)
    background_codes = np.empty(total, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    for code, dept in enumerate(DEPARTMENTS):
        rows = slice(starts[code], starts[code + 1])
        weights = np.array(REGION_WEIGHTS[dept.department_id], dtype=float)
        region_codes[rows] = rng.choice(len(REGIONS), size=sizes[code], p=weights / weights.sum())
        background_codes[rows] = rng.choice(len(BACKGROUNDS), size=sizes[code], p=BACKGROUND_MIXES[dept.background])
    grade_codes = rng.choice(len(GRADES), size=total, p=GRADE_SHARES)
    joined_on = random_join_dates(rng, total)
    # Shuffle so that member ids do not run department by department and leak the employer.
    order = rng.permutation(total)
    return pd.DataFrame(
        {
            "member_id": padded_ids("M", total, 6),
            "department_id": np.array([d.department_id for d in DEPARTMENTS], dtype=object)[department_codes[order]],
            "grade": np.array(GRADES, dtype=object)[grade_codes[order]],
            "region": np.array(REGIONS, dtype=object)[region_codes[order]],
            "background": np.array(BACKGROUNDS, dtype=object)[background_codes[order]],
            "joined_on": joined_on[order],
        }
    )


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Whole-number counts summing to total, as close as possible to proportional to weights."""
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(np.int64)
    shortfall = total - counts.sum()
    counts[np.argsort(-(exact - counts), kind="stable")[:shortfall]] += 1
    return counts


def suggestions_per_workshop(rng: np.random.Generator, total: int, scale: int) -> np.ndarray:
    """How many suggestions each workshop produced: the conference a fixed share, the rest by attendance."""
    low, high = CONFERENCE_RANGE
    # The cap at half only matters for a tiny test corpus, where the conference's usual range cannot fit.
    conference = min(int(np.clip(round(total * CONFERENCE_SHARE), low * scale, high * scale)), total // 2)
    attendance = np.array([w.attendees if w.attendees is not None else np.nan for w in WORKSHOPS], dtype=float)
    # An unrecorded attendance still produced suggestions; assume a typical turnout.
    is_conference = np.array([w.workshop_id == CONFERENCE_WORKSHOP for w in WORKSHOPS])
    typical = np.nanmedian(attendance[~is_conference])
    attendance = np.where(np.isnan(attendance), typical, attendance)
    weights = attendance * rng.uniform(0.85, 1.15, len(WORKSHOPS))
    counts = np.zeros(len(WORKSHOPS), dtype=np.int64)
    counts[is_conference] = conference
    counts[~is_conference] = largest_remainder(weights[~is_conference], total - conference)
    return counts


def theme_mix_by_workshop(rng: np.random.Generator, targets: np.ndarray, theme_totals: np.ndarray) -> np.ndarray:
    """Whole counts per workshop and theme: each theme's total shared out, tilted by each location's biases."""
    bias = np.array(
        [
            [THEME_BIAS_BY_LOCATION.get(w.location_id, {}).get(theme_id, 1.0) for theme_id in THEME_IDS]
            for w in WORKSHOPS
        ]
    )
    # A little noise so that two workshops in one city, or with no bias, still differ.
    expected = targets[:, None] * bias * rng.lognormal(0.0, 0.15, bias.shape)
    # Iterative proportional fitting: rows match the workshop sizes, columns use every corpus line of each theme.
    for _ in range(50):
        row_sums = expected.sum(axis=1)
        expected *= np.divide(targets, row_sums, out=np.zeros_like(row_sums), where=row_sums > 0)[:, None]
        expected *= theme_totals / expected.sum(axis=0)
    return np.column_stack(
        [largest_remainder(expected[:, theme], int(theme_totals[theme])) for theme in range(len(THEME_IDS))]
    )


def deal_to_workshops(rng: np.random.Generator, theme_codes: np.ndarray, mix: np.ndarray) -> list[np.ndarray]:
    """Split each theme's (already shuffled) suggestions between workshops as the mix says, then shuffle each workshop."""
    dealt = [[] for _ in WORKSHOPS]
    for theme in range(len(THEME_IDS)):
        in_theme = np.flatnonzero(theme_codes == theme)
        for workshop, portion in enumerate(np.split(in_theme, np.cumsum(mix[:-1, theme]))):
            dealt[workshop].append(portion)
    return [rng.permutation(np.concatenate(portions)) for portions in dealt]


def choose_questions(rng: np.random.Generator, theme_codes: np.ndarray) -> np.ndarray:
    """The workshop question each suggestion answered, correlated with its theme; about 5% unrecorded."""
    weights = np.array([QUESTION_WEIGHTS[theme_id] for theme_id in THEME_IDS])
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    draws = rng.random(len(theme_codes))
    question_codes = np.minimum((draws[:, None] > cumulative[theme_codes]).sum(axis=1), len(QUESTIONS) - 1)
    questions = np.array(QUESTIONS, dtype=object)[question_codes]
    questions[rng.random(len(theme_codes)) < UNANSWERED_QUESTION_SHARE] = None
    return questions


def random_subset(rng: np.random.Generator, count: int, share: float) -> np.ndarray:
    """A boolean mask selecting exactly round(share * count) random positions."""
    mask = np.zeros(count, dtype=bool)
    mask[rng.permutation(count)[: round(share * count)]] = True
    return mask


def sign_suggestions(rng: np.random.Generator, workshop_ids: np.ndarray, members: pd.DataFrame) -> np.ndarray:
    """Member ids for the ~35% of suggestions that were signed, mostly by someone working near the workshop."""
    member_ids = members["member_id"].to_numpy()
    member_regions = members["region"].to_numpy()
    signed = random_subset(rng, len(workshop_ids), SIGNED_SHARE)
    local = rng.random(len(workshop_ids)) < SIGNED_LOCALLY_SHARE
    anyone = rng.integers(len(member_ids), size=len(workshop_ids))
    authors = member_ids[anyone].astype(object)
    for workshop in WORKSHOPS:
        catchment = np.flatnonzero(np.isin(member_regions, CATCHMENT_BY_LOCATION[workshop.location_id]))
        rows = np.flatnonzero((workshop_ids == workshop.workshop_id) & local)
        authors[rows] = member_ids[catchment[rng.integers(len(catchment), size=len(rows))]]
    authors[~signed] = None
    return authors


def generate_suggestions(
    rng: np.random.Generator, scale: int, corpus: pd.DataFrame, members: pd.DataFrame
) -> pd.DataFrame:
    """Every corpus line once per unit of scale, shuffled, dealt to workshops, some untagged and some signed."""
    pool = corpus.iloc[np.tile(np.arange(len(corpus)), scale)].reset_index(drop=True)
    pool = pool.iloc[rng.permutation(len(pool))].reset_index(drop=True)
    theme_codes = pd.Categorical(pool["theme_id"], categories=THEME_IDS).codes.astype(np.int64)
    targets = suggestions_per_workshop(rng, len(pool), scale)
    mix = theme_mix_by_workshop(rng, targets, np.bincount(theme_codes, minlength=len(THEME_IDS)))
    order = np.concatenate(deal_to_workshops(rng, theme_codes, mix))
    workshop_ids = np.repeat([w.workshop_id for w in WORKSHOPS], mix.sum(axis=1)).astype(object)
    theme_codes = theme_codes[order]
    theme_ids = np.array(THEME_IDS, dtype=object)[theme_codes]
    # The classifier tags these; the truth stays only in the corpus file.
    theme_ids[random_subset(rng, len(order), UNTAGGED_SHARE)] = None
    return pd.DataFrame(
        {
            "suggestion_id": padded_ids("S", len(order), 5),
            "workshop_id": workshop_ids,
            "question": choose_questions(rng, theme_codes),
            "text": pool["text"].to_numpy()[order],
            "theme_id": theme_ids,
            "member_id": sign_suggestions(rng, workshop_ids, members),
        }
    )


def lookup(values: np.ndarray, table: dict[str, float], default: float) -> np.ndarray:
    """Map each value through a small dict, vectorised over the distinct values."""
    codes, distinct = pd.factorize(values)
    return np.array([table.get(value, default) for value in distinct], dtype=float)[codes]


def acceptance_odds(members: pd.DataFrame) -> np.ndarray:
    """Each member's odds multiplier for being accepted: their department and whether they work in London."""
    by_department = {dept.department_id: dept.accept_odds for dept in DEPARTMENTS}
    by_region = {region: ELSEWHERE_ACCEPT_ODDS for region in REGIONS}
    by_region |= {"London": LONDON_ACCEPT_ODDS, "South East": SOUTH_EAST_ACCEPT_ODDS}
    regions = members["region"].to_numpy()
    return lookup(members["department_id"].to_numpy(), by_department, 1.0) * lookup(regions, by_region, 1.0)


def draw_applications(rng: np.random.Generator, members: pd.DataFrame) -> pd.DataFrame:
    """Who applied to which scheme in which year: one Bernoulli draw per member, scheme and year."""
    department_ids = members["department_id"].to_numpy()
    grades = members["grade"].to_numpy()
    apply_factor = lookup(department_ids, {d.department_id: d.apply_factor for d in DEPARTMENTS}, 1.0)
    joined_year = pd.to_datetime(members["joined_on"]).dt.year.to_numpy(dtype=float, na_value=np.nan)
    applications = []
    for scheme in SCHEMES:
        in_department = True if scheme.department_id is None else department_ids == scheme.department_id
        chance = np.minimum(lookup(grades, scheme.yearly_apply_rates, 0.0) * apply_factor, 0.9)
        for year in COHORT_YEARS:
            # Someone who joined after the cohort year could not have applied; unknown join dates are let through.
            eligible = in_department & ~(joined_year > year)
            applied = np.flatnonzero(eligible & (rng.random(len(members)) < chance))
            applications.append(
                pd.DataFrame({"member_row": applied, "scheme_id": scheme.scheme_id, "cohort_year": year})
            )
    return pd.concat(applications, ignore_index=True)


def decide_applications(rng: np.random.Generator, applications: pd.DataFrame, members: pd.DataFrame) -> np.ndarray:
    """The furthest stage each application reached, from a logistic model of acceptance."""
    schemes = {scheme.scheme_id: scheme for scheme in SCHEMES}
    scheme_ids = applications["scheme_id"].to_numpy()
    rows = applications["member_row"].to_numpy()
    years = applications["cohort_year"].to_numpy()
    base_rate = lookup(scheme_ids, {s: schemes[s].accept_rate for s in schemes}, 0.5)
    grade_odds = np.ones(len(applications))
    grades = members["grade"].to_numpy()[rows]
    for scheme in SCHEMES:
        in_scheme = scheme_ids == scheme.scheme_id
        grade_odds[in_scheme] = lookup(grades[in_scheme], scheme.grade_accept_odds, 1.0)
    odds = base_rate / (1 - base_rate) * grade_odds * acceptance_odds(members)[rows]
    accepted = rng.random(len(applications)) < odds / (1 + odds)
    withdrawn = accepted & (rng.random(len(applications)) < WITHDRAWN_SHARE)
    years_to_complete = lookup(scheme_ids, {s: schemes[s].years_to_complete for s in schemes}, 1)
    latest_year = COHORT_YEARS[-1]
    completed = accepted & ~withdrawn & (years + years_to_complete < latest_year)
    pending = (years == latest_year) & (rng.random(len(applications)) < PENDING_SHARE)
    status = np.where(accepted, "accepted", "rejected").astype(object)
    status[completed] = "completed"
    status[withdrawn] = "withdrawn"
    status[pending] = "applied"
    return status


def generate_participation(rng: np.random.Generator, members: pd.DataFrame) -> pd.DataFrame:
    """Scheme applications and outcomes 2021-2025, with access deliberately unequal across departments and regions."""
    applications = draw_applications(rng, members)
    applications["status"] = decide_applications(rng, applications, members)
    applications = applications.sort_values(["member_row", "scheme_id", "cohort_year"], kind="stable")
    # Nobody reapplies to a scheme they have already got into.
    got_in = applications["status"].isin(["accepted", "completed", "withdrawn"])
    earlier_success = got_in.groupby([applications["member_row"], applications["scheme_id"]]).cumsum() - got_in
    applications = applications[earlier_success.to_numpy() == 0]
    scheme_order = {scheme.scheme_id: position for position, scheme in enumerate(SCHEMES)}
    applications = applications.assign(scheme_position=applications["scheme_id"].map(scheme_order))
    applications = applications.sort_values(["cohort_year", "scheme_position", "member_row"], kind="stable")
    return pd.DataFrame(
        {
            "member_id": members["member_id"].to_numpy()[applications["member_row"].to_numpy()],
            "scheme_id": applications["scheme_id"].to_numpy(),
            "cohort_year": applications["cohort_year"].to_numpy(),
            "status": applications["status"].to_numpy(),
        }
    )


def generate(scale: int = 1, seed: int = DEFAULT_SEED, corpus_dir: Path = CORPUS_DIR) -> dict[str, pd.DataFrame]:
    """Every table of the data contract, keyed by CSV name; the same arguments always give the same tables."""
    if scale < 1:
        raise ValueError("scale must be a positive whole number")
    # One independent stream per table, so that retuning one table leaves the others byte-identical.
    members_rng, suggestions_rng, participation_rng = np.random.default_rng(seed).spawn(3)
    corpus = load_corpus(corpus_dir)
    members = generate_members(members_rng, scale)
    suggestions = generate_suggestions(suggestions_rng, scale, corpus, members)
    participation = generate_participation(participation_rng, members)
    return {
        "departments": departments_table(),
        "locations": locations_table(),
        "workshops": workshops_table(),
        "members": members,
        "themes": themes_table(),
        "suggestions": suggestions,
        "schemes": schemes_table(),
        "participation": participation,
    }


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path) -> None:
    """Write each table to <out_dir>/<name>.csv in contract column order with Unix line endings."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, columns in TABLE_COLUMNS.items():
        tables[name].loc[:, list(columns)].to_csv(out_dir / f"{name}.csv", index=False, lineterminator="\n")


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("data"), help="directory for the CSV files")
    parser.add_argument("--scale", type=int, default=1, help="multiply members, suggestions and participation by N")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="directory of <theme_id>.txt suggestion files")
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be at least 1")
    tables = generate(args.scale, args.seed, args.corpus)
    write_tables(tables, args.out)
    counts = ", ".join(f"{name} {len(table):,}" for name, table in tables.items())
    print(f"Wrote {args.out}: {counts}")


if __name__ == "__main__":
    main()
