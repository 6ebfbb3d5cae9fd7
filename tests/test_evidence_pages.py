"""The evidence, label-safety and sources sections of the product page."""

import datetime

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from catalog.models import (
    Administration,
    Agency,
    EvidenceSource,
    LabelSafety,
    LabelWarning,
    PivotalTrial,
    ProductEvidence,
    RiskProgramme,
    SevereRate,
    TrialResult,
)
from tests.conftest import (
    make_agency,
    make_disease,
    make_event,
    make_indication,
    make_product,
)

pytestmark = pytest.mark.django_db

READ = datetime.date(2026, 11, 1)


def make_evidence(product, indication, trials=1, design="single-arm"):
    """An evidence file's worth of rows: `trials` trials with two results
    each, FDA label safety, a programme, administration."""
    fda = Agency.objects.filter(slug="fda").first() or make_agency()
    ProductEvidence.objects.create(product=product, last_verified=READ)
    label = EvidenceSource.objects.create(
        product=product,
        url="https://example.org/label",
        kind="label",
        title="US prescribing information",
        read_on=READ,
        position=0,
    )
    paper = EvidenceSource.objects.create(
        product=product,
        url="https://example.org/paper",
        kind="journal",
        read_on=READ,
        position=1,
    )
    for number in range(trials):
        trial = PivotalTrial.objects.create(
            product=product,
            key=f"trial-{number}",
            name=f"TRIAL-{number}",
            registry_ids=[f"NCT{number:08d}"],
            phase="2",
            design=design,
            comparator="Standard care" if design == "randomised" else "",
            population="Adults with lymphoma that came back",
            treated=101,
            evaluable=101,
            median_follow_up_months=15.4,
            position=number,
        )
        trial.indications.add(indication)
        trial.sources.add(label)
        rate = TrialResult.objects.create(
            trial=trial,
            endpoint="complete-response-rate",
            primary=True,
            reported_in=fda,
            percent=39,
            n=101,
            ci_low=30,
            ci_high=49,
            position=0,
        )
        rate.sources.add(paper)
        median = TrialResult.objects.create(
            trial=trial,
            endpoint="duration-of-response",
            median_months=11.1,
            position=1,
        )
        median.sources.add(label)
    safety = LabelSafety.objects.create(
        product=product, agency=fda, document="US label, revised 2025-06", position=0
    )
    safety.sources.add(label)
    LabelWarning.objects.create(
        safety=safety, event="cytokine-release-syndrome", boxed=True, position=0
    )
    LabelWarning.objects.create(
        safety=safety, event="prolonged-cytopenia", boxed=False, position=1
    )
    SevereRate.objects.create(
        safety=safety,
        event="neurologic-toxicities",
        percent=31,
        n=383,
        population="pooled",
        position=0,
    )
    programme = RiskProgramme.objects.create(
        product=product,
        agency=fda,
        name="TESTCEL REMS",
        started=datetime.date(2017, 10, 1),
        started_precision="month",
        ended=datetime.date(2025, 6, 1),
        ended_precision="month",
        position=0,
    )
    programme.sources.add(label)
    administration = Administration.objects.create(
        product=product, dose="A single infusion", manufacturing_days=16
    )
    administration.sources.add(label)


@pytest.fixture
def product():
    product = make_product()
    indication = make_indication(product, make_disease())
    make_event(product, [indication])
    return product


def test_it_shows_the_trial_its_result_and_the_one_liner(client, product):
    make_evidence(product, product.indications.get())
    response = client.get(product.get_absolute_url())
    assertContains(
        response,
        '<a href="https://clinicaltrials.gov/study/NCT00000000" rel="external noopener">TRIAL-0</a>',
        html=False,
    )
    assertContains(response, "Phase 2, single-arm")
    assertContains(response, "101 treated, 101 in the efficacy analysis")
    assertContains(response, "15.4 months")
    assertContains(response, "39% of 101 (95% CI 30–49)")
    assertContains(
        response,
        "About 4 in 10 people had no detectable cancer after treatment in the"
        " main trial (39%, 101 people).",
    )
    assertContains(response, "Single-arm trials have no comparison group")


