"""Three charts for the dashboard and the Cabinet report, drawn as SVG from plain data.

Every label is escaped through ``format_html`` (theme and milestone titles are user data); colour
is never the only signal: segments carry their count and word where they fit, the legend names
every colour, and each chart comes with a one-sentence description and its data table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from actions.choices import ActionStatus, Rag

WIDTH = 440  # viewBox units; at 375 px wide a 20-unit font reads at about 15 px
# On paper the chart spans the 170 mm text width: at 800 units a 20-unit font prints at 12 pt and
# a 17-unit one at 10 pt, close to the report's 10.5 pt body text.
PRINT_WIDTH = 800
PAD = 8
FONT = 20
SMALL = 17
ROW_LABEL = 26
BAR = 34
ROW_GAP = 16
TITLE_MAX = 80  # two lines of a row label
FONT_FAMILY = '"GDS Transport", arial, sans-serif'
DARK = "#0b0c0c"
LIGHT = "#ffffff"

# Worst first, so trouble reads first from the left.
RAG_ORDER = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE, Rag.GREY]
STATUS_ORDER = sorted(ActionStatus, key=lambda status: (status.rank, status == ActionStatus.CLOSED))


@dataclass(frozen=True)
class Chart:
    """A chart ready to show: SVG markup plus the words and data table that stand in for it."""

    id: str
    title: str
    description: str
    svg: SafeString
    columns: list[str]
    rows: list[list]
    # Optional drill-down URLs parallel to ``rows`` (None where a cell has no link), so the
    # data table offers the same links as the chart to people who cannot use the SVG.
    links: list[list] = field(default_factory=list)

    def table(self) -> list[list[tuple[object, str | None]]]:
        """The data rows as (value, URL or None) pairs, for the template's data table."""
        return [
            list(
                zip(
                    row,
                    (self.links[i] if i < len(self.links) else []) or [None] * len(row),
                    strict=False,
                )
            )
            for i, row in enumerate(self.rows)
        ]


@dataclass(frozen=True)
class _Ink:
    """How a chart is drawn: for the screen (text halos, 440 wide) or for print.

    WeasyPrint ignores SVG ``paint-order``, so a halo (a stroke meant to sit under the letters)
    is painted over them. In print, text that needs a light background gets a solid chip drawn
    behind it instead, which every renderer paints in order."""

    width: int
    printed: bool

    def halo(self, colour: str, width: int) -> SafeString:
        if self.printed:
            return mark_safe("")
        return format_html(' stroke="{}" stroke-width="{}" paint-order="stroke"', colour, width)

    def chip(self, x: float, y: float, text: str, size: int, anchor: str = "start") -> SafeString:
        """In print, a white box under a label that would otherwise sit on lines or pattern."""
        if not self.printed:
            return mark_safe("")
        width = _text_width(text, size) + 6
        left = x - 3 if anchor == "start" else x - width + 3
        return format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
            round(left, 1),
            round(y - size, 1),
            round(width, 1),
            size + 6,
            LIGHT,
        )


SCREEN = _Ink(WIDTH, printed=False)
PRINT = _Ink(PRINT_WIDTH, printed=True)


def _ink(printed: bool) -> _Ink:
    return PRINT if printed else SCREEN


@dataclass(frozen=True)
class _Segment:
    key: str
    word: str
    count: int
    fill: str
    text: str  # label colour with enough contrast on ``fill``
    url: str | None = None


def _text_width(text: str, size: int = FONT) -> float:
    """A generous estimate of rendered width, so labels that might not fit are left out."""
    return len(text) * size * 0.6


def _wrap(text: str, size: int = FONT, max_lines: int = 2, width: int = WIDTH) -> list[str]:
    """Split a label into lines that fit the width, shortening the last line if need be."""
    per_line = int((width - 2 * PAD) / (size * 0.6))
    lines, line = [], ""
    for word in " ".join(str(text).split()).split(" "):
        if line and len(line) + 1 + len(word) > per_line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _shorten(" ".join(lines[max_lines - 1 :]), per_line)]
    return lines


