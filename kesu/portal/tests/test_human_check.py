import re

from kesu.portal import human_check


def test_the_picture_is_an_inline_png_and_the_answer_is_kept_hashed():
    session = {}
    picture = human_check.new_challenge(session)
    assert picture.startswith("data:image/png;base64,")
    kept = session[human_check.SESSION_KEY]
    assert re.fullmatch(r"[0-9a-f]{64}", kept)  # not the sum itself


def test_the_right_sum_passes_once_and_a_wrong_one_fails():
    session = {}
    human_check.new_challenge(session)
    kept = session[human_check.SESSION_KEY]
    right = next(str(n) for n in range(4, 19) if human_check._digest(str(n)) == kept)
    assert human_check.check_answer(session, f" {right} ")
    assert not human_check.check_answer(session, right)  # used up
    human_check.new_challenge(session)
    kept = session[human_check.SESSION_KEY]
    wrong = next(str(n) for n in range(4, 19) if human_check._digest(str(n)) != kept)
    assert not human_check.check_answer(session, wrong)
    assert not human_check.check_answer({}, "7")
    human_check.new_challenge(session)
    assert not human_check.check_answer(session, "seven")
