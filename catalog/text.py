"""Turn fixture markdown into safe HTML, resolving links into the catalog.

Prose in the fixtures links to catalog pages with short internal links such as
`[Kymriah](product:tisagenlecleucel)` or `[leukapheresis](glossary:leukapheresis)`;
`seed` checks that each one points at a record that exists.

Sources are cited as numbered notes. The statement carries a marker and names
the date it refers to; the note, on a line of its own anywhere in the text,
gives the source's title, address and the day it was read:

    Since April 2024 the US label carries a boxed warning.[^fda-boxed]

    [^fda-boxed]: [FDA requires boxed warning](https://www.fda.gov/...).
    U.S. Food and Drug Administration, April 2024. Read 2026-12-03.

(the note is one line in the fixture). `citation_problems()` is the rule
`seed` enforces; `render_markdown()` turns the notes into a numbered list
with links both ways.
"""

import datetime
import re
import xml.etree.ElementTree as etree

import markdown
import nh3
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "div", "em", "h2", "h3", "h4", "li",
    "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
# The notes need ids to link to, and names for screen readers.
ALLOWED_ATTRIBUTES = {
    **nh3.ALLOWED_ATTRIBUTES,
    "a": {"href", "hreflang", "class", "aria-label", "role"},
    "sup": {"id"},
    "li": {"id"},
    "div": {"class", "role", "aria-labelledby"},
    "h2": {"id"},
    "p": {"id", "class"},
}
LAST_REVIEWED_HELP = "The day the prose was last checked against its sources."
INTERNAL_LINK = re.compile(
    r"\]\((?P<kind>glossary|product|disease|mechanism|guide):(?P<slug>[-a-z0-9]+)\)"
)
LINK_KINDS = {
    "glossary": "glossary term",
    "product": "product",
    "disease": "disease",
    "mechanism": "mechanism",
    "guide": "guide",
}
NOTE_MARKER = re.compile(r"\[\^(?P<key>[^\]\s]*)\](?!:)")
NOTE = re.compile(r"^\[\^(?P<key>[^\]\s]*)\]:[ \t]*(?P<text>.*)$", re.M)
NOTE_KEY = re.compile(r"[a-z0-9][-a-z0-9]*")
NOTE_SOURCE = re.compile(r"\[[^\]]+\]\(https?://[^)\s]+\)")
READ_ON = re.compile(r"\bRead (?P<date>\d{4}-\d{2}-\d{2})\.?[ \t]*$")
EXTERNAL_LINK = re.compile(r"\]\(https?:")
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# Where a statement starts: after a sentence, a paragraph or a list bullet.
STATEMENT_START = re.compile(
    r"[.!?](?:\[\^[^\]]*\])*\s+(?=[A-Z\[(*])|\n[ \t]*\n|\n[ \t]*(?:[-*+]|\d+\.)[ \t]"
)
TRAILING = re.compile(r"(?:\[\^[^\]]*\]|[\s.,;:)])+$")


def internal_links(text: str) -> list[tuple[str, str]]:
    """(kind, slug) of every internal link in `text`."""
    return [(m["kind"], m["slug"]) for m in INTERNAL_LINK.finditer(text)]


def _read_on(note: str) -> datetime.date | None:
    match = READ_ON.search(note)
    if not match:
        return None
    try:
        return datetime.date.fromisoformat(match["date"])
    except ValueError:
        return None


def _statement(text: str, end: int) -> str:
    """The sentence or list item that a note marker at `end` closes."""
    head = TRAILING.sub("", text[:end])
    start = max((m.end() for m in STATEMENT_START.finditer(head)), default=0)
    return head[start:]


def citation_problems(text: str, today: datetime.date) -> list[str]:
    """What is wrong with the notes of one piece of prose, in words."""
    notes = {m["key"]: m["text"] for m in NOTE.finditer(text)}
    body = NOTE.sub("", text)
    problems = []
    if EXTERNAL_LINK.search(body):
        problems.append("cite a source as a note ([^key]), not as an inline link")
    cited = set()
    for marker in NOTE_MARKER.finditer(body):
        key = marker["key"]
        cited.add(key)
        if key not in notes:
            problems.append(f"note [^{key}] is cited but not defined")
        if not YEAR.search(_statement(body, marker.start())):
            problems.append(
                f"the statement citing [^{key}] names no date (a year at least)"
            )
    for key, note in notes.items():
        problems += _note_problems(key, note, today)
        if key not in cited:
            problems.append(f"note [^{key}] is defined but never cited")
    return problems


