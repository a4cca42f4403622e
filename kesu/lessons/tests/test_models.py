"""The lesson's table: one per complaint, named by its title."""

import pytest
from django.db import IntegrityError, transaction

from kesu.lessons.models import Lesson


def test_a_lesson_reads_as_its_title(shared):
    assert str(shared.lesson) == "张紧器批次问题"


def test_one_lesson_per_complaint(shared):
    lesson = shared.lesson
    with pytest.raises(IntegrityError), transaction.atomic():
        Lesson.objects.create(
            organisation=lesson.organisation,
            branch=lesson.branch,
            complaint=shared,
            title="第二条",
            marked_by=lesson.marked_by,
            marked_at=lesson.marked_at,
        )
