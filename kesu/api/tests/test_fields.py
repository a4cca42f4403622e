from rest_framework import serializers

from kesu.api.complaint_serializers import ComplaintCreateSerializer, ComplaintDetailSerializer


def test_a_model_serializer_builds_its_fields_from_the_model_once_per_class(monkeypatch):
    built = []
    original = serializers.ModelSerializer.build_field

    def counting_build_field(self, *args, **kwargs):
        built.append(type(self).__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(serializers.ModelSerializer, "build_field", counting_build_field)
    for cls in (ComplaintDetailSerializer, ComplaintCreateSerializer):
        monkeypatch.delattr(cls, "_built_fields", raising=False)
        first = cls().fields
        after_first = len(built)
        second = cls().fields

        assert after_first > 0
        assert len(built) == after_first, f"{cls.__name__} built its fields again"
        # Each serializer gets fields of its own, bound to it.
        assert list(first) == list(second)
        name = next(iter(second))
        assert second[name] is not first[name]
        assert second[name].parent is not first[name].parent