def _text_lines(x, y, lines: list[str], size: int = FONT, ink: _Ink = SCREEN) -> SafeString:
    """A multi-line label: one <tspan> per line, each escaped."""
    spans = mark_safe(  # noqa: S308 - every span comes from format_html
        "".join(
            format_html('<tspan x="{}" dy="{}">{}</tspan>', x, 0 if i == 0 else size + 2, line)
            for i, line in enumerate(lines)
        )
    )
    return format_html(
        '<text x="{}" y="{}" font-size="{}"{}>{}</text>', x, y, size, ink.halo(LIGHT, 4), spans
    )


def _shorten(text: str, limit: int = TITLE_MAX) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _label_colour(fill: str) -> str:
    return DARK if fill == Rag.AMBER.hex else LIGHT


def _fill_for(status: ActionStatus, chart_id: str) -> str:
    # Not started and Closed share the grey of their RAG; Closed is hatched to tell them apart.
    if status == ActionStatus.CLOSED:
        return f"url(#{chart_id}-hatch)"
    return status.rag.hex


def _defs(chart_id: str) -> SafeString:
    return format_html(
        '<defs><pattern id="{}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="8" height="8" fill="{}"/>'
        '<rect width="3" height="8" fill="#b1b4b6"/></pattern></defs>',
        chart_id,
        Rag.GREY.hex,
    )


def _svg(
    chart_id: str, title: str, description: str, height: float, body, ink: _Ink = SCREEN
) -> SafeString:
    # A picture with links in it is a group of links, not an image (axe: nested-interactive).
    role = "group" if "<a " in body else "img"
    if ink.printed:
        # WeasyPrint makes the <title> the figure's /Alt: say what the chart shows, not its name.
        title = f"{title}. {description}"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" role="{role}" aria-labelledby="{id}-title {id}-desc" '
        'font-family="{font}" font-size="{size}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        "{defs}{body}</svg>",
        w=ink.width,
        h=int(height),
        role=role,
        id=chart_id,
        font=FONT_FAMILY,
        size=FONT,
        title=title,
        desc=description,
        defs=_defs(chart_id),
        body=body,
    )


def _legend(items: list[tuple[str, str]], y: float, width: int = WIDTH) -> tuple[SafeString, float]:
    """Swatches with words, wrapped to the width; returns the markup and the height used."""
    parts, x, line = [], PAD, 0
    for word, fill in items:
        needed = 22 + _text_width(word, SMALL) + 18
        if x + needed > width - PAD and x > PAD:
            x, line = PAD, line + 1
        top = y + line * 28
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="18" height="18" fill="{}" stroke="{}"/>'
                '<text x="{}" y="{}" font-size="{}">{}</text>',
                x,
                top,
                fill,
                DARK,
                x + 24,
                top + 15,
                SMALL,
                word,
            )
        )
        x += needed
    return mark_safe("".join(parts)), (line + 1) * 28 + 8  # noqa: S308 - parts are format_html


