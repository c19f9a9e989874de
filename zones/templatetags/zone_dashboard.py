"""The admin index's dashboard: `{% zone_dashboard as cards %}`, one card per zone the user works for.

A template tag rather than an AdminSite subclass: the index template asks for the cards, the site stays Django's.
"""

from django import template
from django.urls import reverse

from zones import reports
from zones.models import KpiSnapshot
from zones.selectors import kpi_headline, zones_for_user
from zones.services_kpi import last_finished_quarter

register = template.Library()

QUARTER = KpiSnapshot.PeriodKind.QUARTER


@register.simple_tag(takes_context=True)
def zone_dashboard(context) -> list[dict]:
    """Per zone: the last finished quarter's headline figures, the residents' four-quarter trend and the links.

    A fixed number of aggregate queries per zone (kpi_report's and the trend's), whatever the number of records."""
    request = context.get("request")
    if request is None:
        return []
    start = last_finished_quarter()
    period = reports.period_label(QUARTER, start)
    cards = []
    for zone in zones_for_user(request.user):
        figures = {
            code: reports.format_value(row["value"], row["unit"])
            for code, row in kpi_headline(zone, QUARTER, start).items()
        }
        cards.append(
            {
                "zone": zone,
                "period": period,
                "figures": figures,
                "chart": reports.render_kpi_chart_svg(zone, ["companies_residents"], 4, last_start=start),
                "report_url": reverse("admin:zones_zone_kpi_report", args=[zone.pk]) + f"?period={period}",
            }
        )
    return cards


@register.simple_tag
def zone_compare_url() -> str:
    """The comparison page for the last finished quarter."""
    period = reports.period_label(QUARTER, last_finished_quarter())
    return reverse("admin:zones_zone_compare") + f"?period={period}"
