"""The words the dashboard uses, each defined once: pages, exports and the About this data page read them from here."""

from dataclasses import dataclass

from dashboard import disclosure


@dataclass(frozen=True)
class Term:
    """One word and what it means here."""

    word: str
    meaning: str


MEMBERS = Term(
    "Members",
    "People in the GSE profession: one row each in members.csv. Filters by department and nation (where they work) "
    "and, on the Profession and Leadership pages, by grade.",
)
APPLICATIONS = Term(
    "Applications",
    "One member's entry to one leadership or development scheme in one cohort year, at any stage; its status is the "
    "furthest stage it reached.",
)
PARTICIPANTS = Term(
    "Participants",
    "Applications accepted or completed. Someone on two schemes counts on each, so participants can exceed the "
    "members who took part. The same number on the Overview, the Leadership page and the board pack.",
)
APPLICANTS = Term(
    "Applicants",
    "Distinct members with at least one application, at any stage (each person once, whatever they applied to).",
)
TERMS = (
    MEMBERS,
    APPLICATIONS,
    PARTICIPANTS,
    APPLICANTS,
    Term(
        "Acceptance rate",
        "(Accepted + completed) ÷ all applications, including those still awaiting a decision, so the latest cohort's "
        "rate rises as decisions arrive.",
    ),
    Term("Participants per 100 members", "Participants ÷ members at the chosen grades × 100."),
    Term(
        "95% Wilson interval",
        "The range a rate would likely fall in by chance, given how many applications it rests on (Wilson's score "
        "interval, which stays sensible for small counts and rates near 0 or 100%). A department is named as below "
        "the profession only when its whole interval lies below the profession-wide rate.",
    ),
    Term(
        "Suggestions",
        "Ideas members gave at the tour's workshops, one row each in suggestions.csv. Most name no member.",
    ),
    Term(
        "Manual and auto themes",
        "A theme given in the data is manual; an untagged suggestion gets an auto theme from the offline classifier "
        "when the data is built or imported. Needs review: an auto theme with confidence under 50%.",
    ),
    Term(
        "Attendees",
        "People counted at a workshop, where the workshop recorded them. A workshop that recorded none adds nothing.",
    ),
    Term("[c]", disclosure.NOTE.format(k="k") + " k is 10 unless the dashboard is set otherwise."),
    Term(
        "ITL1 regions",
        "The UK's International Territorial Level 1 areas: the nine English regions (such as North East, London, "
        "South West) plus Scotland, Wales and Northern Ireland, twelve in all.",
    ),
    Term(
        "Grades",
        "Civil Service grades, junior to senior: AA (administrative assistant), AO (administrative officer), EO "
        "(executive officer), HEO (higher executive officer), SEO (senior executive officer), G7 and G6 (grades 7 and "
        "6) and SCS (the Senior Civil Service).",
    ),
    Term(
        "Representation ratio",
        "A region's share of suggestions ÷ its share of members; below 0.8 the region is flagged as under-represented.",
    ),
    Term(
        "Miles travelled (reported)",
        "The sum of the miles the team reported for the leg ending at each workshop, trips home included. The route "
        "as the crow flies is the great-circle distance from stop to stop in date order, a lower bound.",
    ),
    Term(
        "Data as of", "The latest date in the data: the last workshop or the latest joining date, whichever is later."
    ),
)


def term(word: str) -> Term:
    """The glossary's entry for a word."""
    return next(entry for entry in TERMS if entry.word == word)
