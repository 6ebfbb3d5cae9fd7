"""Server-drawn SVG charts: the geometry is computed here, templates draw it.

The includes in templates/catalog/includes/chart_*.html only loop over what
these functions return, so a new approval in the fixtures changes the charts
without touching a template. The pure functions take plain data; the last few
query the database, each with a fixed number of queries.

All lengths are SVG user units. A chart's viewBox is WIDTH units wide and
scales to its container: on a 360 px phone (about 328 px of content) a unit is
about 0.68 px, so FONT_SIZE renders at 12 px there, the smallest we allow.
static/css/charts.css lowers the font size once the chart has more room, and
the layout below leaves space for the largest size.
"""

import datetime
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import count

from django.db.models import Min

from catalog.choices import DatePrecision, EventType, Modality
from catalog.models import IndicationStatus, Product

WIDTH = 480
FONT_SIZE = 18
CHAR_WIDTH = 0.6 * FONT_SIZE  # a generous average for digits and letters
GAP = 6
TICK_LENGTH = 5
PLOT_HEIGHT = 190
BAR_SHARE = 0.7  # of each year's slot; the rest is the gap between bars
MAX_BAR_WIDTH = 40
YEAR_LABEL_WIDTH = 4 * CHAR_WIDTH + 2 * GAP
YEAR_STEPS = (1, 2, 5, 10, 20, 50)
COUNT_STEPS = (1, 2, 5)
MAX_COUNT_TICKS = 5
# Six colours and six patterns stay tellable apart; more series are grouped.
MAX_SERIES = 6
OTHER = "other"
# Hatching drawn over each series' colour on an 8 × 8 tile (chart_bars.html);
# series 1 is solid.
HATCHES = (
    "",
    "M0,8L8,0M-2,2L2,-2M6,10L10,6",
    "M1,2h2M5,6h2",
    "M0,4H8",
    "M0,8L8,0M-2,2L2,-2M6,10L10,6M0,0L8,8M-2,6L2,10M6,-2L10,2",
    "M4,0V8",
)
MARKER_RADIUS = 8
MARKER_ROW = 2 * MARKER_RADIUS + 6
SWATCH_CENTRE = 8  # legend swatches are 16 × 16


def _r(value: float) -> float:
    return round(value, 1)


def _years(first: int, last: int) -> str:
    return f"in {first}" if first == last else f"from {first} to {last}"


# Bar charts


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    number: int  # from 1: picks the colour and pattern in charts.css

    @property
    def hatch(self) -> str:
        return HATCHES[(self.number - 1) % len(HATCHES)]


@dataclass(frozen=True)
class Tick:
    label: str
    at: float  # x on a year axis, y on a count axis


@dataclass(frozen=True)
class Segment:
    series: Series
    year: int
    value: int
    y: float
    height: float

    @property
    def label(self) -> str:
        return f"{self.year}, {self.series.label}: {self.value}"


@dataclass(frozen=True)
class Bar:
    year: int
    total: int
    x: float
    width: float
    centre: float
    value_y: float  # baseline of the total printed above the bar
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Row:
    year: int
    values: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class Frame:
    """The viewBox, the plot area inside it and where axis text sits."""

    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float
    font_size: float = FONT_SIZE

    @property
    def tick_end(self) -> float:
        return self.bottom + TICK_LENGTH

    @property
    def x_tick_y(self) -> float:
        return self.bottom + GAP + FONT_SIZE

    @property
    def x_title_x(self) -> float:
        return _r((self.left + self.right) / 2)

    @property
    def x_title_y(self) -> float:
        return self.x_tick_y + GAP + FONT_SIZE

    @property
    def y_tick_x(self) -> float:
        return self.left - GAP

    @property
    def y_title_y(self) -> float:
        return FONT_SIZE


@dataclass(frozen=True)
class BarChart:
    chart_id: str
    title: str
    x_title: str
    y_title: str
    empty_message: str
    description: str = ""
    note: str = ""
    series: tuple[Series, ...] = ()
    rows: tuple[Row, ...] = ()
    bars: tuple[Bar, ...] = ()
    x_ticks: tuple[Tick, ...] = ()
    y_ticks: tuple[Tick, ...] = ()
    frame: Frame | None = None
    show_totals: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.bars

    @property
    def is_stacked(self) -> bool:
        return len(self.series) > 1


