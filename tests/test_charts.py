import datetime

import pytest
from django.template.loader import render_to_string
from pytest_django.asserts import assertInHTML

from catalog.charts import (
    APPROXIMATE_LABEL,
    EVENT_KINDS,
    MARKER_RADIUS,
    MAX_SERIES,
    OTHER,
    Series,
    TimelineEvent,
    agency_approvals_by_year,
    approvals_by_year_and_agency,
    approvals_by_year_and_modality,
    bar_chart,
    count_ticks,
    dodge,
    group_series,
    product_timeline,
    stacked_by_year,
    timeline_chart,
    year_ticks,
)
from catalog.choices import EventType
from catalog.models import Agency, Product
from tests.conftest import (
    make_agency,
    make_disease,
    make_event,
    make_indication,
    make_many_products,
    make_product,
)

A = Series("a", "Alpha cells", 1)
B = Series("b", "Beta cells", 2)
CHART = {
    "chart_id": "test-chart",
    "title": "Products per year",
    "x_title": "Year of approval",
    "y_title": "Products",
    "unit": "products",
    "empty_message": "Nothing approved yet.",
}
TIMELINE = {
    "chart_id": "test-timeline",
    "title": "Timeline of Testcel",
    "empty_message": "No decisions yet.",
}


def event(agency="FDA", date=datetime.date(2020, 1, 1), **fields):
    fields.setdefault("precision", "day")
    fields.setdefault("event_type", "approval")
    fields.setdefault("label", EventType(fields["event_type"]).label)
    return TimelineEvent(
        agency=agency,
        agency_name=f"{agency} in full",
        date=date,
        display_date=fields.pop("display_date", date.isoformat()),
        iso_date=date.isoformat(),
        **fields,
    )


def tick_at(chart, label):
    return next(tick.at for tick in chart.x_ticks if tick.label == label)


# Bars


def test_bar_heights_are_proportional_to_the_counts():
    chart = bar_chart({2020: {"a": 2}, 2021: {"a": 4}}, [A], **CHART)
    low, high = (bar.segments[0] for bar in chart.bars)
    assert high.height == pytest.approx(2 * low.height)
    assert low.y + low.height == high.y + high.height == chart.frame.bottom


def test_the_tallest_bar_reaches_the_top_tick_it_rounds_up_to():
    chart = bar_chart({2020: {"a": 4}}, [A], **CHART)
    assert [tick.label for tick in chart.y_ticks] == ["0", "1", "2", "3", "4"]
    assert chart.bars[0].segments[0].y == chart.y_ticks[-1].at


def test_segments_stack_bottom_up_in_the_same_order_in_every_bar():
    counts = {2020: {"a": 1, "b": 3}, 2021: {"b": 2, "a": 2}}
    chart = bar_chart(counts, [A, B], **CHART)
    for bar in chart.bars:
        below, above = bar.segments
        assert (below.series, above.series) == (A, B)
        assert above.y + above.height == pytest.approx(below.y)


def test_the_biggest_series_goes_at_the_bottom_and_ties_keep_the_label_order():
    labels = {"a": "Alpha", "b": "Beta", "c": "Gamma"}
    series, _ = group_series({"c": 5, "b": 2, "a": 2}, labels, "Others")
    assert [s.key for s in series] == ["c", "a", "b"]
    assert [s.number for s in series] == [1, 2, 3]


def test_series_past_the_limit_share_one_last_series():
    labels = {f"k{n}": f"Kind {n}" for n in range(MAX_SERIES + 2)}
    totals = {key: 100 - n for n, key in enumerate(labels)}
    series, target = group_series(totals, labels, "Other kinds")
    assert len(series) == MAX_SERIES
    assert series[-1] == Series(OTHER, "Other kinds", MAX_SERIES)
    assert target["k0"] == "k0"
    assert target[f"k{MAX_SERIES + 1}"] == OTHER


def test_an_existing_other_key_joins_the_grouped_series_and_the_note_names_them():
    labels = {f"k{n}": f"Kind {n}" for n in range(MAX_SERIES)} | {OTHER: "Other"}
    pairs = [(2020, key) for key in labels for _ in range(3)] + [(2020, "k0")]
    chart = stacked_by_year(pairs, labels, other_label="Other kinds", **CHART)
    assert [s.key for s in chart.series][-1] == OTHER
    assert chart.rows[0].values[-1] == 6
    assert chart.note == "Other kinds: Kind 5, Other."


def test_years_without_counts_keep_their_place_on_the_axis():
    chart = bar_chart({2018: {"a": 1}, 2020: {"a": 1}}, [A], **CHART)
    assert [row.year for row in chart.rows] == [2018, 2019, 2020]
    assert chart.bars[1].segments == ()
    assert chart.rows[1].values == (0,)