def _note_problems(key: str, note: str, today: datetime.date) -> list[str]:
    problems = []
    if not NOTE_KEY.fullmatch(key):
        problems.append(f"note key [^{key}] must be lowercase letters, digits, '-'")
    if not NOTE_SOURCE.match(note):
        problems.append(f"note [^{key}] must start with [title](https://address)")
    read = _read_on(note)
    if read is None:
        problems.append(f"note [^{key}] must end with 'Read YYYY-MM-DD.'")
    elif read > today:
        problems.append(f"note [^{key}] was read on a future day ({read})")
    return problems


def _url(kind: str, slug: str) -> str:
    if kind == "glossary":
        return f"{reverse('catalog:glossary')}#{slug}"
    return reverse(f"catalog:{kind}-detail", args=[slug])


def _human_read_on(match: re.Match) -> str:
    """'Read 2026-12-03.' becomes 'Read 3 December 2026.'"""
    day = _read_on(match[0])
    return f"Read {day.day} {day:%B %Y}." if day else match[0]


class _NotesForPeople(Treeprocessor):
    """Name the note links for screen readers and give the list a heading."""

    def __init__(self, md, prefix, heading):
        super().__init__(md)
        self.prefix, self.heading = prefix, heading

    def run(self, root):
        for link in root.iter("a"):
            number = (link.text or "").strip()
            if link.get("class") == "footnote-ref":
                link.set("aria-label", f"Note {number}")
                link.set("role", "doc-noteref")
        for div in root.iter("div"):
            if div.get("class") == "footnote":
                self.label(div)

    def label(self, div):
        heading_id = f"{self.prefix}notes"
        for hr in div.findall("hr"):
            div.remove(hr)
        heading = etree.Element(self.heading, {"id": heading_id})
        heading.text = "Notes"
        if self.heading == "p":
            heading.set("class", "notes-heading")
        div.insert(0, heading)
        div.set("class", "footnote notes")
        div.set("role", "doc-endnotes")
        div.set("aria-labelledby", heading_id)
        for index, item in enumerate(div.iter("li"), start=1):
            backs = [a for a in item.iter("a") if a.get("class") == "footnote-backref"]
            for mention, back in enumerate(backs, start=1):
                label = f"Back to the text of note {index}"
                if len(backs) > 1:
                    label += f", mention {mention}"
                back.set("aria-label", label)
                back.set("title", label)
                back.set("role", "doc-backlink")


class _Notes(Extension):
    def __init__(self, prefix, heading):
        super().__init__()
        self.prefix, self.heading = prefix, heading

    def extendMarkdown(self, md):
        # After every footnote treeprocessor (the lowest runs at 15).
        md.treeprocessors.register(
            _NotesForPeople(md, self.prefix, self.heading), "notes-for-people", 5
        )


def render_markdown(text: str, notes_id: str = "", heading: str = "h2") -> SafeString:
    """Markdown to HTML, then sanitized: fixtures are reviewed, but not trusted.

    `notes_id` prefixes the notes' ids, so that several pieces of prose can
    share a page; `heading` is the tag of the notes list's title.
    """
    prefix = f"{notes_id}-" if notes_id else ""
    text = INTERNAL_LINK.sub(lambda m: f"]({_url(m['kind'], m['slug'])})", text)
    text = text.replace("[^", f"[^{prefix}")
    text = NOTE.sub(
        lambda m: f"[^{m['key']}]: {READ_ON.sub(_human_read_on, m['text'])}", text
    )
    footnotes = FootnoteExtension(
        SEPARATOR="-",
        USE_DEFINITION_ORDER=False,
        BACKLINK_TEXT="↩",
        BACKLINK_TITLE="Back to the text of note {}",
    )
    html = markdown.markdown(
        text,
        extensions=["tables", "sane_lists", footnotes, _Notes(prefix, heading)],
    )
    clean = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel=None
    )
    return mark_safe(clean)  # sanitized just above
