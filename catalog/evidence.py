"""Trial figures in words: the figure as a document prints it, and a one-line
summary for patients computed from the stored numbers, never written by hand.

Works on anything shaped like a TrialResult (and its trial), so the models can
use it without an import cycle.
"""

from decimal import ROUND_HALF_UP, Decimal

from catalog.choices import Endpoint, OpenBound, TrialDesign

# A natural frequency is rounded to tenths when that is within 2.5 points of
# the figure, and to twentieths otherwise (never more than 2.5 points off).
TENTHS_TOLERANCE = 2.5

# How a median reads: who it is about and what they were still doing.
MEDIAN_LAY = {
    Endpoint.DURATION_OF_RESPONSE: (
        "of the people who responded, {share}",
        "were still responding",
    ),
    Endpoint.EVENT_FREE_SURVIVAL: (
        "{share} the people",
        "were still alive without their disease getting worse or needing new treatment",
    ),
    Endpoint.PROGRESSION_FREE_SURVIVAL: (
        "{share} the people",
        "were still alive without their disease getting worse",
    ),
    Endpoint.OVERALL_SURVIVAL: ("{share} the people", "were still alive"),
    Endpoint.MAJOR_FUNCTIONAL_DISABILITY_FREE_SURVIVAL: (
        "{share} the people",
        "were still alive without major loss of everyday abilities",
    ),
}
# What a hazard ratio below 1 means: fewer of these events.
HAZARD_LAY = {
    Endpoint.EVENT_FREE_SURVIVAL: (
        "fewer people had their disease get worse, needed new treatment or died"
    ),
    Endpoint.PROGRESSION_FREE_SURVIVAL: (
        "fewer people had their disease get worse or died"
    ),
    Endpoint.OVERALL_SURVIVAL: "fewer people died",
    Endpoint.DURATION_OF_RESPONSE: "fewer responses ended",
}


def number(value):
    """A stored figure without trailing zeros: 72.0 → '72', 15.4 → '15.4'."""
    return f"{value:g}"


def ratio(value):
    """A hazard ratio as papers and labels print it, to two decimals at
    least: 0.4 → '0.40', 0.265 → '0.265'."""
    return f"{value:.2f}" if round(value, 2) == value else number(value)


def _round(value):
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def natural_frequency(percent):
    """'About 4 in 10', 'About 1 in 20', 'Fewer than 1 in 20'… for a rate."""
    if percent == 0:
        return "None"
    if percent == 100:
        return "All"
    tenths = _round(percent / 10)
    if abs(percent - tenths * 10) <= TENTHS_TOLERANCE and 0 < tenths < 10:
        return f"About {tenths} in 10"
    twentieths = _round(percent / 5)
    if twentieths == 0:
        return "Fewer than 1 in 20"
    if twentieths == 20:
        return "More than 19 in 20"
    if twentieths in (5, 15):
        return f"About {twentieths // 5} in 4"
    return f"About {twentieths} in 20"


def _people(n):
    return f"{n} {'person' if n == 1 else 'people'}"


def _months(value):
    rounded = _round(value)
    if rounded < 1:
        return "less than a month"
    return f"about {rounded} month{'s' if rounded != 1 else ''}"


def summary(result):
    """A one-line summary for patients, or '' when none would be honest."""
    endpoint = Endpoint.parse(result.endpoint)
    if endpoint is None or endpoint == Endpoint.OTHER:
        return ""
    if result.percent is not None:
        return _rate_summary(result, endpoint)
    if result.hazard_ratio is not None:
        return _hazard_summary(result, endpoint)
    if result.median_months is not None or result.median_not_reached:
        return _median_summary(result, endpoint)
    return ""


def _rate_summary(result, endpoint):
    if endpoint in MEDIAN_LAY and not result.at_months:
        return ""  # a survival rate means nothing without its time point
    lay = endpoint.lay
    if result.at_months:
        when = f"{number(result.at_months)} months after treatment"
        lay = lay.removesuffix(" after treatment")
    else:
        when = "after treatment" if not lay.endswith("after treatment") else ""
    share = natural_frequency(result.percent)
    people = {"None": "No one", "All": "All the people"}.get(share)
    people = people or f"{share} people"
    if endpoint == Endpoint.DURATION_OF_RESPONSE:
        # A duration-of-response rate counts only the people who responded.
        people = f"Of the people who responded, {share.lower()}"
    words = " ".join(part for part in (people, lay, when) if part)
    detail = f"{number(result.percent)}%"
    if result.n:
        detail += f", {_people(result.n)}"
    return f"{words} in the main trial ({detail})."


def _median_summary(result, endpoint):
    if endpoint not in MEDIAN_LAY:
        return ""
    who, doing = MEDIAN_LAY[endpoint]
    if result.median_not_reached:
        words = f"{who.format(share='more than half')} {doing} when last checked"
        detail = "median not reached"
    else:
        words = (
            f"{who.format(share='half')} {doing} after {_months(result.median_months)}"
        )
        detail = f"median {number(result.median_months)} months"
    return f"{words[0].upper()}{words[1:]} ({detail})."


def _hazard_summary(result, endpoint):
    """Only a ratio whose whole interval lies below 1 says 'fewer'; anything
    else, in words, would claim more than the trial showed."""
    trial = getattr(result, "trial", None)
    if getattr(trial, "design", None) != TrialDesign.RANDOMISED:
        return ""
    if endpoint not in HAZARD_LAY or result.ci_high is None or result.ci_high >= 1:
        return ""
    words = HAZARD_LAY[endpoint]
    return (
        f"Over the trial, {words} than with the comparison treatment"
        f" (hazard ratio {ratio(result.hazard_ratio)})."
    )


def _bound(value, open_bound, shown=number):
    if open_bound:
        return OpenBound(open_bound).label
    return shown(value) if value is not None else ""


def interval(result):
    """'95% CI 62–81', or '' when no interval was printed."""
    shown = ratio if result.hazard_ratio is not None else number
    low = _bound(result.ci_low, result.ci_low_open, shown)
    high = _bound(result.ci_high, result.ci_high_open, shown)
    if not (low and high):
        return ""
    return f"{number(result.ci_level)}% CI {low}–{high}"


def figure(result):
    """The figure as printed: '72% of 101 (95% CI 62–81)'."""
    if result.percent is not None:
        text = f"{number(result.percent)}%"
        if result.n:
            text += f" of {result.n}"
        if result.at_months:
            text += f" at {number(result.at_months)} months"
    elif result.hazard_ratio is not None:
        text = f"hazard ratio {ratio(result.hazard_ratio)}"
    elif result.median_not_reached:
        text = "median not reached"
    elif result.median_months is not None:
        text = f"median {number(result.median_months)} months"
    else:
        text = ""  # an `other` endpoint whose label gives the figure
    extras = [part for part in (interval(result),) if part]
    if result.p_value:
        relation = "" if result.p_value[0] in "<>≤≥=" else "= "
        extras.append(f"p {relation}{result.p_value}")
    if not extras:
        return text
    return f"{text} ({'; '.join(extras)})" if text else "; ".join(extras)
