"""Names starting with what has been typed (the search box) and close
names for the "did you mean" choices of an empty page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from catalog.search.normalise import normalise, tokenize

SUGGESTION_LIMIT = 8
MAX_WORDS = 6  # longer text is no name's beginning


@dataclass
class Suggestion:
    label: str
    target: object

    @property
    def url(self):
        return self.target.get_absolute_url()

    @property
    def kind(self):
        return type(self.target).__name__.lower()

    @property
    def name(self):
        return str(self.target)

    @property
    def key(self):
        return (self.kind, self.target.pk)


def suggestions(prefix: str, limit: int = SUGGESTION_LIMIT, memo=None) -> list:
    """Index terms starting with what has been typed so far (or close to it)."""
    from catalog.models import SearchTerm
    from catalog.search.understand import corrections

    words = tokenize(normalise(prefix))
    if not words or len(words) > MAX_WORDS:
        # No name is that long: a sentence's words are offered one by one.
        return []
    start = " ".join(words)
    rows = (
        SearchTerm.objects.filter(
            Q(term__startswith=start) | Q(term__contains=f" {start}"),
            Q(disease__isnull=False)
            | Q(product__isnull=False)
            | Q(target__isnull=False)
            | Q(company__isnull=False),
        )
        .select_related("disease", "product", "target", "company")
        .order_by("term")[: limit * 4]
    )
    if not rows:
        fixed = []
        for word in words:
            found = corrections(word, limit=1, memo=memo)
            fixed.append(found[0][1] if found else word)
        if fixed != words:
            return suggestions(" ".join(fixed), limit, memo)
    seen, found = set(), []
    for row in sorted(rows, key=lambda r: (not r.term.startswith(start), len(r.term))):
        target = row.disease or row.product or row.target or row.company
        key = (type(target).__name__, target.pk)
        if key in seen:
            continue
        seen.add(key)
        found.append(Suggestion(row.display, target))
        if len(found) == limit:
            break
    return found
