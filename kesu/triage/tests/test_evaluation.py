from kesu.triage import evaluation


def test_f1_micro_macro_and_per_label():
    truth = [{"A"}, {"A", "B"}, {"B"}, {"C"}]
    predicted = [{"A"}, {"A"}, {"B", "C"}, set()]
    scores = evaluation.f1_scores(truth, predicted)
    assert scores["per_label_f1"] == {"A": 1.0, "B": round(2 / 3, 4), "C": 0.0}
    # tp 3, fp 1, fn 2
    assert scores["micro_f1"] == round(6 / 9, 4)
    assert scores["macro_f1"] == round((1 + 2 / 3) / 3, 4)


def test_labels_the_test_lacks_still_cost_precision():
    assert evaluation.f1_scores([{"A"}], [{"A", "Z"}])["micro_f1"] == round(2 / 3, 4)


def test_speed_counts_texts_a_second():
    assert evaluation.classifications_per_second(len, ["a", "b"], min_seconds=0.01) > 100
    assert evaluation.classifications_per_second(len, []) == 0.0
