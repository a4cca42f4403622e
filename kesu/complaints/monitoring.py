"""What /metrics reads of the complaints: the overdue ones per organisation.

Registered with kesu.core.metrics.database_parts in ComplaintsConfig.ready(); core cannot import
the apps above it.
"""

from prometheus_client.core import GaugeMetricFamily

from kesu.complaints.selectors import overdue_counts_by_organisation
from kesu.organisation.models import Organisation


def overdue_metrics(now) -> list[GaugeMetricFamily]:
    counts = overdue_counts_by_organisation(now)
    family = GaugeMetricFamily(
        "kesu_complaints_overdue",
        "Open complaints past their resolution deadline, by organisation (code).",
        labels=["organisation"],
    )
    # Every organisation, so "no overdue complaint" is a 0 rather than a missing series.
    for org_id, code in Organisation.objects.order_by("code").values_list("id", "code"):
        family.add_metric([code], counts.get(org_id, 0))
    return [family]