def count_ticks(maximum: int) -> list[int]:
    """Round tick values from 0 up to the first tick at or above `maximum`."""
    steps = (base * 10**power for power in count() for base in COUNT_STEPS)
    step = next(s for s in steps if math.ceil(maximum / s) < MAX_COUNT_TICKS)
    top = step * max(1, math.ceil(maximum / step))
    return list(range(0, top + 1, step))


def year_ticks(first: int, last: int, year_width: float) -> list[int]:
    """Years to label when each year is `year_width` wide: every year if the
    labels fit, else every 2nd, 5th, 10th... year, on round years."""
    needed = YEAR_LABEL_WIDTH / year_width
    step = next((s for s in YEAR_STEPS if s >= needed), YEAR_STEPS[-1])
    years = [year for year in range(first, last + 1) if year % step == 0]
    return years or [first]


def group_series(
    totals: Mapping[str, int],
    labels: Mapping[str, str],
    other_label: str,
    limit: int = MAX_SERIES,
) -> tuple[tuple[Series, ...], dict[str, str]]:
    """The series to stack, biggest first, and the series each key counts in.

    Ties keep the order of `labels`, so the stacking order is the same on
    every render. Past `limit`, the smallest keys share one last series, as
    does a key already called "other".
    """
    order = list(labels)
    ranked = sorted(
        (key for key, total in totals.items() if total),
        key=lambda key: (-totals[key], order.index(key)),
    )
    named = [key for key in ranked if key != OTHER]
    kept = named if len(ranked) <= limit else named[: limit - 1]
    grouped = [key for key in ranked if key not in kept]
    series = [Series(key, labels[key], n) for n, key in enumerate(kept, 1)]
    if grouped:
        label = labels[OTHER] if grouped == [OTHER] else other_label
        series.append(Series(OTHER, label, len(series) + 1))
    target = {key: key if key in kept else OTHER for key in ranked}
    return tuple(series), target


def grouped_note(
    target: Mapping[str, str], labels: Mapping[str, str], other_label: str
) -> str:
    grouped = [labels[key] for key in labels if target.get(key) == OTHER]
    if len(grouped) < 2:
        return ""
    return f"{other_label}: {', '.join(grouped)}."


def describe_bars(rows: Sequence[Row], series: Sequence[Series], unit: str) -> str:
    """A sentence or two saying what the bars show, for <desc>."""
    total = sum(row.total for row in rows)
    most = max(row.total for row in rows)
    peaks = " and ".join(str(row.year) for row in rows if row.total == most)
    text = (
        f"Bar chart: {total} {unit} {_years(rows[0].year, rows[-1].year)}; "
        f"the most in one year was {most}, in {peaks}."
    )
    if len(series) > 1:
        text += f" Bars are split into {', '.join(s.label for s in series)}."
    return text


def bar_chart(
    counts: Mapping[int, Mapping[str, int]],
    series: Sequence[Series],
    *,
    chart_id: str,
    title: str,
    x_title: str,
    y_title: str,
    unit: str,
    empty_message: str,
    note: str = "",
) -> BarChart:
    """One bar per year from the first to the last year with a count, its
    segments stacked bottom-up in the order of `series`."""
    text = {
        "chart_id": chart_id,
        "title": title,
        "x_title": x_title,
        "y_title": y_title,
        "empty_message": empty_message,
        "note": note,
    }
    years = [year for year, by_key in counts.items() if sum(by_key.values())]
    if not years or not series:
        return BarChart(**text)
    rows = tuple(
        _row(year, counts.get(year, {}), series)
        for year in range(min(years), max(years) + 1)
    )
    values = count_ticks(max(row.total for row in rows))
    frame = _bar_frame(values)
    slot = (frame.right - frame.left) / len(rows)
    scale = (frame.bottom - frame.top) / values[-1]
    bars = tuple(
        _bar(row, series, frame.left + i * slot, slot, frame.bottom, scale)
        for i, row in enumerate(rows)
    )
    widest_total = len(str(max(row.total for row in rows))) * CHAR_WIDTH
    return BarChart(
        **text,
        description=describe_bars(rows, series, unit),
        series=tuple(series),
        rows=rows,
        bars=bars,
        x_ticks=tuple(
            Tick(str(year), bars[year - rows[0].year].centre)
            for year in year_ticks(rows[0].year, rows[-1].year, slot)
        ),
        y_ticks=tuple(Tick(str(v), _r(frame.bottom - v * scale)) for v in values),
        frame=frame,
        show_totals=widest_total <= slot,
    )


