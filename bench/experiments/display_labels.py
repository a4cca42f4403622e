"""Experiment: how much of an API list request is choice labels (get_<field>_display)?

Measures the median CPU time of GET /api/v1/complaints/ and of one complaint's detail as
committed, then again with the serializers' `*_display` fields swapped, in this process only,
for a field that looks the label up in a dict. Nothing in kesu/ is changed.

    DATABASE_URL=... .venv/bin/python bench/experiments/display_labels.py [--organisation bench]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisation", default="bench")
    parser.add_argument("--requests", type=int, default=150)
    args = parser.parse_args()
    import django

    django.setup()
    from django.test import Client
    from rest_framework import serializers
    from rest_framework.authtoken.models import Token

    from kesu.complaints.api import serializers as cs
    from kesu.complaints.models import Complaint
    from kesu.organisation.choices import Role
    from kesu.organisation.models import User

    user = User.objects.filter(organisation__code=args.organisation, role=Role.GROUP).first()
    token, _ = Token.objects.get_or_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    ids = list(
        Complaint.objects.filter(organisation_id=user.organisation_id)
        .order_by("-id")
        .values_list("id", flat=True)[:200]
    )
    paths = {
        "list": lambda i: "/api/v1/complaints/",
        "detail": lambda i: f"/api/v1/complaints/{ids[i % len(ids)]}/",
    }

    def run(label: str) -> None:
        medians = {}
        for name, path in paths.items():
            for i in range(10):
                client.get(path(i))
            cpu = []
            for i in range(args.requests):
                started = time.process_time()
                response = client.get(path(i))
                cpu.append((time.process_time() - started) * 1000)
                assert response.status_code == 200, response.content[:200]
            medians[name] = round(statistics.median(cpu), 2)
        print(f"{label:<18} CPU ms per request, median: {medians}")

    run("as committed")

    class Label(serializers.Field):
        def __init__(self, model_field, **kwargs):
            self.model_field = model_field
            self.labels = dict(model_field.flatchoices)
            super().__init__(source="*", read_only=True, **kwargs)

        def to_representation(self, obj):
            value = getattr(obj, self.model_field.attname)
            return str(self.labels.get(value, value))

    for serializer in (cs.ComplaintListSerializer, cs.ComplaintDetailSerializer):
        for name, f in list(serializer._declared_fields.items()):
            source = getattr(f, "source", "") or ""
            if source.startswith("get_") and source.endswith("_display"):
                model_field = Complaint._meta.get_field(source[4:-8])
                serializer._declared_fields[name] = Label(model_field)
    run("labels by dict")


if __name__ == "__main__":
    main()
