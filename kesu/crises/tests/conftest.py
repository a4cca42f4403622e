"""Crises for the tests: opened through the service, as a general manager would."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from kesu.complaints.models import Complaint
from kesu.crises import services
from kesu.organisation.choices import Role


def photo(name: str = "微博截图.png") -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (60, 40), (30, 120, 200)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def program(name: str = "截图.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")


class Crises:
    def __init__(self, world):
        self.world = world

    def complaint(self, **kwargs) -> Complaint:
        complaint = self.world.complaint(title=kwargs.pop("title", "车主扬言发微博曝光"), **kwargs)
        Complaint.objects.filter(pk=complaint.pk).update(is_crisis=True)
        complaint.refresh_from_db()
        return complaint

    def open(self, complaint=None, actor=None, spokesperson=None, notice="媒体来电一律转交发言人"):
        complaint = complaint or self.complaint()
        actor = actor or self.world.user(Role.GENERAL_MANAGER)
        return services.crisis_open(
            actor=actor,
            complaint_id=complaint.pk,
            spokesperson=spokesperson or self.world.user(Role.DIRECTOR),
            internal_notice=notice,
        )

    def step(self, crisis, actor=None, owner=None, due_in=timedelta(hours=4), **kwargs):
        return services.step_add(
            actor=actor or self.world.user(Role.GENERAL_MANAGER),
            crisis_id=crisis.pk,
            title=kwargs.pop("title", "联系车主当面致歉"),
            owner=owner or self.world.user(Role.HANDLER),
            due_at=timezone.now() + due_in,
            **kwargs,
        )


@pytest.fixture
def crises(world) -> Crises:
    return Crises(world)
