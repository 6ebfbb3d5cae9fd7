"""The "In short" box: first on every explainer, and plain enough for patients."""

import re

import pytest
import textstat

from catalog.models import Mechanism
from tests.conftest import make_mechanism

pytestmark = pytest.mark.django_db

# US school grade; the issue asks patients' summaries to read at 8 or below.
MAX_GRADE = 8


def test_a_long_sentence_fails_the_grade():
    # The measure must be able to fail: a clinician's sentence scores high.
    text = (
        "Autologous chimeric antigen receptor T-cell immunotherapy necessitates "
        "leukapheresis, lentiviral transduction and lymphodepleting chemotherapy "
        "before administration of the genetically modified cellular product."
    )
    assert textstat.flesch_kincaid_grade(text) > MAX_GRADE


def test_every_in_short_reads_at_grade_8_or_below(seeded):
    mechanisms = list(Mechanism.objects.all())
    assert mechanisms
    for mechanism in mechanisms:
        text = mechanism.in_short
        grade = textstat.flesch_kincaid_grade(text)
        assert grade <= MAX_GRADE, (mechanism.slug, grade)
        assert 3 <= textstat.sentence_count(text) <= 5, mechanism.slug


def test_the_in_short_box_comes_before_the_detailed_text(client):
    make_mechanism(
        in_short="Your own T cells are changed in a lab. They then kill the cancer.",
        body="## How it works\n\nT cells are engineered.",
    )
    html = client.get("/mechanisms/car-directed-cytotoxicity/").content.decode()
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert headings[:2] == ["In short", "How it works"]
    box = html.index('class="notice in-short"')
    assert box < html.index("Your own T cells are changed in a lab.")
    assert html.index("They then kill the cancer.") < html.index("How it works")
