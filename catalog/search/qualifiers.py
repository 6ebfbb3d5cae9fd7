"""Read an indication's population and line of therapy from its wording.

Pure functions over the plain-English fields of an indication, so that
"lymphoma in children" or "second-line myeloma" can narrow the products found
to the labels that fit. A field that says nothing either way answers None:
the indication is then neither kept nor dropped for it.
"""

from __future__ import annotations

import re

AGE = re.compile(r"(?:aged|from|older than|up to)\s+(\d+)")
UNDER = re.compile(r"(?:under|younger than|below)\s+(\d+)")
ADULT_WORDS = re.compile(r"\b(adults?|men|women)\b")
RANGE = re.compile(r"(\d+) to (\d+) years")
CHILD_WORDS = ("child", "paediatric", "pediatric", "infant", "adolescent", "birth")
NO_AGE_LIMIT = ("no age limit", "any age")
# "after at least two prior lines" → 2 prior lines; highest count first.
PRIOR_LINES = [
    (4, re.compile(r"four or more|at least four")),
    (3, re.compile(r"three or more|at least three")),
    (2, re.compile(r"two or more|at least two|second-line or later")),
    (1, re.compile(r"second line|at least one|one to three|after one|second-line")),
    (0, re.compile(r"newly diagnosed|first-line treatment|previously untreated")),
]
RELAPSED = re.compile(r"relaps|refractory|recurren")


def populations(population: str) -> set[str] | None:
    """{"child"}, {"adult"}, both, or None when the wording sets no age."""
    text = population.casefold()
    if any(phrase in text for phrase in NO_AGE_LIMIT):
        return {"child", "adult"}
    found = set()
    if any(word in text for word in CHILD_WORDS) or "young adult" in text:
        found.add("child")
    if ADULT_WORDS.search(text):
        found.add("adult")
    for age in (int(a) for a in UNDER.findall(text)):
        found |= {"child"} if age <= 18 else {"child", "adult"}
    for low, high in RANGE.findall(text):
        found |= {"child"} if int(low) < 18 else set()
        found |= {"adult"} if int(high) >= 18 else set()
    for age in (int(a) for a in AGE.findall(text)):
        if age < 18 and ("older" in text or "from" in text or "aged" in text):
            found |= {"child", "adult"} if "older" in text else {"child"}
        elif age >= 18:
            found.add("adult")
    return found or None


def prior_lines(line_of_therapy: str) -> int | None:
    """The fewest earlier lines of therapy the label asks for, if it says."""
    text = line_of_therapy.casefold()
    for count, pattern in PRIOR_LINES:
        if pattern.search(text):
            return count
    return 1 if RELAPSED.search(text) else None


def fits(qualifier: str, population: str, line_of_therapy: str) -> bool:
    """Whether an indication can serve the qualifier ("population:child",
    "line:2", "line:relapsed"); a line of therapy not stated fits, an
    age not stated fits adults only."""
    kind, _, value = qualifier.partition(":")
    if kind == "population":
        found = populations(population)
        if found is None:
            # A label covers children when it says so (use in children is
            # studied and stated); one silent on age ("Patients with severe
            # burns") is set aside for a search about children, shown apart.
            return value == "adult"
        return value in found
    if kind == "line":
        prior = prior_lines(line_of_therapy)
        if prior is None:
            return True
        if value == "relapsed":
            return prior >= 1
        return prior <= int(value) - 1
    return True
