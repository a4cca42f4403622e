"""{% load report_charts %}: the report's charts (kesu/reports/charts.py) from its figures."""

from django import template
from django.utils.translation import gettext as _

from kesu.reports import charts

register = template.Library()
TOP = 10


@register.simple_tag
def breakdown_chart(breakdown):
    rows = [(r.label, r.count) for r in breakdown.rows if r.count][:TOP]
    return charts.horizontal_bars(rows, breakdown.title)


@register.simple_tag
def trend_chart(trend):
    return charts.columns([(r.label, r.count) for r in trend], _("Complaints per month"))


@register.simple_tag
def pareto_chart(rows, title):
    # The chart has room for the last part of a category's path; the table names it whole.
    return charts.pareto([(r.label.split(" › ")[-1], r.count, r.cumulative) for r in rows], title)


@register.simple_tag
def compliance_chart(compliance):
    return charts.stacked(
        [(c.label, c.on_time, c.late, c.pending) for c in compliance], _("Deadlines kept")
    )
