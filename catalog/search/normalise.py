"""Pure text normalisation, shared by the index and the query.

Both sides go through the same functions, so that "Leukaemias",
"leukemia" and "LEUKÆMIA" meet on one spelling: case and accents folded,
British spellings made American, plurals and possessives dropped, number
words and Roman numerals turned into digits. Nothing here touches the
database.
"""

from __future__ import annotations

import re
import unicodedata

MAX_QUERY_LENGTH = 200
MAX_QUERY_TOKENS = 16

GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa"}
# British spellings → the American ones the vocabulary is keyed on.
SPELLING_RULES = [
    (re.compile(r"aem"), "em"),  # haem-, anaem-, leukaem-, ischaem-, thalassaem-
    (re.compile(r"^paed"), "ped"),
    (re.compile(r"^oe(?=d|s)"), "e"),  # oedema, oesophageal
    (re.compile(r"^tumour"), "tumor"),
    (re.compile(r"^leuc(?=o|y)"), "leuk"),  # leucodystrophy, leucocyte
    (re.compile(r"^naev"), "nev"),
    (re.compile(r"^foet"), "fet"),
    (re.compile(r"isation$"), "ization"),
]
NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
    "first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th",
    "fifth": "5th",
}  # fmt: skip
# "II" is always a numeral; "I" and "V" only after a word that counts.
ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8"}
ROMAN_AFTER = {"i": "1", "v": "5", "x": "10"}
COUNTING_WORDS = {"type", "grade", "stage", "class", "phase", "factor"}
# Words that are never plurals, though they end in "s".
NOT_PLURAL = {"always", "various", "previous", "diabetes", "herpes", "rabies"}
# Scripts written without spaces: matched inside the query, not word by word.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
# A run of CJK text, with spaces inside it and letters or digits glued on.
CJK_RUN = re.compile(
    f"[0-9a-z]*[{_CJK_CHARS}](?:[0-9a-z\\s・·]*[{_CJK_CHARS}])*[0-9a-z]*",
    re.IGNORECASE,
)


def normalise(text: str | None) -> str:
    """Printable text, single-spaced, at most MAX_QUERY_LENGTH characters,
    cut between words (half a word would read as a misspelling)."""
    text = _printable(text)
    if len(text) <= MAX_QUERY_LENGTH:
        return text
    head = text[: MAX_QUERY_LENGTH + 1]
    if " " in head:
        return head.rsplit(" ", 1)[0].strip()
    return text[:MAX_QUERY_LENGTH]


def past_the_limit(text: str | None) -> str:
    """What normalise leaves out of a long text, for the page to say so."""
    whole = _printable(text)
    return whole[len(normalise(text)) :].strip()


def _printable(text):
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in text if ch.isprintable())
    return re.sub(r"\s+", " ", text).strip()


def fold(text: str) -> str:
    """Case and accents folded away; Greek letters spelled out."""
    for letter, word in GREEK.items():
        text = text.replace(letter, f" {word} ")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # NFKD splits Hangul syllables into jamo: put them back together.
    return unicodedata.normalize("NFC", folded)


def stem(token: str) -> str:
    """One spelling per word: American spelling, singular, digits."""
    if token == "vs":
        return "versus"
    if token in NUMBER_WORDS:
        return NUMBER_WORDS[token]
    if token in ROMAN:
        return ROMAN[token]
    for pattern, replacement in SPELLING_RULES:
        token = pattern.sub(replacement, token)
    if token in NOT_PLURAL or has_cjk(token):
        return token
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if (
        len(token) > 3
        and token.endswith("s")
        and not token.endswith(("ss", "us", "is"))
    ):
        return token[:-1]
    return token


def tokenize(text: str) -> list[str]:
    """Words of `text`, folded and stemmed; apostrophes vanish ("Crohn's")."""
    text = re.sub(r"['’`´]", "", fold(text))
    tokens = []
    for word in re.findall(r"[^\W_]+", text):
        previous = tokens[-1] if tokens else ""
        if word in ROMAN_AFTER and previous in COUNTING_WORDS:
            tokens.append(ROMAN_AFTER[word])
        else:
            tokens.append(stem(word))
    return tokens


def term_variants(text: str) -> set[str]:
    """The forms a name is indexed under: "non-Hodgkin" also as "nonhodgkin"."""
    variants = {" ".join(tokenize(text))}
    variants.add(" ".join(tokenize(join_hyphens(text))))
    return {variant for variant in variants if variant}


def join_hyphens(text: str) -> str:
    return re.sub(r"(?<=\w)[-‐–/](?=\w)", "", text)


def shouted_tokens(text: str) -> set[str]:
    """Words typed in capitals (ALL, MM): abbreviations the visitor meant."""
    return {
        stem(word.casefold())
        for word in re.findall(r"[A-Za-z0-9]+", text)
        if len(word) >= 2 and word.isupper()
    }


def has_cjk(text: str) -> bool:
    return bool(CJK.search(text))


def cjk_text(text: str) -> str:
    """The CJK characters of `text`, with the letters and digits written
    against them ("1型糖尿病", "大B细胞"), and without spaces: Korean is
    written with or without them ("다발 골수종", "다발골수종")."""
    folded = unicodedata.normalize("NFKC", fold(text))
    runs = (re.sub(r"\s+", "", m.group()) for m in CJK_RUN.finditer(folded))
    return " ".join(runs)


def without_cjk(text: str) -> str:
    """`text` without its CJK runs (and what is glued to them), its case
    kept for the abbreviations typed in capitals."""
    return CJK_RUN.sub(" ", unicodedata.normalize("NFKC", text))


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance, giving up (limit + 1) beyond `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = char_a != char_b
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_typos(token: str) -> int:
    if len(token) <= 3 or token.isdigit() or has_cjk(token):
        return 0
    return 1 if len(token) <= 6 else 2