def _row(year: int, by_key: Mapping[str, int], series: Sequence[Series]) -> Row:
    values = tuple(by_key.get(s.key, 0) for s in series)
    return Row(year, values, sum(values))


def _bar_frame(count_values: Sequence[int]) -> Frame:
    label_width = len(str(count_values[-1])) * CHAR_WIDTH
    # Room above the plot for the y-axis title and the totals over the bars.
    top = 2 * (FONT_SIZE + GAP)
    bottom = top + PLOT_HEIGHT
    height = bottom + 3 * GAP + 2 * FONT_SIZE + GAP
    right = WIDTH - YEAR_LABEL_WIDTH / 2
    return Frame(WIDTH, height, _r(label_width + 2 * GAP), top, right, bottom)


def _bar(
    row: Row,
    series: Sequence[Series],
    x: float,
    slot: float,
    bottom: float,
    scale: float,
) -> Bar:
    width = min(slot * BAR_SHARE, MAX_BAR_WIDTH)
    segments, y = [], bottom
    for each, value in zip(series, row.values, strict=True):
        if value:
            height = value * scale
            y -= height
            segments.append(Segment(each, row.year, value, _r(y), _r(height)))
    return Bar(
        year=row.year,
        total=row.total,
        x=_r(x + (slot - width) / 2),
        width=_r(width),
        centre=_r(x + slot / 2),
        value_y=_r(y - GAP),
        segments=tuple(segments),
    )


def stacked_by_year(
    pairs: Iterable[tuple[int, str]],
    labels: Mapping[str, str],
    *,
    other_label: str,
    note: str = "",
    **chart,
) -> BarChart:
    """Count (year, key) pairs into bars stacked by key, grouping the
    smallest keys when there are too many to tell apart."""
    pairs = list(pairs)
    series, target = group_series(Counter(key for _, key in pairs), labels, other_label)
    counts = defaultdict(Counter)
    for year, key in pairs:
        counts[year][target[key]] += 1
    grouping = grouped_note(target, labels, other_label)
    note = " ".join(text for text in (note, grouping) if text)
    return bar_chart(counts, series, note=note, **chart)


# Timelines


@dataclass(frozen=True)
class TimelineEvent:
    agency: str
    agency_name: str
    date: datetime.date
    precision: str
    event_type: str
    label: str
    display_date: str
    iso_date: str

    @property
    def is_approximate(self) -> bool:
        return self.precision != DatePrecision.DAY

    @property
    def period_end(self) -> datetime.date:
        """The day after the last day the date may stand for."""
        if self.precision == DatePrecision.YEAR:
            return datetime.date(self.date.year + 1, 1, 1)
        if self.precision == DatePrecision.MONTH:
            year, month = divmod(self.date.year * 12 + self.date.month, 12)
            return datetime.date(year, month + 1, 1)
        return self.date + datetime.timedelta(days=1)


@dataclass(frozen=True)
class MarkerKind:
    key: str
    label: str
    shape: str


