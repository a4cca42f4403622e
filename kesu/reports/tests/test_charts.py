from kesu.reports import charts


def test_charts_escape_their_labels_and_draw_one_bar_per_item():
    svg = charts.horizontal_bars([("<script>", 3), ("发动机", 1)], "原因")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count("<rect") == 2 and "<title>原因</title>" in svg
    pareto = charts.pareto([("A", 8, 80.0), ("B", 2, 100.0)], "Pareto")
    assert "<polyline" in pareto and "80%" in pareto
    assert charts.stacked([("首次联系", 3, 1, 0)], "x").count("75%") == 1
    assert charts.columns([], "empty").startswith("<svg")
