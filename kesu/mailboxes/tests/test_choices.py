"""kesu/mailboxes/choices.py: a recorded reason code in words; a failure's own text as it is."""

from django.utils import translation

from kesu.mailboxes.choices import IgnoreReason, NotANoteReason, reason_label


def test_reason_codes_are_shown_in_words_in_both_languages():
    with translation.override("en"):
        assert reason_label(NotANoteReason.SENDER_MISMATCH) == (
            "The sender does not match the complaint's customer"
        )
        words = {reason_label(code) for code in IgnoreReason.values}
    assert not words & set(IgnoreReason.values)  # no code shown as it is
    with translation.override("zh-hans"):
        assert reason_label(NotANoteReason.OTHER_BRANCH) == "该投诉属于其他门店"


def test_a_text_that_is_no_code_is_kept_as_it_is():
    assert reason_label("IMAP: connection refused") == "IMAP: connection refused"
