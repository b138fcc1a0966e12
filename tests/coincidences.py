"""Fixture data that breaks the coincidences tests/fixtures happens to have, so code that leans on them is caught.

tests/fixtures numbers its workshops in date order, has no one joining after the last workshop, no attendee count
under the threshold and members only in England and Scotland. This copy changes exactly that, and the tests that
use it state every expected value by hand (see the constants below).
"""

import shutil
from pathlib import Path

import pandas as pd

from tests.conftest import FIXTURES

# Workshop ids out of date order: sorted by id the tour would run Glasgow, London, London, Exeter.
RENAMED_WORKSHOPS = {"w01": "w03", "w02": "w01", "w03": "w04", "w04": "w02"}
# The tour in date order, by location name, as anyone reading workshops.csv would list it.
TOUR_IN_DATE_ORDER = ["London", "Glasgow", "Exeter", "London"]
# The Glasgow workshop's attendees, under the default threshold of 10.
SMALL_ATTENDANCE = 6
# Members in every nation, and one who joined after the last workshop (2025-05-01): the data is as of that day.
EXTRA_MEMBERS = [
    "M013,DEFRA,HEO,Northern Ireland,science,2025-06-15",
    "M014,METOFFICE,EO,Wales,engineering,2023-01-01",
    "M015,SG,SEO,Wales,interest,2024-02-01",
]
DATA_AS_OF = "2025-06-15"
MEMBERS_BY_NATION = {"England": 9, "Scotland": 3, "Wales": 2, "Northern Ireland": 1}
# A departmental scheme (defra_leaders, DEFRA's) is already in the fixtures; `skills` has a single suggestion (S06).
SINGLE_SUGGESTION_THEME = "skills"


def write_csvs(folder: Path) -> Path:
    """The fixture CSVs with the coincidences broken, written to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for csv in FIXTURES.glob("*.csv"):
        shutil.copy(csv, folder / csv.name)
    workshops = pd.read_csv(folder / "workshops.csv", dtype=str, keep_default_na=False)
    workshops.loc[workshops["location_id"] == "glasgow", "attendees"] = str(SMALL_ATTENDANCE)
    workshops["workshop_id"] = workshops["workshop_id"].map(RENAMED_WORKSHOPS)
    workshops.sort_values("workshop_id").to_csv(folder / "workshops.csv", index=False)
    suggestions = pd.read_csv(folder / "suggestions.csv", dtype=str, keep_default_na=False)
    suggestions["workshop_id"] = suggestions["workshop_id"].map(RENAMED_WORKSHOPS)
    suggestions.to_csv(folder / "suggestions.csv", index=False)
    members = (folder / "members.csv").read_text()
    (folder / "members.csv").write_text(members.rstrip("\n") + "\n" + "\n".join(EXTRA_MEMBERS) + "\n")
    return folder
