"""Staff guidance per customer type (DOMAIN §6) and the calming techniques."""

from django.utils import translation

from kesu.complaints.guidance import ADVICE, TECHNIQUES, Advice, guidance_for
from kesu.customers.choices import PersonalityType


def test_every_customer_type_has_advice_with_all_three_parts():
    assert set(ADVICE) == set(PersonalityType.values)
    for code in PersonalityType.values:
        advice = guidance_for(code)
        assert isinstance(advice, Advice)
        assert str(advice.signs) and str(advice.approach) and str(advice.avoid)


def test_no_advice_for_an_unknown_or_unjudged_type():
    assert guidance_for("") is None
    assert guidance_for("grumpy") is None


def test_advice_and_techniques_are_translated_into_chinese():
    with translation.override("zh-hans"):
        impatient = guidance_for(PersonalityType.IMPATIENT)
        assert (
            str(impatient.approach)
            != "Stay calm and visibly act at once; give a concrete next step and a time."
        )
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in str(name)) for name, _ in TECHNIQUES)


def test_the_four_techniques_each_have_a_name_and_an_explanation():
    assert [str(name) for name, _ in TECHNIQUES] == [
        "Empathy",
        "Seek understanding",
        "Feel – felt – found",
        "Guided inquiry",
    ]
    assert all(len(str(text)) > len(str(name)) for name, text in TECHNIQUES)