def test_no_data_gives_an_empty_chart_with_its_message():
    chart = bar_chart({2020: {"a": 0}}, [A], **CHART)
    assert chart.is_empty
    assert chart.empty_message == "Nothing approved yet."


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (4, [0, 1, 2, 3, 4]),
        (5, [0, 2, 4, 6]),
        (9, [0, 5, 10]),
        (17, [0, 5, 10, 15, 20]),
        (230, [0, 100, 200, 300]),
    ],
)
def test_count_ticks_are_round_numbers_covering_the_maximum(maximum, ticks):
    assert count_ticks(maximum) == ticks


@pytest.mark.parametrize(
    ("year_width", "years"),
    [
        (100, [2018, 2019, 2020, 2021, 2022]),
        (40, [2018, 2020, 2022]),
        (15, [2020]),
    ],
)
def test_year_labels_thin_out_to_round_years_when_they_would_collide(year_width, years):
    assert year_ticks(2018, 2022, year_width) == years


def test_a_short_span_without_a_round_year_still_labels_its_first_year():
    assert year_ticks(2021, 2023, 5) == [2021]


def test_a_long_span_labels_few_years_and_hides_totals_that_would_not_fit():
    counts = {year: {"a": 12} for year in range(1990, 2026)}
    chart = bar_chart(counts, [A], **CHART)
    assert [tick.label for tick in chart.x_ticks] == [
        str(y) for y in range(1990, 2026, 5)
    ]
    assert not chart.show_totals


def test_totals_are_shown_above_bars_when_they_fit():
    chart = bar_chart({2020: {"a": 3}, 2021: {"a": 1}}, [A], **CHART)
    assert chart.show_totals
    assert chart.bars[0].value_y < chart.bars[0].segments[0].y


def test_the_description_summarises_the_bars():
    chart = bar_chart({2020: {"a": 1, "b": 1}, 2022: {"a": 2}}, [A, B], **CHART)
    assert chart.description == (
        "Bar chart: 4 products from 2020 to 2022; the most in one year was 2, "
        "in 2020 and 2022. Bars are split into Alpha cells, Beta cells."
    )


# Timelines


def test_markers_sit_at_their_dates_on_the_year_axis():
    chart = timeline_chart(
        [event(date=datetime.date(2020, 1, 1)), event(date=datetime.date(2022, 7, 2))],
        **TIMELINE,
    )
    first, second = chart.lanes[0].markers
    assert first.x == pytest.approx(tick_at(chart, "2020"), abs=0.5)
    halfway = (tick_at(chart, "2022") + tick_at(chart, "2023")) / 2
    assert second.x == pytest.approx(halfway, abs=0.5)


def test_an_approximate_date_gets_a_band_over_its_period_and_a_hollow_marker():
    chart = timeline_chart(
        [event(date=datetime.date(2019, 1, 1), precision="year")], **TIMELINE
    )
    marker = chart.lanes[0].markers[0]
    assert marker.event.is_approximate
    assert marker.band_x == tick_at(chart, "2019")
    assert marker.band_x + marker.band_width == pytest.approx(tick_at(chart, "2020"))
    assert marker.x == pytest.approx(marker.band_x + marker.band_width / 2, abs=0.1)
    assert chart.legend[-1].label == APPROXIMATE_LABEL


def test_a_month_is_a_twelfth_of_a_year_wide():
    chart = timeline_chart(
        [event(date=datetime.date(2019, 12, 1), precision="month")], **TIMELINE
    )
    marker = chart.lanes[0].markers[0]
    year = tick_at(chart, "2020") - tick_at(chart, "2019")
    assert marker.band_width == pytest.approx(year * 31 / 365, abs=0.1)


def test_events_that_would_overlap_move_to_another_row_not_another_date():
    same_day = datetime.date(2021, 5, 1)
    chart = timeline_chart(
        [event(date=same_day), event(date=same_day, event_type="label-expansion")],
        **TIMELINE,
    )
    first, second = chart.lanes[0].markers
    assert first.x == second.x
    assert second.y - first.y >= 2 * MARKER_RADIUS


def test_dodge_reuses_a_row_once_it_is_clear():
    assert dodge([(0, 10), (5, 15), (13, 20), (30, 40)]) == [0, 1, 0, 0]


