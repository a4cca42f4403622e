import pytest
from django.core.management import CommandError, call_command

from kesu.triage import classifier
from kesu.triage.tests.conftest import SAMPLE


def test_trains_and_saves_a_model(tmp_path, capsys):
    out = tmp_path / "model.json.gz"
    call_command("train_triage", csv=SAMPLE, out=out)
    assert "Trained on 300 complaints" in capsys.readouterr().out
    assert classifier.load(out).predict("发动机异响")[0].label == "A"


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("train_triage", csv=tmp_path / "none.csv", out=tmp_path / "m.json.gz")