def test_each_figure_refers_to_the_numbered_sources_list(client, product):
    make_evidence(product, product.indications.get())
    content = client.get(product.get_absolute_url()).content.decode()
    assert content.count('href="#evidence-source-2"') == 1  # the paper, once
    assert '<li id="evidence-source-1"><a href="https://example.org/label"' in content
    assert '<li id="evidence-source-2"><a href="https://example.org/paper"' in content


def test_it_shows_label_safety_programmes_and_administration(client, product):
    make_evidence(product, product.indications.get())
    response = client.get(product.get_absolute_url())
    assertContains(response, "Boxed warnings")
    assertContains(response, "Cytokine release syndrome")
    assertContains(response, "Prolonged low blood counts")
    assertContains(response, "Neurological toxicities: 31% of 383")
    assertContains(
        response, 'TESTCEL REMS: from <time datetime="2017-10">October 2017</time>'
    )
    assertContains(response, "Manufacturing time</dt><dd>16 days")


def test_a_randomised_trial_shows_its_comparator_without_the_single_arm_note(
    client, product
):
    make_evidence(product, product.indications.get(), design="randomised")
    response = client.get(product.get_absolute_url())
    assertContains(response, "Phase 2, randomised, against Standard care")
    assertNotContains(response, "Single-arm trials have no comparison group")


def test_a_product_without_evidence_has_no_evidence_sections(client, product):
    response = client.get(product.get_absolute_url())
    assertNotContains(response, 'id="evidence-heading"')
    assertNotContains(response, 'id="safety-heading"')


@pytest.mark.parametrize("trials", [1, 12])
def test_its_query_count_is_fixed(
    client, product, trials, django_assert_max_num_queries
):
    make_evidence(product, product.indications.get(), trials=trials)
    with django_assert_max_num_queries(27):
        response = client.get(product.get_absolute_url())
    assert response.content.decode().count('class="trial"') == trials


def test_the_product_list_filters_by_pivotal_trial_design(client, product):
    make_evidence(product, product.indications.get(), design="randomised")
    other = make_product(slug="othercel", brand_name="Othercel")
    make_evidence(other, make_indication(other, make_disease(slug="x", name="X")))
    response = client.get("/products/?pivotal_design=randomised")
    assertContains(response, 'href="/products/testaleucel/"')
    assertNotContains(response, 'href="/products/othercel/"')
    assertContains(response, "Pivotal trial: Randomised")


def test_a_bad_pivotal_trial_design_is_a_message_not_an_error(client, product):
    response = client.get("/products/?pivotal_design=crossover")
    assert response.status_code == 200
    assertContains(response, "“crossover” is not a known pivotal trial")
    api = client.get("/api/v1/products/?pivotal_design=crossover")
    assert api.status_code == 400


def test_a_trial_behind_two_indications_is_shown_once(client, product):
    second = make_indication(product, make_disease(slug="y", name="Y"), key="y")
    make_evidence(product, product.indications.get(key="follicular-lymphoma"))
    PivotalTrial.objects.get().indications.add(second)
    content = client.get(product.get_absolute_url()).content.decode()
    assert content.count('class="trial"') == 1
    assert 'id="evidence-follicular-lymphoma"' in content
    assert 'id="evidence-y"' in content


def _glance(response):
    content = response.content.decode()
    return content[content.index('id="glance-heading"') : content.index("</section>")]


def test_at_a_glance_names_the_labels_boxed_warnings(client, product):
    make_evidence(product, product.indications.get())
    glance = _glance(client.get(product.get_absolute_url()))
    assert "Boxed warning on the label in" in glance
    assert "cytokine release syndrome." in glance
    assert 'href="#safety-fda"' in glance


def test_at_a_glance_says_when_a_label_has_no_boxed_warning(client, product):
    make_evidence(product, product.indications.get())
    LabelWarning.objects.filter(boxed=True).delete()
    glance = _glance(client.get(product.get_absolute_url()))
    assert "No boxed warning on the label in" in glance
    assert "it warns of prolonged low blood counts." in glance


def test_trial_figures_standing_in_for_a_label_are_not_called_the_label(
    client, product
):
    make_evidence(product, product.indications.get())
    EvidenceSource.objects.filter(kind="label").update(kind="journal")
    glance = _glance(client.get(product.get_absolute_url()))
    assert "on the label in" not in glance
    assert "Listed in each regulator's product label" in glance