def test_lanes_follow_each_regulator_first_decision():
    chart = timeline_chart(
        [
            event("FDA", datetime.date(2021, 1, 1)),
            event("EMA", datetime.date(2019, 1, 1)),
            event("FDA", datetime.date(2018, 1, 1), event_type="filing-accepted"),
        ],
        **TIMELINE,
    )
    assert [lane.label for lane in chart.lanes] == ["FDA", "EMA"]
    assert chart.lanes[0].rule_y <= chart.lanes[1].label_y
    assert [kind.label for kind in chart.legend] == [
        "Approval",
        "Application under review",
    ]


@pytest.mark.parametrize("event_type", EventType)
def test_every_event_type_has_a_marker_shape_and_legend_label(event_type):
    chart = timeline_chart([event(event_type=event_type)], **TIMELINE)
    marker = chart.lanes[0].markers[0]
    assert marker.kind == EVENT_KINDS[event_type]
    assert marker.path.startswith("M") and marker.path.endswith("Z")
    assert chart.legend[0].label == marker.kind.label


def test_no_events_give_an_empty_timeline():
    chart = timeline_chart([], **TIMELINE)
    assert chart.is_empty


# Rendering


def render(name, chart):
    return render_to_string(f"catalog/includes/chart_{name}.html", {"chart": chart})


def test_the_bar_chart_is_an_accessible_svg_with_legend_and_data_table():
    pairs = [(2020, "a"), (2020, "a"), (2020, "b"), (2022, "b")]
    chart = stacked_by_year(
        pairs, {"a": "Alpha cells", "b": "Beta cells"}, other_label="Others", **CHART
    )
    html = render("bars", chart)
    assert 'role="img"' in html
    assert 'aria-labelledby="test-chart-title test-chart-desc"' in html
    assert '<title id="test-chart-title">Products per year</title>' in html
    assert f'<desc id="test-chart-desc">{chart.description}</desc>' in html
    assert ">Products</text>" in html
    assert ">Year of approval</text>" in html
    assert '<figcaption class="chart__caption">Products per year</figcaption>' in html
    assertInHTML(
        '<li><svg class="chart__swatch" viewBox="0 0 16 16" aria-hidden="true"'
        ' focusable="false"><rect width="16" height="16"'
        ' fill="url(#test-chart-pattern-1)"></rect></svg>Alpha cells</li>',
        html,
    )
    assertInHTML(
        "<summary>Data table"
        '<span class="visually-hidden">: Products per year</span></summary>',
        html,
    )
    assertInHTML(
        '<tr><th scope="col">Year</th><th scope="col">Alpha cells</th>'
        '<th scope="col">Beta cells</th><th scope="col">Total</th></tr>',
        html,
    )
    for row in (
        '<tr><th scope="row">2020</th><td>2</td><td>1</td><td>3</td></tr>',
        '<tr><th scope="row">2021</th><td>0</td><td>0</td><td>0</td></tr>',
        '<tr><th scope="row">2022</th><td>0</td><td>1</td><td>1</td></tr>',
    ):
        assertInHTML(row, html)


def test_a_single_series_chart_has_no_legend_and_no_total_column():
    html = render("bars", bar_chart({2020: {"a": 2}}, [A], **CHART))
    assert "chart__legend" not in html
    assertInHTML('<tr><th scope="row">2020</th><td>2</td></tr>', html)


def test_an_empty_chart_says_so_and_draws_nothing():
    html = render("bars", bar_chart({}, [A], **CHART))
    assertInHTML('<p class="chart__empty">Nothing approved yet.</p>', html)
    assert "<svg" not in html
    assert "<table" not in html


def test_the_timeline_draws_lanes_markers_legend_and_an_events_table():
    chart = timeline_chart(
        [
            event("FDA", datetime.date(2017, 8, 30), display_date="30 August 2017"),
            event("EMA", datetime.date(2018, 8, 1), precision="month"),
        ],
        **TIMELINE,
    )
    html = render("timeline", chart)
    assert 'aria-labelledby="test-timeline-title test-timeline-desc"' in html
    assert '<title id="test-timeline-title">Timeline of Testcel</title>' in html
    assert ">FDA</text>" in html
    assert ">EMA</text>" in html
    assert ">Year</text>" in html
    assert "<title>FDA: Approval, 30 August 2017</title>" in html
    assert 'class="chart-marker is-approximate"' in html
    assert APPROXIMATE_LABEL in html
    assertInHTML(
        '<tr><th scope="row"><time datetime="2017-08-30">30 August 2017</time></th>'
        '<td><abbr title="FDA in full">FDA</abbr></td><td>Approval</td></tr>',
        html,
    )


def test_an_empty_timeline_says_so():
    html = render("timeline", timeline_chart([], **TIMELINE))
    assertInHTML('<p class="chart__empty">No decisions yet.</p>', html)
    assert "<svg" not in html