def _stacked_bars(
    chart_id: str,
    title: str,
    description: str,
    bars: list[tuple[str, list[_Segment]]],
    legend: list[tuple[str, str]],
    unit: str,
    ink: _Ink = SCREEN,
) -> SafeString:
    legend_svg, top = _legend(legend, PAD, ink.width)
    top += PAD
    biggest = max((sum(s.count for s in segments) for _, segments in bars), default=0) or 1
    bar_width = ink.width - 2 * PAD - 48  # room for the total at the end of the bar
    parts = [legend_svg]
    y = top
    for label, segments in bars:
        total = sum(s.count for s in segments)
        lines = _wrap(label, width=ink.width)
        parts.append(_text_lines(PAD, y + FONT, lines, ink=ink))
        bar_y = y + ROW_LABEL * len(lines) + 4
        x = float(PAD)
        for segment in segments:
            if not segment.count:
                continue
            width = round(segment.count / biggest * bar_width, 1)
            full, short = f"{segment.count} {segment.word}", str(segment.count)
            shown = (
                full
                if width >= _text_width(full, SMALL) + 8
                else short
                if width >= _text_width(short, SMALL) + 8
                else ""
            )
            noun = unit if segment.count != 1 else unit.removesuffix("s")
            tooltip = f"{label}: {segment.count} {segment.word} {noun}"
            # A linked segment is named by its link; a <title> inside would join its visible text.
            piece = format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" '
                'stroke-width="1">{}</rect>',
                x,
                bar_y,
                width,
                BAR,
                segment.fill,
                LIGHT,
                "" if segment.url else format_html("<title>{}</title>", tooltip),
            )
            if shown:
                text_x, text_y = round(x + 5, 1), round(bar_y + BAR / 2 + SMALL / 3, 1)
                # A patterned fill has light stripes: in print its words sit on a chip.
                patterned = segment.fill.startswith("url(")
                if patterned and ink.printed:
                    piece += ink.chip(text_x, text_y, shown, SMALL)
                piece += format_html(
                    '<text x="{}" y="{}" font-size="{}" font-weight="bold" '
                    'fill="{}"{} pointer-events="none">{}</text>',
                    text_x,
                    text_y,
                    SMALL,
                    DARK if patterned and ink.printed else segment.text,
                    # A dark halo keeps white words readable on the hatched Closed segment too.
                    ink.halo(DARK if segment.text == LIGHT else segment.fill, 3),
                    shown,
                )
            if segment.url:
                # The accessible name starts with the words the segment shows (WCAG 2.5.3).
                piece = format_html(
                    '<a href="{}" aria-label="{}{}: show {}">{}</a>',
                    segment.url,
                    f"{shown}, " if shown else "",
                    tooltip,
                    "it" if segment.count == 1 else "them",
                    piece,
                )
            parts.append(piece)
            x = round(x + width, 1)
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-weight="bold">{}</text>',
                round(x + 6, 1) if total else PAD,
                round(bar_y + BAR / 2 + FONT / 3, 1),
                total if total else f"No {unit}",
            )
        )
        y = bar_y + BAR + ROW_GAP
    body = mark_safe("".join(parts))  # noqa: S308 - every part comes from format_html
    return _svg(chart_id, title, description, y + PAD, body, ink)


def rag_by_theme(
    rows: list[tuple[str, dict[str, int]]], *, link=None, printed: bool = False
) -> Chart:
    """Actions by RAG colour for each theme, as stacked bars.

    ``rows`` is ``[(theme title, {rag value: count}), ...]``; ``link(theme_index, rag_value)``
    returns the URL of the filtered table for a segment, or None."""
    chart_id = "chart-rag-by-theme"
    title = "Actions by RAG status for each theme"
    bars, table, links = [], [], []
    for index, (theme, counts) in enumerate(rows):
        segments = [
            _Segment(
                rag.value,
                rag.label,
                counts.get(rag.value, 0),
                rag.hex,
                _label_colour(rag.hex),
                link(index, rag.value) if link and counts.get(rag.value) else None,
            )
            for rag in RAG_ORDER
        ]
        bars.append((theme, segments))
        table.append([theme, *(s.count for s in segments), sum(s.count for s in segments)])
        links.append([None, *(s.url for s in segments), None])
    total = sum(row[-1] for row in table)
    if table:
        worst = max(table, key=lambda row: (row[1] + row[2], row[1]))
        red, amber = worst[1], worst[2]
        description = f"{total} actions across {len(table)} themes; " + (
            f"the most red or amber ({red} red, {amber} amber) are under “{worst[0]}”."
            if red + amber
            else "none is red or amber."
        )
    else:
        description = "There are no themes with actions to show."
    svg = _stacked_bars(
        chart_id,
        title,
        description,
        bars,
        [(rag.label, rag.hex) for rag in RAG_ORDER],
        "actions",
        _ink(printed),
    )
    columns = ["Theme", *(rag.label for rag in RAG_ORDER), "Total"]
    return Chart(chart_id, title, description, svg, columns, table, links)


