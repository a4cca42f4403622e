"""A lesson as the API shows it: nothing of the customer; the complaint only where it may be
opened by the reader (`complaint` is then its id, else null; the number is always given)."""

from rest_framework import serializers

from kesu.lessons.models import Lesson


class LessonSerializer(serializers.ModelSerializer):
    category_label = serializers.SerializerMethodField()
    cause_label = serializers.CharField(source="get_cause_display", read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    marked_by_name = serializers.CharField(source="marked_by.__str__", read_only=True)
    complaint = serializers.SerializerMethodField(
        help_text="The complaint's id where you may open it, else null."
    )
    complaint_number = serializers.CharField(read_only=True)

    class Meta:
        model = Lesson
        fields = [
            "id",
            "title",
            "text",
            "advice",
            "category",
            "category_label",
            "cause",
            "cause_label",
            "branch",
            "branch_name",
            "marked_at",
            "marked_by_name",
            "complaint",
            "complaint_number",
        ]
        read_only_fields = fields

    def get_category_label(self, lesson) -> str:
        return self.context.get("category_labels", {}).get(lesson.category_id, "")

    def get_complaint(self, lesson) -> int | None:
        visible = self.context.get("linkable", set())
        return lesson.complaint_id if lesson.complaint_id in visible else None
