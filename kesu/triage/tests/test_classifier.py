import pytest

from kesu.triage import classifier, evaluation


def test_learns_the_sample_well_above_chance(sample_split, sample_model):
    _, test = sample_split
    predicted = [sample_model.predict_labels(e.text) for e in test]
    scores = evaluation.f1_scores([e.areas for e in test], predicted)
    # Always guessing the commonest area (H, body and electrics) scores 0.35 here.
    assert scores["micro_f1"] > 0.58


def test_suggestions_carry_confidence_and_evidence(sample_model):
    suggestions = sample_model.predict("变速箱顿挫严重，换挡异响")
    assert suggestions[0].label == "B"
    assert 0 < suggestions[0].confidence <= 1
    assert any("变速" in word or "挡" in word for word in suggestions[0].evidence)
    assert [s.confidence for s in suggestions] == sorted(
        (s.confidence for s in suggestions), reverse=True
    )


def test_save_and_load_give_the_same_suggestions(sample_model, sample_split, tmp_path):
    path = tmp_path / "model.json.gz"
    sample_model.save(path)
    loaded = classifier.load(path)
    for example in sample_split[1][:40]:
        assert loaded.predict_labels(example.text) == sample_model.predict_labels(example.text)


def test_load_refuses_another_file(tmp_path):
    import gzip

    path = tmp_path / "other.json.gz"
    path.write_bytes(gzip.compress(b'{"format": "something else"}'))
    with pytest.raises(ValueError, match="not a Kesu triage model"):
        classifier.load(path)


@pytest.mark.parametrize("text", ["", "   ", "！？。，,.!?", "\x00\x01", "发动机" * 50_000, None])
def test_odd_texts_do_not_crash(sample_model, text):
    suggestions = sample_model.predict(text)
    assert all(s.label in sample_model.labels for s in suggestions)


def test_no_text_gets_no_suggestion(sample_model):
    assert sample_model.predict("") == [] and sample_model.predict_labels("  ") == set()


def test_training_needs_labels():
    with pytest.raises(ValueError):
        classifier.train(["a", "b"], [set(), set()])
    with pytest.raises(ValueError):
        classifier.train(["a"], [{"A"}, {"B"}])


def test_n_grams_skip_spaces_and_padding_alone():
    grams = classifier.char_ngrams("Ａ b", 1, 2)
    assert "a" in grams and "\x02a" in grams and " " not in grams and "\x02" not in grams


def test_a_model_round_trips_through_bytes():
    model = classifier.train(["发动机异响", "销售态度差"], [{"A"}, {"I"}])
    again = classifier.from_bytes(model.to_bytes())
    assert again.predict("发动机") == model.predict("发动机")
    assert model.to_bytes() == again.to_bytes()


def test_bytes_of_something_else_are_refused():
    import gzip

    with pytest.raises(ValueError, match="not a Kesu triage model"):
        classifier.from_bytes(gzip.compress(b'{"format": "x"}'))