def status_over_quarters(
    rows: list[tuple[str, dict[str, int]]], *, link=None, printed: bool = False
) -> Chart:
    """How many actions stood at each status at the end of each quarter, oldest first.

    ``rows`` is ``[(quarter label, {status value: count}), ...]``; ``link(quarter_index,
    status_value)`` returns a URL or None."""
    chart_id = "chart-status-over-quarters"
    title = "Action status at the end of each quarter"
    bars, table, links = [], [], []
    for index, (quarter, counts) in enumerate(rows):
        segments = [
            _Segment(
                status.value,
                status.label.split(" /")[0],
                counts.get(status.value, 0),
                _fill_for(status, chart_id),
                _label_colour(status.rag.hex),
                link(index, status.value) if link and counts.get(status.value) else None,
            )
            for status in STATUS_ORDER
        ]
        bars.append((quarter, segments))
        table.append([quarter, *(s.count for s in segments), sum(s.count for s in segments)])
        links.append([None, *(s.url for s in segments), None])
    if len(table) >= 2:
        first, last = table[0], table[-1]
        done_index = 1 + STATUS_ORDER.index(ActionStatus.COMPLETE)
        description = (
            f"From {first[0]} to {last[0]}, actions off track went from {first[1]} to "
            f"{last[1]}, at risk from {first[2]} to {last[2]}, and complete from "
            f"{first[done_index]} to {last[done_index]}."
        )
    elif table:
        description = f"{table[0][-1]} actions at the end of {table[0][0]}."
    else:
        description = "There are no quarters to show."
    legend = [(status.label, _fill_for(status, chart_id)) for status in STATUS_ORDER]
    svg = _stacked_bars(chart_id, title, description, bars, legend, "actions", _ink(printed))
    columns = ["Quarter", *(status.label for status in STATUS_ORDER), "Total"]
    return Chart(chart_id, title, description, svg, columns, table, links)


def _milestone_state(item: dict, today: dt.date) -> str:
    if item.get("completed_on"):
        return "Done"
    if item.get("overdue") or item["due_date"] < today:
        return "Overdue"
    return "Due"


_STATE_STYLE = {"Done": Rag.BLUE.hex, "Overdue": Rag.RED.hex, "Due": DARK}


