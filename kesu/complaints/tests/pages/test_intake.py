"""Intake in the first hour: the group customer centre, errors that read whole, "add to the
open complaint" and searching by a number's tail (issue 8)."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext

from kesu.audit.models import AuditEntry
from kesu.complaints.choices import State
from kesu.complaints.forms import IntakeForm
from kesu.complaints.models import Complaint
from kesu.complaints.tests.pages.helpers import NEW_CALL
from kesu.complaints.views import _errors_to_form
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role


def test_group_chooses_the_branch_and_the_complaint_is_there(client, world):
    group = world.user(Role.GROUP)
    client.force_login(group)
    page = client.get("/complaints/new/").content.decode()
    assert 'name="branch"' in page and world.other_branch.name in page
    response = client.post("/complaints/new/", {**NEW_CALL, "branch": world.other_branch.pk})
    assert response.status_code == 302, response.content.decode()
    complaint = Complaint.objects.get(title="空调不制冷")
    assert complaint.branch == world.other_branch
    assert complaint.registered_by == group
    assert complaint.customer.branch_id == world.other_branch.pk  # a new customer is theirs


def test_group_must_choose_a_branch_and_is_told_so_readably(client, world):
    client.force_login(world.user(Role.GROUP))
    with translation.override("en"):
        response = client.post("/complaints/new/", NEW_CALL)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Choose the branch the complaint is for." in body
    assert "branch:" not in body
    assert "夏天开空调一直吹热风。" in body  # nothing typed is lost
    assert not Complaint.objects.exists()


def test_branch_users_do_not_see_the_branch_field_and_register_at_their_own(client, world):
    client.force_login(world.user(Role.FRONTLINE))
    assert 'name="branch"' not in client.get("/complaints/new/").content.decode()
    # A branch posted by hand is ignored: the field does not exist for them.
    client.post("/complaints/new/", {**NEW_CALL, "branch": world.other_branch.pk})
    assert Complaint.objects.get(title="空调不制冷").branch == world.branch


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_errors_of_fields_the_form_does_not_show_never_read_field_colon_message(world, language):
    """Any error a service reports for a field the form lacks reads as a whole sentence."""
    form = IntakeForm({}, user=world.user(Role.FRONTLINE))
    hidden = [f.name for f in Complaint._meta.get_fields() if f.name not in form.fields]
    with translation.override(language):
        required = gettext("This field is required.")
        errors = {name: required for name in hidden}
        errors["branch"] = gettext("Choose the branch the complaint is for.")
        errors["no_such_field"] = required
        _errors_to_form(form, ValidationError(errors))
        messages = [str(m) for m in form.non_field_errors()]
    assert messages
    for message in messages:
        assert not any(message.startswith(f"{name}:") for name in [*hidden, "no_such_field"])
        assert "_" not in message.split(" ")[0]
    if language == "zh-hans":
        assert all(not m.isascii() for m in messages), messages


# ---- Add to the open complaint ----------------------------------------------------------------


def test_lookup_offers_to_add_to_each_open_complaint(client, world):
    customer = CustomerFactory(organisation=world.org, name="钱七", phone="+8613700002222")
    open_one = world.complaint(customer=customer, title="刹车异响")
    client.force_login(world.user(Role.FRONTLINE))
    body = client.get("/customers/lookup/", {"phone": "13700002222"}).content.decode()
    assert f'data-add-to="/complaints/{open_one.pk}/add-from-intake/"' in body


def test_add_to_the_open_complaint_records_an_audited_note_and_opens_it(client, world):
    customer = CustomerFactory(organisation=world.org, name="钱七", phone="+8613700002222")
    open_one = world.complaint(customer=customer, title="刹车异响")
    client.force_login(world.user(Role.FRONTLINE))
    response = client.post(
        f"/complaints/{open_one.pk}/add-from-intake/",
        {**NEW_CALL, "phone": "13700002222", "title": "又来电", "account": "刹车还是响"},
    )
    assert response.status_code == 302
    assert response.url == f"/complaints/{open_one.pk}/?added=1"
    note = AuditEntry.objects.get(complaint_id=open_one.pk, action="note")
    assert "又来电" in note.data["text"] and "刹车还是响" in note.data["text"]
    assert note.actor == world.user(Role.FRONTLINE)
    assert Complaint.objects.count() == 1  # nothing new registered
    page = client.get(response.url).content.decode()
    assert 'data-clear-draft="intake"' in page and "刹车还是响" in page


def test_add_to_refuses_closed_hidden_and_empty(client, world):
    customer = CustomerFactory(organisation=world.org, phone="+8613700002222")
    closed = world.complaint(customer=customer)
    Complaint.objects.filter(pk=closed.pk).update(state=State.CLOSED)
    other = world.complaint(actor=world.other_users[Role.FRONTLINE])
    open_one = world.complaint(customer=customer)
    client.force_login(world.user(Role.FRONTLINE))
    response = client.post(f"/complaints/{closed.pk}/add-from-intake/", NEW_CALL)
    assert response.status_code == 302
    assert client.post(f"/complaints/{other.pk}/add-from-intake/", NEW_CALL).status_code == 404
    empty = client.post(f"/complaints/{open_one.pk}/add-from-intake/", {"title": " "})
    assert empty.status_code == 302 and empty.url == "/complaints/new/"
    # A GET (a sign-in's next=) goes to the complaint; the intake's draft is kept.
    again = client.get(f"/complaints/{open_one.pk}/add-from-intake/")
    assert again.status_code == 302 and again.url == f"/complaints/{open_one.pk}/"
    assert not AuditEntry.objects.filter(action="note").exists()


def test_a_tail_only_finds_what_the_user_may_see(client, world):
    theirs = world.complaint(actor=world.other_users[Role.FRONTLINE])
    tail = theirs.number[-6:]
    client.force_login(world.user(Role.DIRECTOR))
    assert list(client.get("/complaints/", {"q": tail}).context["complaints"]) == []
    client.force_login(world.other_users[Role.DIRECTOR])
    assert list(client.get("/complaints/", {"q": tail}).context["complaints"]) == [theirs]


def test_every_length_limit_is_in_the_page_and_an_overlong_field_is_marked(client, world):
    from kesu.complaints.forms import IntakeForm

    client.force_login(world.user(Role.FRONTLINE))
    page = client.get("/complaints/new/").content.decode()
    limited = {
        name: f.max_length
        for name, f in IntakeForm.base_fields.items()
        if getattr(f, "max_length", None) and name != "category"  # picked from the list
    }
    for name, limit in limited.items():
        assert f'name="{name}" maxlength="{limit}"' in page, name
    for name, limit in limited.items():
        response = client.post("/complaints/new/", {**NEW_CALL, name: "长" * (limit + 1)})
        assert response.status_code == 400
        html = response.content.decode()
        marked = html.split(f'id="id_{name}"')[0].rsplit("<div", 1)[1]
        assert "field-error" in marked, name


def test_tampered_values_are_each_told_on_the_page(client, world):
    """Values no honest form posts (a kind or an upset level not offered, a purchase that is
    not a number): each error reaches the page, none hides behind "fields marked below"."""
    client.force_login(world.user(Role.FRONTLINE))
    tampered = {**NEW_CALL, "kind": "zzz", "upset_level": "9", "purchase": "abc"}
    response = client.post("/complaints/new/", tampered, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"kind", "upset_level", "purchase"}
    body = response.content.decode()
    for name, errors in form.errors.items():
        for message in errors:
            assert message in body, (name, message)
    top = body.split('id="unmarked-errors"')[1].split("</ul>")[0]
    assert f"{form.fields['purchase'].label}：" in top  # with its label, in Chinese
    assert "zzz" in body  # the kind's error names the value


def test_every_field_of_the_intake_shows_its_error(client, world, monkeypatch):
    """An error on any field of the form, shown or hidden, is on the page: a field added to
    the form without its errors in the template fails here."""
    client.force_login(world.user(Role.GROUP))  # the group's form has every field (branch too)

    def clean(form):
        for name in form.fields:
            form.add_error(name, f"marker-{name}")
        return form.cleaned_data

    monkeypatch.setattr(IntakeForm, "clean", clean)
    response = client.post("/complaints/new/", {**NEW_CALL, "branch": world.branch.pk})
    body = response.content.decode()
    names = list(IntakeForm(user=world.user(Role.GROUP)).fields)
    assert "branch" in names and "purchase" in names
    missing = [name for name in names if f"marker-{name}" not in body]
    assert not missing, missing


def _engine(world):
    from kesu.complaints.models import Category

    engine = Category.objects.filter(organisation=world.org, parent__isnull=False).exclude(
        name_en=""
    )
    category = engine.select_related("parent").first()
    assert category is not None and category.parent.name_en  # the default tree is bilingual
    return category


def test_in_english_the_categories_are_offered_by_their_english_paths(client, world):
    category = _engine(world)
    client.force_login(world.user(Role.FRONTLINE))
    english = f"{category.parent.name_en} › {category.name_en}"
    chinese = f"{category.parent.name} › {category.name}"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/complaints/new/").content.decode()
    assert f'<option value="{english}">' in page and f'<option value="{chinese}">' not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get("/complaints/new/").content.decode()
    assert f'<option value="{chinese}">' in page


@pytest.mark.parametrize("typed", ["english", "chinese"])
def test_a_category_path_in_either_language_is_taken(client, world, typed):
    """A path typed in the other language (or kept in a draft from before a language switch)
    still finds its category."""
    category = _engine(world)
    client.force_login(world.user(Role.FRONTLINE))
    label = {
        "english": f"{category.parent.name_en} › {category.name_en}",
        "chinese": f"{category.parent.name} › {category.name}",
    }[typed]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post("/complaints/new/", {**NEW_CALL, "category": label})
    assert response.status_code == 302, response.content.decode()
    complaint = Complaint.objects.get(title="空调不制冷")
    assert complaint.category == category
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert category.name_en in page and category.name not in page