MARKER_KINDS = (
    MarkerKind("approval", "Approval", "circle"),
    MarkerKind("expedited", "Accelerated or conditional approval", "diamond"),
    MarkerKind("expansion", "New indication approved", "triangle-up"),
    MarkerKind("review", "Application under review", "square"),
    MarkerKind("setback", "Refusal or complete response letter", "cross"),
    MarkerKind("ended", "Withdrawal, suspension, expiry or lapse", "triangle-down"),
    MarkerKind("change", "Label restricted, licence renewed or transferred", "bar"),
)
_KIND = {kind.key: kind for kind in MARKER_KINDS}
EVENT_KINDS = {
    EventType.APPROVAL: _KIND["approval"],
    EventType.FULL_APPROVAL: _KIND["approval"],
    EventType.ACCELERATED_APPROVAL: _KIND["expedited"],
    EventType.CONDITIONAL_APPROVAL: _KIND["expedited"],
    EventType.LABEL_EXPANSION: _KIND["expansion"],
    EventType.FILING_ACCEPTED: _KIND["review"],
    EventType.REFUSAL: _KIND["setback"],
    EventType.COMPLETE_RESPONSE_LETTER: _KIND["setback"],
    EventType.WITHDRAWAL: _KIND["ended"],
    EventType.SUSPENSION: _KIND["ended"],
    EventType.EXPIRY: _KIND["ended"],
    EventType.LAPSE: _KIND["ended"],
    EventType.LABEL_RESTRICTION: _KIND["change"],
    EventType.RENEWAL: _KIND["change"],
    EventType.LICENCE_TRANSFER: _KIND["change"],
}
APPROXIMATE_LABEL = "Hollow marker: only the month or year is known (the band spans it)"


@dataclass(frozen=True)
class Marker:
    event: TimelineEvent
    kind: MarkerKind
    x: float
    y: float
    path: str
    band_x: float  # the band spans the period an approximate date stands for
    band_width: float

    @property
    def band_y(self) -> float:
        return _r(self.y - MARKER_RADIUS + 2)

    @property
    def band_height(self) -> float:
        return 2 * MARKER_RADIUS - 4

    @property
    def label(self) -> str:
        event = self.event
        return f"{event.agency}: {event.label}, {event.display_date}"


@dataclass(frozen=True)
class Lane:
    label: str
    label_y: float
    rule_y: float  # the line under the lane
    markers: tuple[Marker, ...]


@dataclass(frozen=True)
class LegendItem:
    label: str
    kind: str
    path: str
    is_approximate: bool = False


@dataclass(frozen=True)
class TimelineChart:
    chart_id: str
    title: str
    empty_message: str
    x_title: str = "Year"
    description: str = ""
    events: tuple[TimelineEvent, ...] = ()
    lanes: tuple[Lane, ...] = ()
    x_ticks: tuple[Tick, ...] = ()
    legend: tuple[LegendItem, ...] = ()
    frame: Frame | None = None

    @property
    def is_empty(self) -> bool:
        return not self.lanes


def marker_path(shape: str, x: float, y: float, r: float = MARKER_RADIUS) -> str:
    """An SVG path for a marker of roughly equal visual weight per shape."""
    if shape == "circle":
        return f"M{_r(x - r)},{_r(y)}a{r},{r} 0 1 0 {2 * r},0a{r},{r} 0 1 0 {-2 * r},0Z"
    points = "L".join(f"{_r(x + dx)},{_r(y + dy)}" for dx, dy in _outline(shape, r))
    return f"M{points}Z"


def _outline(shape: str, r: float) -> list[tuple[float, float]]:
    if shape == "diamond":
        s = r * 1.3
        return [(0, -s), (s, 0), (0, s), (-s, 0)]
    if shape == "square":
        s = r * 0.85
        return [(-s, -s), (s, -s), (s, s), (-s, s)]
    if shape == "bar":  # a wide, low bar: a change to a standing licence
        w, h = r * 1.2, r * 0.5
        return [(-w, -h), (w, -h), (w, h), (-w, h)]
    if shape in {"triangle-up", "triangle-down"}:
        s, flip = r * 1.2, 1 if shape == "triangle-up" else -1
        points = [(0, -s), (s, 0.8 * s), (-s, 0.8 * s)]
        return [(dx, dy * flip) for dx, dy in points]
    # A cross: a plus sign turned by 45 degrees.
    w, e = r * 0.38, r * 1.1
    plus = [(w, e), (w, w), (e, w), (e, -w), (w, -w), (w, -e), (-w, -e)]
    plus += [(-w, -w), (-e, -w), (-e, w), (-w, w), (-w, e)]
    return [((px - py) / math.sqrt(2), (px + py) / math.sqrt(2)) for px, py in plus]