def milestone_timeline(
    items: list[dict],
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    link: Callable[[dict], str | None] | None = None,
    printed: bool = False,
    chart_id: str = "chart-milestone-timeline",
) -> Chart:
    """Milestones due between ``start`` and ``end`` on a time line, each marked Done, Due or
    Overdue in words. ``items`` are dicts with title, due_date, completed_on,
    action_reference and overdue; ``link(item)`` returns a URL or None. A chart drawn in parts
    gives each part its own ``chart_id``, so the ids inside stay unique on the page."""
    title = f"Milestones due {start:%-d %B %Y} to {end:%-d %B %Y}"
    items = sorted(items, key=lambda item: (item["due_date"], item["action_reference"]))
    span = max((end - start).days, 1)
    ink = _ink(printed)
    axis_left, axis_right = PAD + 4, ink.width - PAD - 4

    def x_of(day: dt.date) -> float:
        clamped = min(max(day, start), end)
        return round(axis_left + (clamped - start).days / span * (axis_right - axis_left), 1)

    parts, table, links = [], [], []
    axis_y = PAD + 52
    # Month ticks along the top axis.
    month = dt.date(start.year, start.month, 1)
    while month <= end:
        if month >= start:
            parts.append(
                format_html(
                    '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{c}"/>'
                    '<text x="{x}" y="{ty}" font-size="{s}" '
                    'text-anchor="middle">{label}</text>',
                    x=x_of(month),
                    y1=axis_y - 6,
                    y2=axis_y + 6,
                    c=DARK,
                    ty=axis_y - 12,
                    s=SMALL,
                    label=f"{month:%b}",
                )
            )
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"/>',
            axis_left,
            axis_y,
            axis_right,
            axis_y,
            DARK,
        )
    )
    y = axis_y + 18
    for item in items:
        state = _milestone_state(item, today)
        label = f"{item['action_reference']} {item['title']}"
        x = x_of(item["due_date"])
        marker_word = f"{state} {item['due_date']:%-d %b}"
        # Put the words on whichever side of the marker has room.
        right = x + 14 + _text_width(marker_word, SMALL) < axis_right
        lines = _wrap(label, SMALL, width=ink.width)
        line_y = y + 40 + (len(lines) - 1) * (SMALL + 2)
        word_x = round(x + 14 if right else x - 14, 1)
        url = link(item) if link else None
        # In print the row's rule would strike through the words: they sit on a chip instead.
        marker = ink.chip(word_x, line_y + 6, marker_word, SMALL, "start" if right else "end")
        marker += format_html(
            '<circle cx="{}" cy="{}" r="8" fill="{}" stroke="{}" stroke-width="2">{}</circle>'
            '<text x="{}" y="{}" font-size="{}" font-weight="bold" text-anchor="{}" '
            'fill="{}"{}>{}</text>',
            x,
            line_y,
            _STATE_STYLE[state] if state != "Due" else LIGHT,
            _STATE_STYLE[state],
            "" if url else format_html("<title>{}: {}</title>", label, marker_word),
            word_x,
            line_y + 6,
            SMALL,
            "start" if right else "end",
            _STATE_STYLE[state],
            ink.halo(LIGHT, 4),
            marker_word,
        )
        if url:
            # Only the marker and its words are the link, so its name starts with what it shows.
            marker = format_html(
                '<a href="{}" aria-label="{}: {}">{}</a>', url, marker_word, label, marker
            )
        piece = (
            _text_lines(PAD, y + SMALL, lines, SMALL, ink)
            + format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#b1b4b6"/>',
                axis_left,
                line_y,
                axis_right,
                line_y,
            )
            + marker
        )
        parts.append(piece)
        table.append(
            [item["title"], item["action_reference"], f"{item['due_date']:%-d %b %Y}", state]
        )
        links.append([None, url, None, None])
        y = line_y + 24
    if not items:
        parts.append(format_html('<text x="{}" y="{}">No milestones due.</text>', PAD, y + FONT))
        y += 36
    if start <= today <= end:
        tx = x_of(today)
        # Centred on its line unless that would cut it at an edge of the chart (a report is
        # drawn as at the quarter's last day, so its line is on the right edge): then the word
        # ends at the line, or starts at it.
        half = _text_width("Today", SMALL) / 2
        anchor = "middle"
        if tx + half > ink.width - PAD:
            anchor = "end"
        elif tx - half < PAD:
            anchor = "start"
        parts.insert(
            0,
            format_html(
                '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{c}" '
                'stroke-width="2" stroke-dasharray="6 4"/>'
                '<text x="{x}" y="{ty}" font-size="{s}" font-weight="bold" '
                'text-anchor="{anchor}">Today</text>',
                x=tx,
                y1=axis_y,
                y2=y,
                c=DARK,
                ty=PAD + SMALL,
                s=SMALL,
                anchor=anchor,
            ),
        )
    counts = {state: sum(1 for row in table if row[3] == state) for state in _STATE_STYLE}
    description = (
        f"{len(table)} milestones due between {start:%-d %B %Y} and {end:%-d %B %Y}: "
        f"{counts['Done']} done, {counts['Overdue']} overdue and {counts['Due']} still to come."
    )
    body = mark_safe("".join(parts))  # noqa: S308 - every part comes from format_html
    svg = _svg(chart_id, title, description, y + PAD, body, ink)
    return Chart(
        chart_id, title, description, svg, ["Milestone", "Action", "Due", "State"], table, links
    )
