"""Charts drawn on the server as SVG: no JavaScript, a few hundred bytes, and scalable.

Each chart is an image named by its caption; the page puts the same numbers in a table beside
it, which is what a screen reader reads.
"""
from markupsafe import Markup, escape

from ..filters import decimal

BAR = "#1d4f91"          # 8.6:1 on white
TEXT = "#1a1a1a"


def _number(value):
    return decimal(value)          # in the page's language: 3,5 in Bahasa Indonesia


def bars(rows, labelled_by, width=640, row_height=26, label_width=200):
    """Horizontal bars, one per (label, value); for named things (lines, services)."""
    rows = [(str(label), value or 0) for label, value in rows]
    top = max([value for _, value in rows] + [1])
    plot = width - label_width - 60
    height = row_height * len(rows) + 4
    parts = [f'<svg class="chart" role="img" aria-labelledby="{escape(labelled_by)}" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg" font-size="14" fill="{TEXT}">']
    for i, (label, value) in enumerate(rows):
        y = i * row_height + 2
        length = round(plot * value / top, 1)
        short = label if len(label) <= 26 else label[:25] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 17}" text-anchor="end">{escape(short)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length}" height="{row_height - 8}" '
            f'fill="{BAR}"/>'
            f'<text x="{label_width + length + 6}" y="{y + 17}">{escape(_number(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(rows, labelled_by, width=640, height=200, every=1):
    """Vertical columns over a sequence (days of a month, hours of a day); every `every`-th
    label is written under its column."""
    rows = [(str(label), value or 0) for label, value in rows]
    top = max([value for _, value in rows] + [1])
    plot_top, plot_bottom, left = 20, height - 24, 36
    slot = (width - left) / max(len(rows), 1)
    parts = [f'<svg class="chart" role="img" aria-labelledby="{escape(labelled_by)}" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg" font-size="12" fill="{TEXT}">',
             f'<text x="{left - 4}" y="{plot_top + 4}" text-anchor="end">'
             f'{escape(_number(top))}</text>',
             f'<text x="{left - 4}" y="{plot_bottom}" text-anchor="end">0</text>',
             f'<line x1="{left}" y1="{plot_bottom}" x2="{width}" y2="{plot_bottom}" '
             f'stroke="{TEXT}"/>']
    for i, (label, value) in enumerate(rows):
        x = left + i * slot
        tall = round((plot_bottom - plot_top) * value / top, 1)
        parts.append(f'<rect x="{x + slot * 0.15:.1f}" y="{plot_bottom - tall:.1f}" '
                     f'width="{slot * 0.7:.1f}" height="{tall}" fill="{BAR}"/>')
        if i % every == 0:
            parts.append(f'<text x="{x + slot / 2:.1f}" y="{height - 6}" '
                         f'text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
