"""The shipped problem-area model (no database tables: the model is a file)."""

from functools import cache
from pathlib import Path

from kesu.triage import classifier

SHIPPED_MODEL = Path(__file__).parent / "data" / "problem_areas.json.gz"


@cache
def shipped_model() -> classifier.Model:
    """Built from the development data by ``manage.py train_triage`` (docs/triage.md)."""
    return classifier.load(SHIPPED_MODEL)
