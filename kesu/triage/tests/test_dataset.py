import pytest

from kesu.triage import dataset
from kesu.triage.tests.conftest import SAMPLE


def test_problem_areas_are_the_code_letters():
    assert dataset.problem_areas("A9,H15,H82,") == {"A", "H"}
    assert dataset.problem_areas("") == frozenset()
    assert dataset.problem_areas(" , ,") == frozenset()


def test_reads_the_development_format():
    examples = dataset.read_examples(SAMPLE)
    assert len(examples) == 300
    assert all(example.text and example.areas and example.date for example in examples)


def test_a_file_without_the_columns_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("text,label\nabc,A\n", encoding="utf-8")
    with pytest.raises(ValueError, match="desc, problem"):
        dataset.read_examples(path)


def test_the_time_split_falls_in_the_longest_gap():
    earlier, later = dataset.split_by_time(dataset.read_examples(SAMPLE))
    assert max(e.date for e in earlier) < "2020-07-01" <= min(e.date for e in later)
    assert len(earlier) + len(later) == 300


def test_the_time_split_takes_a_day(tmp_path):
    examples = dataset.read_examples(SAMPLE)
    earlier, later = dataset.split_by_time(examples, "2020-06-14")
    assert earlier and later and all(e.date >= "2020-06-14" for e in later)


def test_written_examples_read_back(tmp_path):
    examples = dataset.read_examples(SAMPLE)[:5]
    dataset.write_examples(tmp_path / "out.csv", examples)
    assert dataset.read_examples(tmp_path / "out.csv") == examples
