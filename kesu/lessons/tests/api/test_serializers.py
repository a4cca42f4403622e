"""The lesson as the API shows it."""

from kesu.lessons.api.serializers import LessonSerializer


def test_the_complaint_only_where_it_may_be_opened(shared):
    lesson = shared.lesson
    lesson.complaint_number = shared.number
    seen = LessonSerializer(lesson, context={"linkable": {shared.pk}, "category_labels": {}}).data
    assert seen["complaint"] == shared.pk and seen["category_label"] == ""
    unseen = LessonSerializer(lesson, context={}).data
    assert unseen["complaint"] is None and unseen["complaint_number"] == shared.number
    assert unseen["cause"] == "product_quality" and unseen["cause_label"]
