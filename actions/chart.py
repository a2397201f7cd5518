"""The action log's picture: open and overdue actions per owner, and how old they are.

Figures come from two aggregate queries (organisations, people), whatever the number
of actions; the template draws them as an inline SVG bar chart with the same figures
in a table beside it.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.utils.html import escape
from django.utils.safestring import mark_safe

from actions.models import overdue_condition

MAX_OWNERS = 12
# Age bands of open actions, youngest first: (label, lower bound in days, upper bound or None).
AGE_BANDS = (
    ("Under 3 months", 0, 91),
    ("3 to 12 months", 91, 365),
    ("Over a year", 365, None),
)

# Fills with at least 3:1 contrast on white (WCAG 1.4.11), one per band, then overdue.
COLOURS = ("#2f5f98", "#8a6d00", "#7b3294", "#b02a37")

# Geometry of the SVG (user units; the SVG scales to its container).
WIDTH = 720
LABEL_WIDTH = 190
FIGURE_WIDTH = 150
ROW_HEIGHT = 36
BAR_HEIGHT = 14
TOP = 8


@dataclass
class OwnerFigures:
    owner: str
    open: int
    overdue: int
    by_age: tuple  # open actions per AGE_BANDS entry
    oldest_raised_on: datetime.date | None
    oldest_age_days: int | None = None


def owner_figures(actions, today):
    """Open and overdue actions per owner among `actions` (a filtered log queryset), most open first."""
    # The log's own conditions, not "id IN (the log)": PostgreSQL then combines the
    # search's GIN index with the status index instead of re-reading every action's text.
    open_actions = actions.order_by().open()
    # Grouped by owner, each (action, owner) row is one action: no DISTINCT needed.
    aggregates = {
        "open": Count("status"),
        "overdue": Count("status", filter=overdue_condition(today)),
        "oldest": Min("raised_on"),
    }
    for position, (_label, low, high) in enumerate(AGE_BANDS):
        band = Q(raised_on__lte=today - datetime.timedelta(days=low))
        if high is not None:
            band &= Q(raised_on__gt=today - datetime.timedelta(days=high))
        aggregates[f"band{position}"] = Count("status", filter=band)
    figures = []
    for owner_field in ("owner_organisations", "owner_people"):
        rows = (
            open_actions.filter(**{f"{owner_field}__isnull": False})
            .order_by()
            .values(owner_field, f"{owner_field}__name")
            .annotate(**aggregates)
        )
        for row in rows:
            figures.append(
                OwnerFigures(
                    owner=row[f"{owner_field}__name"],
                    open=row["open"],
                    overdue=row["overdue"],
                    by_age=tuple(row[f"band{i}"] for i in range(len(AGE_BANDS))),
                    oldest_raised_on=row["oldest"],
                    oldest_age_days=None if row["oldest"] is None else (today - row["oldest"]).days,
                )
            )
    figures.sort(key=lambda f: (-f.open, -f.overdue, f.owner.lower()))
    return figures


def chart(figures):
    """What the template draws: rows of bar segments in SVG units, the bands, the height."""
    shown = figures[:MAX_OWNERS]
    scale_max = max((f.open for f in shown), default=0) or 1
    bar_space = WIDTH - LABEL_WIDTH - FIGURE_WIDTH - 10
    rows = []
    for index, figure in enumerate(shown):
        y = TOP + index * ROW_HEIGHT
        x = LABEL_WIDTH
        segments = []
        for band, count in enumerate(figure.by_age):
            width = bar_space * count / scale_max
            if count:
                segments.append(
                    {"x": round(x, 1), "width": round(width, 1), "band": band, "colour": COLOURS[band]}
                )
            x += width
        rows.append(
            {
                "figure": figure,
                "y": y,
                "text_y": y + BAR_HEIGHT - 2,
                "overdue_y": y + BAR_HEIGHT + 2,
                "overdue_width": round(bar_space * figure.overdue / scale_max, 1),
                "segments": segments,
            }
        )
    legend_y = TOP + len(rows) * ROW_HEIGHT + 12
    labels = [label for label, _low, _high in AGE_BANDS] + ["Overdue"]
    legend = [
        {
            "x": LABEL_WIDTH + i * 130,
            "text_x": LABEL_WIDTH + i * 130 + 18,
            "label": label,
            "colour": COLOURS[i],
        }
        for i, label in enumerate(labels)
    ]
    return {
        "rows": rows,
        "legend": legend,
        "overdue_colour": COLOURS[-1],
        "description": " ".join(describe(figure) for figure in shown),
        "width": WIDTH,
        "height": TOP + len(rows) * ROW_HEIGHT + 30,
        "legend_y": legend_y,
        "legend_text_y": legend_y + 10,
        "label_x": LABEL_WIDTH - 8,
        "bar_x": LABEL_WIDTH,
        "figure_x": WIDTH - FIGURE_WIDTH,
        "bar_height": BAR_HEIGHT,
        "overdue_height": 6,
        "hidden_owners": len(figures) - len(shown),
        "table_rows": table_rows(figures),
    }


def table_rows(figures):
    """The figures table's rows (every owner, hundreds on a large log), built in Python:
    one template, or one format_html, per cell would cost more than the queries behind
    them. The owner's name is the only text, escaped; the rest are numbers."""
    rows = []
    for figure in figures:
        counts = "".join(f"<td>{int(count)}</td>" for count in (figure.open, figure.overdue, *figure.by_age))
        oldest = "" if figure.oldest_age_days is None else int(figure.oldest_age_days)
        rows.append(f'<tr><th scope="row">{escape(figure.owner)}</th>{counts}<td>{oldest}</td></tr>')
    return mark_safe("\n".join(rows))


def describe(figure):
    """One owner's figures in a sentence, for the chart's <desc>."""
    bands = ", ".join(
        f"{count} {label.lower()}"
        for count, (label, _low, _high) in zip(figure.by_age, AGE_BANDS, strict=True)
    )
    oldest = (
        "" if figure.oldest_age_days is None else f", the oldest raised {figure.oldest_age_days} days ago"
    )
    return f"{figure.owner}: {figure.open} open ({bands}), {figure.overdue} overdue{oldest}."
