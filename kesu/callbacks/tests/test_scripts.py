"""The script prompts shown next to the outcome form: an opening, points for the type, a closing."""

from kesu.callbacks.choices import CallbackType
from kesu.callbacks.scripts import CLOSING, OPENING, SCRIPTS, script_for


def test_every_callback_type_has_its_points_between_the_opening_and_the_closing():
    for callback_type in CallbackType:
        script = script_for(callback_type)
        assert script["opening"] == OPENING and script["closing"] == CLOSING
        assert script["points"] == SCRIPTS[callback_type] and script["points"], callback_type


def test_the_satisfaction_script_warns_that_a_dissatisfied_answer_reopens_the_case():
    points = [str(p) for p in script_for(CallbackType.SATISFACTION)["points"]]
    assert any("reopens" in p for p in points)


def test_an_unknown_type_still_gets_an_opening_and_a_closing():
    script = script_for("no-such-type")
    assert script == {"opening": OPENING, "points": [], "closing": CLOSING}