def dodge(spans: Sequence[tuple[float, float]], spacing: float = 2) -> list[int]:
    """A row for each (start, end) span so that spans in a row never overlap:
    each goes in the first row whose last span ended `spacing` before it."""
    rows: list[float] = []
    placed = [0] * len(spans)
    for index in sorted(range(len(spans)), key=lambda i: spans[i][0]):
        start, end = spans[index]
        row = next((n for n, last in enumerate(rows) if last + spacing <= start), None)
        if row is None:
            row = len(rows)
            rows.append(end)
        rows[row] = end
        placed[index] = row
    return placed


def timeline_chart(
    events: Sequence[TimelineEvent], *, chart_id: str, title: str, empty_message: str
) -> TimelineChart:
    """One lane per agency, in order of its first event; a marker at each
    event's date, moved down a row where it would hide another."""
    text = {"chart_id": chart_id, "title": title, "empty_message": empty_message}
    if not events:
        return TimelineChart(**text)
    events = sorted(events, key=lambda event: (event.date, event.agency))
    first = datetime.date(events[0].date.year, 1, 1)
    last_day = max(event.period_end for event in events) - datetime.timedelta(days=1)
    end = datetime.date(last_day.year + 1, 1, 1)
    left, right = YEAR_LABEL_WIDTH / 2, WIDTH - YEAR_LABEL_WIDTH / 2
    per_day = (right - left) / (end - first).days

    def x_of(date: datetime.date) -> float:
        return left + (date - first).days * per_day

    by_agency: dict[str, list[TimelineEvent]] = {}
    for event in events:
        by_agency.setdefault(event.agency, []).append(event)
    lanes, top = [], 0.0
    for lane_events in by_agency.values():
        lane = _lane(lane_events, top, x_of)
        lanes.append(lane)
        top = lane.rule_y
    frame = Frame(WIDTH, top + 3 * GAP + 2 * FONT_SIZE + GAP, left, 0, right, top)
    year_width = (right - left) / (end.year - first.year)
    return TimelineChart(
        **text,
        description=describe_timeline(events),
        events=tuple(events),
        lanes=tuple(lanes),
        x_ticks=tuple(
            Tick(str(year), _r(x_of(datetime.date(year, 1, 1))))
            for year in year_ticks(first.year, end.year, year_width)
        ),
        legend=timeline_legend(events),
        frame=frame,
    )


def _lane(
    events: Sequence[TimelineEvent],
    top: float,
    x_of: Callable[[datetime.date], float],
) -> Lane:
    periods = [(x_of(event.date), x_of(event.period_end)) for event in events]
    centres = [(start + end) / 2 for start, end in periods]
    rows = dodge(
        [
            (min(start, x - MARKER_RADIUS), max(end, x + MARKER_RADIUS))
            for (start, end), x in zip(periods, centres, strict=True)
        ]
    )
    first_row = top + FONT_SIZE + GAP + MARKER_ROW / 2
    markers = []
    for event, (start, end), x, row in zip(events, periods, centres, rows, strict=True):
        y = first_row + row * MARKER_ROW
        kind = EVENT_KINDS[event.event_type]
        path = marker_path(kind.shape, x, y)
        markers.append(
            Marker(event, kind, _r(x), _r(y), path, _r(start), _r(end - start))
        )
    return Lane(
        label=events[0].agency,
        label_y=top + FONT_SIZE,
        rule_y=_r(top + FONT_SIZE + GAP + (max(rows) + 1) * MARKER_ROW + GAP),
        markers=tuple(markers),
    )


def timeline_legend(events: Sequence[TimelineEvent]) -> tuple[LegendItem, ...]:
    """The kinds of event present, in a fixed order, then the approximate-date
    marker if any date is known only to the month or year."""
    present = {EVENT_KINDS[event.event_type].key for event in events}
    items = [
        LegendItem(kind.label, kind.key, _swatch(kind.shape))
        for kind in MARKER_KINDS
        if kind.key in present
    ]
    if any(event.is_approximate for event in events):
        items.append(LegendItem(APPROXIMATE_LABEL, "neutral", _swatch("circle"), True))
    return tuple(items)


