"""A horizontal bar chart in SVG, pure (no Flask, no database, no script): one bar per learning model with
its percentage, a marker at its target; every text escaped; scales to a 390 px phone (viewBox, width 100%)."""
from dataclasses import dataclass
from decimal import Decimal
from html import escape

WIDTH = 360
LABEL_HEIGHT = 16
BAR_HEIGHT = 16
ROW_HEIGHT = 46
TOP = 8
BAR_LEFT = 4
BAR_WIDTH = 300         # 100 % of the scale; the value text sits to the right of it
AXIS_STEPS = (0, 50, 100)


@dataclass(frozen=True)
class Bar:
    label: str
    percent: Decimal | float | int
    target: Decimal | float | int | None = None


def vi_percent(value) -> str:
    """62.5 → "62,5%" (Vietnamese decimal comma, one decimal)."""
    return f"{Decimal(str(value)):.1f}".replace(".", ",") + "%"


def _x(percent) -> float:
    """Where a percentage falls on the bar; beyond 100 % (more recognised than households recorded) the bar
    stops at the end of the scale while the text shows the real figure."""
    share = min(max(float(percent), 0.0), 100.0) / 100
    return round(BAR_LEFT + share * BAR_WIDTH, 1)


def _describe(bar: Bar, target_word: str, no_target: str) -> str:
    target = f"{target_word} {vi_percent(bar.target)}" if bar.target is not None else no_target
    return f"{bar.label}: {vi_percent(bar.percent)} ({target})"


def bar_chart(bars: list[Bar], *, title: str, target_word: str, no_target: str) -> str:
    """The chart as an <svg> string: a <title> and an aria-label that read every figure, for screen readers.
    The words come translated from the caller: `target_word` ("chỉ tiêu") and `no_target` for a model without
    one."""
    height = TOP + ROW_HEIGHT * len(bars) + 14
    summary = "; ".join(_describe(bar, target_word, no_target) for bar in bars)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart coverage-chart" role="img" '
             f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
             f'aria-label="{escape(title)}: {escape(summary)}">',
             f"<title>{escape(title)}</title>", f"<desc>{escape(summary)}</desc>"]
    for row, bar in enumerate(bars):
        top = TOP + row * ROW_HEIGHT
        bar_top = top + LABEL_HEIGHT
        end = _x(bar.percent)
        parts.append(f'<g class="bar"><title>{escape(_describe(bar, target_word, no_target))}</title>')
        parts.append(f'<text x="{BAR_LEFT}" y="{top + 12}" font-size="12" fill="#222">{escape(bar.label)}</text>')
        parts.append(f'<rect x="{BAR_LEFT}" y="{bar_top}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" fill="#e8eef3"/>')
        parts.append(f'<rect x="{BAR_LEFT}" y="{bar_top}" width="{round(end - BAR_LEFT, 1)}" height="{BAR_HEIGHT}" '
                     f'fill="{"#2e7d32" if bar.target is not None and bar.percent >= bar.target else "#1565c0"}"/>')
        parts.append(f'<text x="{BAR_LEFT + BAR_WIDTH + 4}" y="{bar_top + 12}" font-size="11" fill="#222">'
                     f'{escape(vi_percent(bar.percent))}</text>')
        if bar.target is not None:
            mark = _x(bar.target)
            parts.append(f'<line class="target" x1="{mark}" x2="{mark}" y1="{bar_top - 3}" '
                         f'y2="{bar_top + BAR_HEIGHT + 3}" '
                         f'stroke="#c62828" stroke-width="2"><title>{escape(target_word)} '
                         f'{escape(vi_percent(bar.target))}</title></line>')
        parts.append("</g>")
    axis_y = TOP + ROW_HEIGHT * len(bars) + 10
    for step in AXIS_STEPS:
        parts.append(f'<text x="{_x(step)}" y="{axis_y}" font-size="9" fill="#555" '
                     f'text-anchor="{"start" if step == 0 else "middle" if step < 100 else "end"}">{step}%</text>')
    parts.append("</svg>")
    return "".join(parts)
