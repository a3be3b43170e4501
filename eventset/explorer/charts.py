"""The overview's timeline: events by month and type as a stacked bar chart in SVG, drawn at
build time (no charting script to ship), with a text title on every bar for screen readers and
hover, and the same figures as a table beside it so colour is never the only cue."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from html import escape

# Sixteen PLOVER types need sixteen colours told apart on white: Kelly's and Tol's palettes,
# darkened where needed so each bar has 3:1 contrast against the white background (WCAG 1.4.11).
PALETTE = (
    "#1f5fa8",
    "#b23a48",
    "#2a7d4f",
    "#8a5a00",
    "#6b3fa0",
    "#0f7c86",
    "#b0421a",
    "#4d5a12",
    "#a0307a",
    "#33557a",
    "#7a4b2a",
    "#1d6b6b",
    "#8c2f2f",
    "#505050",
    "#5f4b8b",
    "#2f6f2f",
)


def months_between(first: dt.date, last: dt.date) -> list[str]:
    months: list[str] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def type_colours(types: Sequence[str]) -> dict[str, str]:
    return {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(types)}


def timeline_svg(
    dated: Iterable[tuple[dt.date, str]],
    types: Sequence[str],
    colours: dict[str, str],
    href: Callable[[str, str], str] | None = None,
) -> tuple[str, list[str], Counter[tuple[str, str]]]:
    """The chart, the months it spans, and the counts by (month, type). With `href`, each bar
    is a link to href(month, type): the list of the events it counts."""
    counts: Counter[tuple[str, str]] = Counter()
    days: list[dt.date] = []
    for day, event_type in dated:
        counts[(f"{day.year:04d}-{day.month:02d}", event_type)] += 1
        days.append(day)
    if not days:
        return "", [], counts
    months = months_between(min(days), max(days))
    totals = {m: sum(counts[(m, t)] for t in types) for m in months}
    peak = max(totals.values()) or 1
    width, height, left, bottom, right = 800.0, 240.0, 40.0, 24.0, 30.0
    bar = (width - left - right) / len(months)
    scale = (height - bottom - 8) / peak
    parts = [
        f'<svg class="timeline" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-labelledby="timeline-title"><title id="timeline-title">Events per month by type, '
        f"{months[0]} to {months[-1]}</title>",
        f'<text class="axis" x="{left - 4:.0f}" y="12" text-anchor="end">{peak}</text>',
        f'<text class="axis" x="{left - 4:.0f}" y="{height - bottom:.0f}" text-anchor="end">0</text>',
        f'<line class="axis-line" x1="{left:.0f}" y1="{height - bottom:.0f}" x2="{width:.0f}" '
        f'y2="{height - bottom:.0f}"/>',
    ]
    step = max(1, len(months) // 8)
    for i, month in enumerate(months):
        x = left + i * bar
        y = height - bottom
        for event_type in types:
            n = counts[(month, event_type)]
            if not n:
                continue
            h = n * scale
            y -= h
            rect = (
                f'<rect x="{x + 0.5:.1f}" y="{y:.1f}" width="{max(bar - 1, 0.5):.1f}" '
                f'height="{h:.1f}" fill="{colours[event_type]}"><title>{month} '
                f"{escape(event_type)}: {n}</title></rect>"
            )
            if href is not None:
                rect = (
                    f'<a class="bar" href="{escape(href(month, event_type))}" '
                    f'aria-label="{month} {escape(event_type)}: {n}">{rect}</a>'
                )
            parts.append(rect)
        if i % step == 0:
            parts.append(f'<text class="axis" x="{x:.1f}" y="{height - 6:.0f}">{month}</text>')
    parts.append("</svg>")
    return "".join(parts), months, counts