def _swatch(shape: str) -> str:
    return marker_path(shape, SWATCH_CENTRE, SWATCH_CENTRE, r=5)


def describe_timeline(events: Sequence[TimelineEvent]) -> str:
    agencies = len({event.agency for event in events})
    decisions = "decision" if len(events) == 1 else "decisions"
    text = (
        f"Timeline: {len(events)} regulatory {decisions} at {agencies} "
        f"{'regulator' if agencies == 1 else 'regulators'}, "
        f"{_years(events[0].date.year, events[-1].date.year)}."
    )
    approximate = sum(event.is_approximate for event in events)
    if approximate:
        text += f" {approximate} known only to the month or year."
    return text


# Queries


def approvals_by_year_and_modality() -> BarChart:
    """Products first authorised each year anywhere, stacked by modality.

    One query: the first authorisation date is stored on the product.
    """
    rows = Product.objects.authorised().order_by()
    pairs = [
        (date.year, modality)
        for date, modality in rows.values_list("first_authorised_on", "modality")
    ]
    return stacked_by_year(
        pairs,
        {modality.value: modality.label for modality in Modality},
        other_label="Other kinds of therapy",
        note="Each product counts once, in the year a regulator first authorised it.",
        chart_id="modality-chart",
        title="Products first approved each year, by kind of therapy",
        x_title="Year of first approval anywhere",
        y_title="Products",
        unit="products",
        empty_message="No product in the catalog has been approved yet.",
    )


def approvals_by_year_and_agency() -> BarChart:
    """Each regulator's first authorisation of each product, counted in the
    year it happened and stacked by regulator. One query, on the status table."""
    firsts = (
        IndicationStatus.objects.filter(first_authorised_on__isnull=False)
        .values("product_id", "agency__slug", "agency__short_name")
        .annotate(first=Min("first_authorised_on"))
        .order_by("agency__short_name")
    )
    pairs, labels = [], {}
    for row in firsts:
        labels[row["agency__slug"]] = row["agency__short_name"]
        pairs.append((row["first"].year, row["agency__slug"]))
    return stacked_by_year(
        pairs,
        labels,
        other_label="Other regulators",
        note=(
            "Each product counts once per regulator, in the year that "
            "regulator first authorised it."
        ),
        chart_id="agency-chart",
        title="First approvals each year, by regulator",
        x_title="Year of approval",
        y_title="First approvals",
        unit="first approvals",
        empty_message="No regulator has approved a product in the catalog yet.",
    )


def agency_approvals_by_year(agency) -> BarChart:
    """Every authorising decision by `agency`, per year. One query."""
    dates = agency.events.authorising().order_by().values_list("date", flat=True)
    counts = defaultdict(Counter)
    for date in dates:
        counts[date.year][agency.slug] += 1
    return bar_chart(
        counts,
        [Series(agency.slug, "Approvals", 1)],
        chart_id="agency-approvals-chart",
        title=f"{agency.short_name} approvals each year",
        x_title="Year of decision",
        y_title="Approvals",
        unit="approvals",
        empty_message=f"No approval by {agency.short_name} is in the catalog.",
        note=(
            "Counts every authorising decision: standard, accelerated and "
            "conditional approvals, new indications and conversions to full "
            "approval."
        ),
    )


def product_timeline(product) -> TimelineChart:
    """The product's events as a timeline, from its prefetched events
    (ProductQuerySet.with_events): no query of its own."""
    events = [
        TimelineEvent(
            agency=event.agency.short_name,
            agency_name=event.agency.name,
            date=event.date,
            precision=event.date_precision,
            event_type=event.event_type,
            label=event.get_event_type_display(),
            display_date=event.display_date,
            iso_date=event.iso_date,
        )
        for event in product.events.all()
    ]
    return timeline_chart(
        events,
        chart_id="timeline-chart",
        title=f"Regulatory timeline of {product.brand_name}",
        empty_message="No regulatory decision on this product is in the catalog.",
    )
