from pathlib import Path

import pytest

from kesu.triage import classifier, dataset

SAMPLE = Path(__file__).parent / "fixtures" / "complaints_sample.csv"


@pytest.fixture(scope="session")
def sample_split():
    """The sample's earlier weeks to learn from, its later weeks to test on."""
    return dataset.split_by_time(dataset.read_examples(SAMPLE))


@pytest.fixture(scope="session")
def sample_model(sample_split):
    train, _ = sample_split
    return classifier.train([e.text for e in train], [e.areas for e in train])
