"""Small text charts for the progress screen: a review heatmap calendar, a bar chart
and meter bars. They draw the numbers ``kb.progress.stats`` returns; they compute none."""

from __future__ import annotations

from datetime import date

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.color import Color
from textual.widget import Widget

BLOCKS = " ▁▂▃▄▅▆▇█"
MONTHS = {"en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
          "zh": [f"{m}月" for m in range(1, 13)]}
WEEKDAYS = {"en": ["Mon", "", "Wed", "", "Fri", "", "Sun"], "zh": ["一", "", "三", "", "五", "", "日"]}


def meter(fraction: float | None, width: int = 20) -> str:
    if fraction is None:
        return "·" * width
    fraction = max(0.0, min(1.0, fraction))
    full = int(round(fraction * width))
    return "█" * full + "░" * (width - full)


def level(count: int, top: int) -> int:
    """0 for no reviews, else 1..4 by share of the busiest day."""
    if count <= 0 or top <= 0:
        return 0
    return min(4, 1 + int(3 * count / top + 0.5)) if top > 1 else 4


class Heatmap(Widget):
    """Reviews per day as a calendar: one column per week, one row per weekday
    (Monday at the top), as many recent weeks as fit the width."""

    DEFAULT_CSS = "Heatmap { height: 9; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.days: list[dict] = []  # [{"date": iso, "reviews": n}], oldest first
        self.lang = "en"

    def set_data(self, days: list[dict], lang: str) -> None:
        self.days, self.lang = days, lang
        self.refresh(layout=True)

    def colours(self) -> list[str]:
        variables = self.app.theme_variables
        base = Color.parse(variables.get("success", "#4EBF71"))
        bg = Color.parse(variables.get("surface", "#1e1e1e"))
        return [bg.blend(base, f).hex for f in (0.12, 0.35, 0.6, 0.8, 1.0)]

    def render(self) -> Text:
        lang = self.lang
        if not self.days:
            return Text("")
        label_w = 4
        weeks_fit = max(4, (self.size.width - label_w) // 2)
        by_date = {date.fromisoformat(d["date"]): d["reviews"] for d in self.days}
        last = max(by_date)
        first_shown = last.toordinal() - last.weekday() - 7 * (weeks_fit - 1)  # a Monday
        top = max(by_date.values()) if by_date else 0
        colours = self.colours()
        out = Text(no_wrap=True, overflow="crop")
        # month labels over the first week of each month, where they fit
        header = ""
        previous_month = date.fromordinal(first_shown).month
        for w in range(1, weeks_fit):
            monday = date.fromordinal(first_shown + 7 * w)
            if monday.month != previous_month:
                previous_month = monday.month
                label = MONTHS[lang][monday.month - 1]
                if cell_len(header) <= w * 2:
                    header = set_cell_size(header, w * 2) + label
        out.append(" " * label_w + set_cell_size(header, weeks_fit * 2).rstrip() + "\n", style="dim")
        for wd in range(7):
            out.append(set_cell_size(WEEKDAYS[lang][wd], label_w), style="dim")
            for w in range(weeks_fit):
                day = date.fromordinal(first_shown + 7 * w + wd)
                if day > last or day not in by_date:
                    out.append("  ")
                    continue
                n = by_date[day]
                out.append("■ " if n else "· ", style=colours[level(n, top)])
            out.append("\n")
        total = sum(by_date.values())
        legend = Text("    ")
        legend.append("less " if lang == "en" else "少 ", style="dim")
        for c in colours:
            legend.append("■ ", style=c)
        legend.append("more" if lang == "en" else "多", style="dim")
        legend.append(f"   {total} " + ("reviews" if lang == "en" else "次复习"), style="dim")
        out.append_text(legend)
        return out


def bar_chart(values: list[int], labels: list[str], *, height: int = 5, col: int = 3) -> Text:
    """Vertical bars, one column of ``col`` cells per value, numbers on top."""
    top = max(values) if values else 0
    out = Text(no_wrap=True, overflow="crop")
    scaled = [(v / top * height if top else 0.0) for v in values]
    out.append("".join(f"{v:^{col}}" if v else " " * col for v in values) + "\n", style="dim")
    for row in range(height, 0, -1):
        line = ""
        for s in scaled:
            fill = max(0.0, min(1.0, s - (row - 1)))
            ch = BLOCKS[int(round(fill * 8))] if s > row - 1 else " "
            line += (ch * (col - 1)) + " "
        out.append(line + "\n", style="bold")
    out.append("".join(f"{lbl[:col - 1]:<{col}}" for lbl in labels), style="dim")
    return out
