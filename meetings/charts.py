"""Bar charts drawn on the server as accessible SVG (no script, no library from another host).

A chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``
(``aria-labelledby`` points at both); the figures are also in a table beside it and in a CSV
file. In a right-to-left language the chart is mirrored: time runs from right to left, the
value axis stands on the right and horizontal bars grow leftwards. Colours are classes
(static/css/statistics.css), never inline styles (the Content Security Policy forbids them).
"""

from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join, mark_safe

WIDTH, HEIGHT = 640, 300
MARGIN_AXIS, MARGIN_END, MARGIN_TOP, MARGIN_BOTTOM = 48, 12, 12, 44
ROW_HEIGHT, LABEL_WIDTH, BAR_LABEL = 26, 190, 56


@dataclass
class Series:
    name: str
    css: str
    values: list


@dataclass
class Chart:
    """What a chart shows: ``categories`` (periods or names), one or more ``series`` of values
    (stacked), the figures' ``table`` (header row and rows), and a CSV address."""

    slug: str
    title: str
    description: str
    categories: list
    series: list
    table_header: list = field(default_factory=list)
    table_rows: list = field(default_factory=list)
    horizontal: bool = False
    percent: bool = False
    csv_url: str = ""
    note: str = ""
    grouped: bool = False
    total: int = None

    @property
    def empty(self):
        return not any(value for series in self.series for value in series.values)

    def svg(self, rtl):
        return render_svg(self, rtl)


def _nice_max(value):
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


def _number(value, percent):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:g}%" if percent else f"{value:,}"


def render_svg(chart, rtl):
    title_id, desc_id = f"chart-{chart.slug}-title", f"chart-{chart.slug}-desc"
    body = _horizontal(chart, rtl) if chart.horizontal else _vertical(chart, rtl)
    height = _height(chart)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="{} {}" '
        'viewBox="0 0 {} {}" width="{}" height="{}" direction="{}" data-direction="{}">'
        '<title id="{}">{}</title><desc id="{}">{}</desc>{}</svg>',
        title_id, desc_id, WIDTH, height, WIDTH, height, "rtl" if rtl else "ltr", "rtl" if rtl else "ltr",
        title_id, chart.title, desc_id, chart.description, body,
    )


def _height(chart):
    if chart.horizontal:
        return MARGIN_TOP + ROW_HEIGHT * max(len(chart.categories), 1) + 8
    return HEIGHT


def _r(value):
    """A coordinate as SVG text, to a tenth."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _x(x, width, rtl):
    """A box at ``x`` (from the start edge) of ``width``, in SVG coordinates."""
    return WIDTH - x - width if rtl else x


def _vertical(chart, rtl):
    """Stacked columns, one per category, in reading order from the start edge."""
    if chart.grouped:
        totals = [value for series in chart.series for value in series.values]
    else:
        totals = [sum(series.values[index] for series in chart.series) for index in range(len(chart.categories))]
    top = _nice_max(max(totals, default=0))
    plot_width = WIDTH - MARGIN_AXIS - MARGIN_END
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_width / max(len(chart.categories), 1)
    bar = max(slot * 0.7, 1)
    parts = []
    # The value axis with three grid lines, on the start side.
    for fraction in (0, 0.5, 1):
        y = MARGIN_TOP + plot_height * (1 - fraction)
        x1, x2 = _x(MARGIN_AXIS, 0, rtl), _x(MARGIN_AXIS + plot_width, 0, rtl)
        parts.append(format_html('<line class="chart__grid" x1="{}" y1="{}" x2="{}" y2="{}"/>', _r(x1), _r(y), _r(x2), _r(y)))
        # (text-anchor follows the chart's direction: "end" is the left edge in Arabic, the
        # right edge in English — the side towards the plot either way.)
        label_x = _x(MARGIN_AXIS - 4, 0, rtl)
        parts.append(
            format_html(
                '<text class="chart__axis" x="{}" y="{}" text-anchor="end">{}</text>',
                _r(label_x), _r(y + 4), _number(round(top * fraction, 1), chart.percent),
            )
        )
    every = max(1, round(len(chart.categories) / 12))
    for index, label in enumerate(chart.categories):
        start = MARGIN_AXIS + slot * index + (slot - bar) / 2
        x = _x(start, bar, rtl)
        y = MARGIN_TOP + plot_height
        width = bar / len(chart.series) if chart.grouped else bar
        for number, series in enumerate(chart.series):
            value = series.values[index]
            if not value:
                continue
            height = plot_height * value / top
            if chart.grouped:  # side by side from the start edge, on a common base
                y, left = MARGIN_TOP + plot_height - height, _x(start + width * number, width, rtl)
            else:  # stacked
                y, left = y - height, x
            parts.append(
                format_html(
                    '<rect class="chart__bar {}" x="{}" y="{}" width="{}" height="{}">'
                    "<title>{} — {}: {}</title></rect>",
                    series.css, _r(left), _r(y), _r(width), _r(height), label, series.name, _number(value, chart.percent),
                )
            )
        if index % every == 0:
            parts.append(
                format_html(
                    '<text class="chart__label" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _r(x + bar / 2), HEIGHT - MARGIN_BOTTOM + 16, label,
                )
            )
    return mark_safe("".join(parts))  # noqa: S308 — every part went through format_html


def _horizontal(chart, rtl):
    """One bar per category, growing from the start edge after its label."""
    values = chart.series[0].values if chart.series else []
    top = 100 if chart.percent else _nice_max(max(values, default=0))
    plot_width = WIDTH - LABEL_WIDTH - BAR_LABEL
    parts = []
    for index, label in enumerate(chart.categories):
        y = MARGIN_TOP + ROW_HEIGHT * index
        value = values[index]
        width = plot_width * value / top if top else 0
        parts.append(
            format_html(
                '<text class="chart__label" x="{}" y="{}" text-anchor="end">{}</text>',
                _r(_x(LABEL_WIDTH - 6, 0, rtl)), _r(y + ROW_HEIGHT * 0.6), _shorten(label),
            )
        )
        parts.append(
            format_html(
                '<rect class="chart__bar {}" x="{}" y="{}" width="{}" height="{}">'
                "<title>{}: {}</title></rect>",
                chart.series[0].css, _r(_x(LABEL_WIDTH, width, rtl)), _r(y + 4), _r(width), ROW_HEIGHT - 8,
                label, _number(value, chart.percent),
            )
        )
        parts.append(
            format_html(
                '<text class="chart__value" x="{}" y="{}" text-anchor="start">{}</text>',
                _r(_x(LABEL_WIDTH + width + 4, 0, rtl)), _r(y + ROW_HEIGHT * 0.6), _number(value, chart.percent),
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 — every part went through format_html


def _shorten(label, length=30):
    label = str(label)
    return label if len(label) <= length else label[: length - 1] + "…"


def legend(chart):
    """The series' names with their colours, as an HTML list (the table has the figures)."""
    if chart.horizontal or len(chart.series) < 2:
        return ""
    return format_html(
        '<ul class="chart-legend">{}</ul>',
        format_html_join("", '<li><span class="chart-legend__swatch {}"></span>{}</li>',
                         ((series.css, series.name) for series in chart.series)),
    )
