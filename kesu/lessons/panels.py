"""What the lessons add to the complaints' pages (kesu/complaints/hooks.py, PagePanel).

On a complaint's page: its own lesson (and the form that shares, edits or takes it back), and
the newest lessons of similar cases (the same category subtree). Beside the intake form: a
place that shows the lessons of the category being chosen (an htmx partial).
"""

from kesu.complaints.choices import State
from kesu.complaints.hooks import PagePanel
from kesu.complaints.models import Complaint
from kesu.lessons.choices import MARKING_ROLES
from kesu.lessons.forms import LessonForm
from kesu.lessons.selectors import (
    closing_summary,
    lesson_of,
    lessons_similar,
    linkable_complaints,
    top_of,
)

# The key of the lesson form in the complaint page's refused forms.
FORM_KEY = "lesson"


def complaint_panel(complaint: Complaint, user, forms: dict) -> PagePanel | None:
    """None when there is nothing to show: no lesson of its own, none to share, none similar."""
    own = lesson_of(complaint)
    similar = lessons_similar(user, complaint)
    more = top_of(complaint.category) if similar and complaint.category_id else None
    may = user.role in MARKING_ROLES
    form = None
    if may and (own is not None or complaint.state == State.CLOSED):
        form = forms.get(FORM_KEY) or LessonForm(
            initial=(
                {"title": own.title, "text": own.text, "advice": own.advice}
                if own is not None
                else {"text": closing_summary(complaint), "advice": complaint.preventive_action}
            )
        )
    if own is None and form is None and not similar:
        return None
    return PagePanel(
        "lessons/_complaint_panel.html",
        {
            "complaint": complaint,
            "own": own,
            "similar": similar,
            "more": more,
            "more_name": more.label if more is not None else "",
            "linkable": linkable_complaints(user, similar),
            "form": form,
            "may_unmark": may and own is not None,
        },
    )


def intake_panel(user) -> PagePanel:
    return PagePanel("lessons/_intake_panel.html", {})
