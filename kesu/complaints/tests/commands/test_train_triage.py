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


def test_trains_an_organisations_models_from_its_closed_complaints(world, capsys):
    from kesu.complaints.tests.triage_history import closed_history
    from kesu.triage.models import TrainedModel

    closed_history(world)
    call_command("train_triage", organisation=world.org.code)
    out = capsys.readouterr().out
    assert "category: trained on 210 closed complaints, 3 values" in out
    assert "demand: not trained, only one value" in out
    assert TrainedModel.objects.filter(organisation=world.org).count() == 4


def test_an_unknown_organisation_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No organisation has the code 'nope'"):
        call_command("train_triage", organisation="nope")


def test_csv_or_organisation_is_needed(db):
    with pytest.raises(CommandError):
        call_command("train_triage")


def test_says_how_often_staff_kept_the_suggestions(world, capsys):
    world.complaint(demand="refund", triage={"demand": "repair"})
    call_command("train_triage", organisation=world.org.code)
    assert "demand: staff kept 0 of 1 suggestions shown (0 %)." in capsys.readouterr().out
