"""The staff start page's figures: participants per month per library, events by language of delivery,
initiatives by category, each as numbers for a table and as bar geometry for a server-drawn SVG chart, and how
many said an event helped them. Events and participants are those of the events held (`Event.objects.held`: ended
by now), counted as the reports count them.

A fixed number of queries whatever the data: one aggregate per figure and one for the library names.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.dates import MONTHS as MONTH_NAMES
from django.utils.dates import MONTHS_3
from django.utils.text import capfirst

from activities.alerts import alert_counts
from groundwork.translations import translated
from mapping.models import Initiative
from partners.models import Organisation

from .reports.scope import Scope
from .reports.sheets import choice_labels, delivery_language_labels, helpfulness_cells

MONTHS_SHOWN = 12

# Geometry of the charts, in SVG user units (the SVG scales to its container's width).
BAR_CHART_WIDTH = 640
BAR_LABEL_WIDTH = 220
BAR_HEIGHT = 22
BAR_GAP = 8
BAR_VALUE_SPACE = 48
COLUMN_CHART_WIDTH = 360
COLUMN_CHART_HEIGHT = 150
COLUMN_AXIS_HEIGHT = 20
COLUMN_TOP_SPACE = 16


@dataclass
class Bar:
    label: str
    value: int
    short: str = ""
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    text_x: float = 0
    text_y: float = 0


def horizontal_bars(items):
    """Bars for (label, value) pairs, one under the other, the longest as wide as the chart allows."""
    largest = max((value for _label, value in items), default=0) or 1
    span = BAR_CHART_WIDTH - BAR_LABEL_WIDTH - BAR_VALUE_SPACE
    bars = []
    for index, (label, value) in enumerate(items):
        y = index * (BAR_HEIGHT + BAR_GAP)
        width = round(span * value / largest, 1)
        bars.append(
            Bar(
                label=label,
                value=value,
                x=BAR_LABEL_WIDTH,
                y=y,
                width=width,
                height=BAR_HEIGHT,
                text_x=BAR_LABEL_WIDTH + width + 6,
                text_y=y + BAR_HEIGHT * 0.7,
            )
        )
    height = max(len(items) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP, BAR_HEIGHT)
    return {"bars": bars, "width": BAR_CHART_WIDTH, "height": height, "label_x": BAR_LABEL_WIDTH - 8}


def columns(items, largest):
    """Columns for (short label, long label, value) triples side by side, scaled to `largest` so that small
    multiples compare."""
    largest = largest or 1
    step = COLUMN_CHART_WIDTH / max(len(items), 1)
    plot = COLUMN_CHART_HEIGHT - COLUMN_AXIS_HEIGHT - COLUMN_TOP_SPACE
    bars = []
    for index, (short, long, value) in enumerate(items):
        height = round(plot * value / largest, 1)
        x = round(index * step + step * 0.15, 1)
        bars.append(
            Bar(
                label=long,
                short=short,
                value=value,
                x=x,
                y=round(COLUMN_TOP_SPACE + plot - height, 1),
                width=round(step * 0.7, 1),
                height=height,
                text_x=round(index * step + step / 2, 1),
                text_y=COLUMN_CHART_HEIGHT - 5,
            )
        )
    return {
        "bars": bars,
        "width": COLUMN_CHART_WIDTH,
        "height": COLUMN_CHART_HEIGHT,
        "baseline": COLUMN_TOP_SPACE + plot,
    }


def window(today=None):
    """The last `MONTHS_SHOWN` months, this one included: (first day, today)."""
    today = today or timezone.localdate()
    year, month = today.year, today.month - (MONTHS_SHOWN - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return datetime.date(year, month, 1), today


def dashboard(*, organisation_ids=None, today=None):
    """The figures for everyone's libraries (`organisation_ids=None`, coordinators) or for the given ones."""
    start, end = window(today)
    if organisation_ids is None:
        scope = Scope(start=start, end=end)
    else:
        # Nobody's organisations (0 is no primary key): a staff member without a membership sees nothing.
        scope = Scope(start=start, end=end, library_ids=tuple(sorted(organisation_ids)) or (0,))
    months = list(scope.months())

    per_library = {}
    for organiser, month, total in (
        scope.attendance()
        .order_by()
        .values_list("event__organiser", TruncMonth("event__ends_at"))
        .annotate(participants=Sum("total"))
    ):
        per_library.setdefault(organiser, {})[month.year, month.month] = total or 0
    shown_ids = set(per_library) | set(scope.library_ids) - {0}
    names = dict(Organisation.objects.filter(pk__in=shown_ids).values_list("pk", translated("short_name", "name")))
    largest = max((value for counts in per_library.values() for value in counts.values()), default=0)
    libraries = []
    for pk in sorted(shown_ids, key=lambda pk: (names.get(pk, "").casefold(), pk)):
        counts = [per_library.get(pk, {}).get(key, 0) for key in months]
        libraries.append(
            {
                "name": names.get(pk, ""),
                "counts": counts,
                "total": sum(counts),
                "chart": columns(
                    [
                        (capfirst(MONTHS_3[month]), f"{MONTH_NAMES[month]} {year}", count)
                        for (year, month), count in zip(months, counts, strict=True)
                    ],
                    largest,
                ),
            }
        )

    _total, by_language = scope.events_held().count_by_language()
    languages = [
        (label, by_language[code]) for code, label in delivery_language_labels().items() if code in by_language
    ]

    initiatives = Initiative.objects.published()
    if organisation_ids is not None:
        initiatives = initiatives.filter(host__in=scope.library_ids)
    by_category = dict(initiatives.order_by().values_list("category").annotate(Count("pk")))
    categories = [
        (label, by_category[code])
        for code, label in choice_labels(Initiative.Category.choices).items()
        if code in by_category
    ]

    helped, helpful, answers = helpfulness_cells(
        dict(scope.survey_answers().order_by().values_list("answer").annotate(Count("pk")))
    )

    return {
        "alerts": alert_figures(None if organisation_ids is None else scope.library_ids),
        "start": start,
        "end": end,
        "months": [f"{MONTH_NAMES[month]} {year}" for year, month in months],
        "short_months": [capfirst(MONTHS_3[month]) for _year, month in months],
        "libraries": libraries,
        "month_totals": [sum(library["counts"][i] for library in libraries) for i in range(len(months))],
        "languages": languages,
        "languages_chart": horizontal_bars(languages),
        "categories": categories,
        "categories_chart": horizontal_bars(categories),
        # The result indicator: those who said an event helped (yes or somewhat), of the answers about events held.
        "helpfulness": {"helped": helped, "helpful": helpful, "answers": answers},
    }


def alert_figures(library_ids=None):
    """Confirmed alerts for new events, counted per language of delivery and per library (never an address):
    `{"total": n, "languages": [(label, n)], "libraries": [(name, n)]}`; `library_ids` narrows to alerts that name
    one of those libraries."""
    counts = alert_counts(library_ids=library_ids)
    names = dict(
        Organisation.objects.filter(pk__in=counts["libraries"]).values_list("pk", translated("short_name", "name"))
    )
    return {
        "total": counts["total"],
        "languages": [
            (label, counts["languages"][code])
            for code, label in delivery_language_labels().items()
            if code in counts["languages"]
        ],
        "libraries": sorted(
            ((names.get(pk, ""), count) for pk, count in counts["libraries"].items()),
            key=lambda item: item[0].casefold(),
        ),
    }
