"""What the lessons add to the complaint page and the intake form."""

from kesu.lessons.forms import LessonForm
from kesu.lessons.panels import FORM_KEY, complaint_panel, intake_panel
from kesu.lessons.tests.conftest import category, closed
from kesu.organisation.choices import Role


def test_a_closed_complaint_offers_the_form_to_managers_prefilled(world):
    complaint = closed(world, summary="按流程处理完毕")
    complaint.preventive_action = "入库抽检"
    panel = complaint_panel(complaint, world.user(Role.DIRECTOR), {})
    assert panel.template == "lessons/_complaint_panel.html"
    form = panel.context["form"]
    assert form.initial == {"text": "按流程处理完毕", "advice": "入库抽检"}
    assert panel.context["own"] is None and not panel.context["may_unmark"]
    # Frontline staff read lessons but do not share them: with nothing to read, no panel.
    assert complaint_panel(complaint, world.user(Role.FRONTLINE), {}) is None


def test_its_own_lesson_is_shown_with_the_form_to_edit_and_take_it_back(world, shared):
    panel = complaint_panel(shared, world.user(Role.HANDLER), {})
    assert panel.context["own"] == shared.lesson
    assert panel.context["form"].initial["title"] == "张紧器批次问题"
    assert panel.context["may_unmark"]
    reader = complaint_panel(shared, world.user(Role.CALLBACK), {})
    assert reader.context["own"] == shared.lesson and reader.context["form"] is None


def test_a_refused_form_comes_back_bound(world, shared):
    bound = LessonForm({"title": ""})
    panel = complaint_panel(shared, world.user(Role.DIRECTOR), {FORM_KEY: bound})
    assert panel.context["form"] is bound


def test_an_open_complaint_shows_the_lessons_of_similar_cases(world, shared):
    complaint = world.complaint(category=category(world, "vehicle.engine"))
    panel = complaint_panel(complaint, world.user(Role.FRONTLINE), {})
    assert panel.context["similar"] == [shared.lesson]
    assert panel.context["linkable"] == {shared.pk}
    assert panel.context["more"] == category(world, "vehicle")
    assert panel.context["form"] is None
    # Nothing similar, nothing of its own, nothing to share: no panel.
    assert complaint_panel(world.complaint(), world.user(Role.FRONTLINE), {}) is None


def test_the_intake_gets_its_place_for_the_lessons(world):
    panel = intake_panel(world.user(Role.FRONTLINE))
    assert panel.template == "lessons/_intake_panel.html"