# Queries


@pytest.mark.django_db
def test_each_product_counts_once_in_the_year_it_was_first_approved_anywhere():
    product = make_product()
    make_event(product, date=datetime.date(2019, 3, 1))
    make_event(product, agency=make_agency(slug="ec", short_name="EC/EMA"))
    make_event(make_product(slug="pending", modality="msc"), event_type="refusal")
    chart = approvals_by_year_and_modality()
    assert [s.label for s in chart.series] == ["CAR-T cells"]
    assert [(row.year, row.total) for row in chart.rows] == [(2019, 1)]


@pytest.mark.django_db
def test_each_regulator_counts_its_first_authorisation_of_a_product_once():
    product = make_product()
    fda = make_agency()
    ec = make_agency(slug="ec", short_name="EC/EMA")
    make_event(product, agency=fda, date=datetime.date(2018, 5, 1))
    make_event(product, agency=fda, event_type="label-expansion")
    make_event(product, agency=ec, date=datetime.date(2020, 2, 1))
    make_event(product, agency=ec, event_type="filing-accepted")
    chart = approvals_by_year_and_agency()
    assert [s.label for s in chart.series] == ["EC/EMA", "FDA"]
    assert [(row.year, row.values) for row in chart.rows] == [
        (2018, (0, 1)),
        (2019, (0, 0)),
        (2020, (1, 0)),
    ]


@pytest.mark.django_db
def test_an_agency_chart_counts_every_authorisation_by_that_agency_only():
    fda = make_agency()
    ec = make_agency(slug="ec", short_name="EC/EMA")
    product = make_product()
    make_event(product, agency=fda)
    second = make_indication(product, make_disease(slug="second", name="Second"))
    make_event(product, [second], agency=fda, event_type="label-expansion")
    make_event(
        product, agency=fda, event_type="withdrawal", date=datetime.date(2020, 6, 1)
    )
    make_event(product, agency=ec)
    chart = agency_approvals_by_year(fda)
    assert chart.title == "FDA approvals each year"
    assert [(row.year, row.total) for row in chart.rows] == [(2020, 2)]


@pytest.mark.django_db
def test_an_agency_without_approvals_gets_the_no_data_state():
    agency = make_agency()
    make_event(make_product(), agency=agency, event_type="filing-accepted")
    chart = agency_approvals_by_year(agency)
    assert chart.is_empty
    assert chart.empty_message == "No approval by FDA is in the catalog."


@pytest.mark.django_db
def test_a_new_approval_changes_the_charts_without_touching_templates():
    product = make_product()
    make_event(product)
    before = render("bars", approvals_by_year_and_modality())
    make_event(make_product(slug="newcel"), date=datetime.date(2024, 6, 1))
    after = render("bars", approvals_by_year_and_modality())
    assert '<th scope="row">2024</th>' not in before
    assertInHTML('<tr><th scope="row">2024</th><td>1</td></tr>', after)


@pytest.mark.django_db
def test_the_product_timeline_reads_the_prefetched_events(
    django_assert_num_queries,
):
    product = make_product()
    make_event(product, date=datetime.date(2017, 8, 1), date_precision="month")
    make_event(product, event_type="label-expansion")
    product = Product.objects.for_detail().get(pk=product.pk)
    with django_assert_num_queries(0):
        chart = product_timeline(product)
    assert chart.title == "Regulatory timeline of Testcel"
    assert [e.display_date for e in chart.events] == ["August 2017", "15 January 2020"]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 30])
def test_chart_queries_do_not_grow_with_the_catalog(
    django_assert_max_num_queries, count
):
    make_many_products(make_disease(), count)
    fda = Agency.objects.get(slug="fda")
    with django_assert_max_num_queries(1):
        assert approvals_by_year_and_modality().rows[0].total == count
    with django_assert_max_num_queries(1):
        assert approvals_by_year_and_agency().rows[0].total == 2 * count
    with django_assert_max_num_queries(1):
        assert agency_approvals_by_year(fda).rows[0].total == count


@pytest.mark.django_db
def test_the_real_dataset_draws_every_chart(seeded):
    modality = approvals_by_year_and_modality()
    assert (
        sum(row.total for row in modality.rows) == Product.objects.authorised().count()
    )
    render("bars", modality)
    render("bars", approvals_by_year_and_agency())
    for agency in Agency.objects.all():
        render("bars", agency_approvals_by_year(agency))
    for product in Product.objects.for_detail():
        chart = product_timeline(product)
        assert len(chart.events) == len(product.events.all())
        render("timeline", chart)
