"""Bar charts as SVG, drawn at build time: the insights page's charts (``/insights/``).

Every chart is an ``<svg role="img">`` named by its ``<title>`` and described by its
``<desc>``; the page puts a table of the same figures beside it. Nothing in the SVG sets a
colour or a style: the classes are coloured by the theme's stylesheet with its custom
properties, so the charts follow the light and dark schemes, and the Content-Security-Policy
(``render/security.py``), which refuses inline styles, has nothing to refuse. The drawing
scales with its ``viewBox``: it is laid out for a narrow screen (each label on a line of its
own above its bars), and the stylesheet bounds its width on a wide one.

Each series is drawn to its own scale (its longest bar is the row with the most), which the
description says: people and needs are not counted in the same unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from joinedup.core.i18n import format_day_month, format_number, ngettext
from joinedup.core.i18n import gettext as _
from joinedup.match.insights import Insights

WIDTH = 400
LABEL_LINE = 22
BAR = 13
BAR_GAP = 4
ROW_GAP = 12
VALUE_GAP = 6
# The value after a bar is set at 14 units (site.css); about this wide a character, to leave it room.
VALUE_CHARACTER = 8.6
SHORTEST_LONGEST_BAR = 100


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its ``series`` (a class of the stylesheet: ``bar-<series>``), its value, the
    value in words written after it, and ``part`` of the value drawn hatched (needs nobody can fill)."""

    series: str
    value: int
    text: str
    part: int = 0


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    bars: tuple[Bar, ...]


def bar_chart(name: str, title: str, description: str, rows: list[Row]) -> Markup:
    """An accessible horizontal bar chart; ``name`` makes its ids unique on the page."""
    longest: dict[str, int] = {}
    widest_text = 0.0
    for row in rows:
        for bar in row.bars:
            longest[bar.series] = max(longest.get(bar.series, 0), bar.value)
            widest_text = max(widest_text, len(bar.text) * VALUE_CHARACTER)
    # The longest bar leaves room for the widest value after it, in any language.
    longest_bar = max(SHORTEST_LONGEST_BAR, WIDTH - VALUE_GAP - widest_text)
    parts = []
    y = 0
    for row in rows:
        y += LABEL_LINE
        parts.append(f'<text class="chart-label" x="0" y="{y - 5}">{escape(row.label)}</text>')
        for bar in row.bars:
            scale = longest_bar / longest[bar.series] if longest[bar.series] else 0
            length = max(2.0, bar.value * scale) if bar.value else 0.0
            if length:
                parts.append(f'<rect class="bar bar-{bar.series}" x="0" y="{y}" width="{length:.1f}" height="{BAR}"/>')
            if bar.part:
                hatched = max(2.0, bar.part * scale)
                parts.append(f'<rect class="bar-gap" x="{length - hatched:.1f}" y="{y}" width="{hatched:.1f}" '
                             f'height="{BAR}" fill="url(#{name}-gap)"/>')
            parts.append(f'<text class="chart-value" x="{length + VALUE_GAP:.1f}" y="{y + BAR - 1}">'
                         f'{escape(bar.text)}</text>')
            y += BAR + BAR_GAP
        y += ROW_GAP
    height = max(y, LABEL_LINE)
    pattern = (f'<defs><pattern id="{name}-gap" width="6" height="6" patternUnits="userSpaceOnUse" '
               f'patternTransform="rotate(45)"><rect class="gap-ground" width="6" height="6"/>'
               f'<line class="gap-line" x1="1" y1="0" x2="1" y2="6"/></pattern></defs>')
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{name}-title {name}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{name}-title">{escape(title)}</title><desc id="{name}-desc">{escape(description)}</desc>'
        f'{pattern}{"".join(parts)}</svg>'
    )


def insights_charts(insights: Insights) -> dict[str, Markup]:
    """The insights page's four charts, by name: ``skills``, ``regions``, ``weeks``, ``themes``."""
    own_scale = _("Each kind of bar is drawn to its own scale. The table beside the chart gives the same figures.")
    skill_rows = [Row(s.label, (
        Bar("people", s.people, ngettext("%(count)s person", "%(count)s people", s.people)
            % {"count": format_number(s.people)}),
        Bar("needs", s.open_needs, _needs_text(s.open_needs, s.unfilled_needs), s.unfilled_needs),
    )) for s in insights.skills if s.open_needs]
    scarce = [s.label for s in insights.skills if s.unfilled_needs]
    skills_desc = " ".join(filter(None, [
        _("For each skill, a bar for the people who have it and one for the open needs asking for it; "
          "the hatched end of a needs bar is the needs nobody can fill. Skills no open need asks for are in the table only."),
        _("Needs nobody can fill ask for: %(skills)s.") % {"skills": ", ".join(scarce)} if scarce else "",
        own_scale]))
    region_rows = [Row(r.label, (
        Bar("people", r.people, ngettext("%(count)s person", "%(count)s people", r.people)
            % {"count": format_number(r.people)}),
        Bar("needs", r.open_needs, ngettext("%(count)s open need", "%(count)s open needs", r.open_needs)
            % {"count": format_number(r.open_needs)}),
    )) for r in insights.regions]
    # Without the year: an SVG text cannot hold a <time> element, and the table beside it has the full dates.
    week_rows = [Row(_("Week %(number)s, from %(day)s") % {"number": w.number, "day": format_day_month(w.start)}, (
        Bar("people", w.people, ngettext("%(count)s person", "%(count)s people", w.people)
            % {"count": format_number(w.people)}),)) for w in insights.weeks]
    theme_rows = [Row(t.label, (
        Bar("endorsements", t.endorsements, ngettext("%(count)s endorsement", "%(count)s endorsements",
                                                     t.endorsements) % {"count": format_number(t.endorsements)}),
        Bar("proposals", t.proposals, ngettext("%(count)s proposal", "%(count)s proposals", t.proposals)
            % {"count": format_number(t.proposals)}),
    )) for t in insights.themes]
    return {
        "skills": bar_chart("chart-skills", _("Supply and demand by skill"), skills_desc, skill_rows),
        "regions": bar_chart("chart-regions", _("People and open needs by region"), " ".join([
            _("For each region, a bar for the people in it and one for the open needs asking for help there."),
            own_scale]), region_rows),
        "weeks": bar_chart("chart-weeks", _("People available over the coming weeks"), " ".join([
            _("For each of the coming weeks, a bar for the people available all that week."),
            _("The table beside the chart gives the same figures.")]), week_rows),
        "themes": bar_chart("chart-themes", _("Endorsements by theme"), " ".join([
            _("For each theme, a bar for the endorsements its proposals have and one for its proposals."),
            own_scale]), theme_rows),
    }


def _needs_text(needs: int, unfilled: int) -> str:
    text = ngettext("%(count)s open need", "%(count)s open needs", needs) % {"count": format_number(needs)}
    if unfilled:
        text += " " + _("(%(count)s unfilled)") % {"count": format_number(unfilled)}
    return text
