"""Trial figures in words (catalog.evidence): rounding, medians, intervals and
when no lay sentence is given."""

from types import SimpleNamespace

import pytest

from catalog.evidence import figure, interval, natural_frequency, ratio, summary
from catalog.models.evidence import registry_url


def result(endpoint="complete-response-rate", design="single-arm", **values):
    fields = {
        "percent": None,
        "n": None,
        "median_months": None,
        "median_not_reached": False,
        "hazard_ratio": None,
        "ci_low": None,
        "ci_low_open": "",
        "ci_high": None,
        "ci_high_open": "",
        "ci_level": 95,
        "p_value": "",
        "at_months": None,
    }
    fields.update(values)
    trial = SimpleNamespace(design=design)
    return SimpleNamespace(endpoint=endpoint, trial=trial, **fields)


@pytest.mark.parametrize(
    ("percent", "words"),
    [
        (39, "About 4 in 10"),
        (72, "About 7 in 10"),
        (50, "About 5 in 10"),
        (12.5, "About 1 in 10"),
        (5, "About 1 in 20"),
        (95, "About 19 in 20"),
        (25, "About 1 in 4"),
        (75, "About 3 in 4"),
        (85, "About 17 in 20"),
        (35, "About 7 in 20"),
        (97, "About 19 in 20"),
        (98, "More than 19 in 20"),
        (2.4, "Fewer than 1 in 20"),
        (1, "Fewer than 1 in 20"),
        (0, "None"),
        (100, "All"),
    ],
)
def test_rates_become_natural_frequencies_never_more_than_2_5_points_off(
    percent, words
):
    assert natural_frequency(percent) == words


def test_the_issues_example_reads_as_written():
    assert summary(result(percent=39, n=101)) == (
        "About 4 in 10 people had no detectable cancer after treatment in the"
        " main trial (39%, 101 people)."
    )


def test_a_response_rate_says_after_treatment_once():
    text = summary(result("overall-response-rate", percent=72, n=1))
    assert text == (
        "About 7 in 10 people had their cancer shrink or disappear after treatment"
        " in the main trial (72%, 1 person)."
    )


def test_a_landmark_rate_says_when():
    text = summary(result("event-free-survival", percent=41, n=180, at_months=24))
    assert text.startswith(
        "About 4 in 10 people were alive without their disease getting worse or"
        " needing new treatment 24 months after treatment"
    )


def test_a_survival_rate_without_its_time_point_gets_no_sentence():
    assert summary(result("overall-survival", percent=60, n=100)) == ""


def test_a_duration_of_response_rate_is_about_responders():
    text = summary(result("duration-of-response", percent=61, n=50, at_months=12))
    assert text.startswith(
        "Of the people who responded, about 6 in 10 were still responding"
        " 12 months after treatment"
    )


def test_a_median_duration_of_response():
    text = summary(result("duration-of-response", median_months=11.1))
    assert text == (
        "Of the people who responded, half were still responding after about"
        " 11 months (median 11.1 months)."
    )


def test_a_median_survival():
    text = summary(result("overall-survival", median_months=25.8))
    assert (
        text
        == "Half the people were still alive after about 26 months (median 25.8 months)."
    )


def test_a_median_not_reached_says_more_than_half():
    text = summary(result("progression-free-survival", median_not_reached=True))
    assert text == (
        "More than half the people were still alive without their disease"
        " getting worse when last checked (median not reached)."
    )


def test_a_median_of_a_rate_endpoint_gets_no_sentence():
    assert summary(result("engraftment", median_months=0.7)) == ""


def test_a_hazard_ratio_below_1_with_its_interval_says_fewer_events():
    text = summary(
        result(
            "event-free-survival",
            design="randomised",
            hazard_ratio=0.4,
            ci_low=0.31,
            ci_high=0.51,
        )
    )
    assert text == (
        "Over the trial, fewer people had their disease get worse, needed new"
        " treatment or died than with the comparison treatment (hazard ratio 0.40)."
    )


@pytest.mark.parametrize(
    "values",
    [
        {"hazard_ratio": 0.8, "ci_low": 0.6, "ci_high": 1.1},  # interval crosses 1
        {"hazard_ratio": 0.8},  # no interval printed
        {"hazard_ratio": 1.3, "ci_low": 1.1, "ci_high": 1.6},
    ],
)
def test_a_hazard_ratio_that_shows_no_benefit_gets_no_sentence(values):
    assert summary(result("overall-survival", design="randomised", **values)) == ""


def test_a_hazard_ratio_outside_a_randomised_trial_gets_no_sentence():
    values = {"hazard_ratio": 0.4, "ci_low": 0.3, "ci_high": 0.5}
    assert summary(result("overall-survival", **values)) == ""


def test_other_endpoints_get_no_sentence():
    assert summary(result("other", percent=50, n=10)) == ""


def test_the_figure_as_printed_with_its_interval_and_p_value():
    assert figure(result(percent=72, n=101, ci_low=62, ci_high=81)) == (
        "72% of 101 (95% CI 62–81)"
    )
    hr = result(hazard_ratio=0.4, ci_low=0.31, ci_high=0.51, p_value="<0.0001")
    assert figure(hr) == "hazard ratio 0.40 (95% CI 0.31–0.51; p <0.0001)"
    assert figure(result(median_months=8.3, p_value="0.03")) == (
        "median 8.3 months (p = 0.03)"
    )


def test_an_open_interval_bound_is_spelt_out():
    assert interval(result(ci_low=10.5, ci_high_open="not-reached", ci_level=90)) == (
        "90% CI 10.5–not reached"
    )
    assert interval(result(ci_low=10.5)) == ""


def test_a_rate_printed_without_its_denominator_says_only_the_rate():
    assert summary(result(percent=39)).endswith("in the main trial (39%).")
    assert figure(result(percent=39)) == "39%"


def test_an_other_endpoint_with_its_figure_in_its_label_shows_only_its_p_value():
    other = result("other", p_value="0.040")
    assert figure(other) == "p = 0.040"
    assert summary(other) == ""


@pytest.mark.parametrize(
    ("registry_id", "url"),
    [
        ("NCT02348216", "https://clinicaltrials.gov/study/NCT02348216"),
        ("ISRCTN12345678", "https://www.isrctn.com/ISRCTN12345678"),
        (
            "EudraCT 2017-002261-22",
            "https://www.clinicaltrialsregister.eu/ctr-search/search?query=2017-002261-22",
        ),
        (
            "2017-002261-22",
            "https://www.clinicaltrialsregister.eu/ctr-search/search?query=2017-002261-22",
        ),
        ("CTRI/2021/06/034249", ""),
    ],
)
def test_registry_numbers_link_where_the_address_is_predictable(registry_id, url):
    assert registry_url(registry_id) == url


@pytest.mark.parametrize(
    ("stored", "shown"),
    [(0.4, "0.40"), (0.26, "0.26"), (1.0, "1.00"), (0.265, "0.265")],
)
def test_hazard_ratios_keep_two_decimals_as_printed(stored, shown):
    assert ratio(stored) == shown
