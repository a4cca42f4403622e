from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LessonsConfig(AppConfig):
    name = "kesu.lessons"
    label = "lessons"
    verbose_name = _("Lessons learned")

    def ready(self):
        from kesu.audit.actions import register_action_labels
        from kesu.complaints import hooks as complaints
        from kesu.lessons.choices import LessonAction
        from kesu.lessons.panels import complaint_panel, intake_panel
        from kesu.lessons.services import lesson_mark_at_close

        register_action_labels(LessonAction)
        complaints.closed_with_lesson.register(lesson_mark_at_close)
        complaints.complaint_panels.register(complaint_panel)
        complaints.intake_panels.register(intake_panel)
