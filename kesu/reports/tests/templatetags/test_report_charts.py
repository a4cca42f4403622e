from kesu.reports.selectors import Breakdown, ParetoRow, Row
from kesu.reports.templatetags.report_charts import breakdown_chart, pareto_chart


def test_the_tags_draw_the_reports_rows():
    breakdown = Breakdown("cause", "Cause", [Row("a", "甲", 2), Row("b", "乙", 0)])
    assert breakdown_chart(breakdown).count("<rect") == 1  # empty rows are not drawn
    rows = [ParetoRow("车辆质量 › 发动机", 2, 100.0, 100.0, True, "")]
    svg = pareto_chart(rows, "Categories")
    assert "发动机" in svg and "车辆质量 ›" not in svg  # the chart names the last part
