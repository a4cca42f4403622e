"""The forwarding third party and the manufacturer on a complaint's page: the third party's
reference and contact, escalating to the manufacturer's regional staff, their answers and the
feedback sent back. Each view validates its form, calls a service, and goes back to the page
(or shows it again with the form as typed and why it was refused)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from kesu.complaints.forms import (
    ManufacturerAnswerForm,
    ManufacturerAskForm,
    ManufacturerFeedbackForm,
    ThirdPartyForm,
)
from kesu.complaints.selectors import manufacturer_contacts_for
from kesu.complaints.services import (
    THIRD_PARTY_FIELDS,
    complaint_update,
    manufacturer_answer,
    manufacturer_ask,
    manufacturer_feedback,
)
from kesu.complaints.views import (
    _draft_saved,
    _errors_to_form,
    _get_complaint,
    complaint_page,
    post_or_back_to_complaint,
)
from kesu.core.errors import DomainError, NotFound


def _submit(request, pk, key, form, draft: str, done: str, write):
    """Run `write(cleaned_data)` for a valid form: back to the page with `done`, or the page
    again with the form as typed and the reasons (400; a refusal's own status, e.g. 403 for a
    role that may not, 409 for a stale version)."""
    status = 400
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except NotFound:
            raise Http404 from None
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.render())
            status = exc.status_code
        else:
            messages.success(request, done)
            _draft_saved(request, draft)
            return redirect("complaints:complaint", pk=pk)
    for message in form.non_field_errors():
        messages.error(request, message)
    return complaint_page(request, pk, status=status, forms={key: form})


@login_required
@post_or_back_to_complaint
def third_party_edit(request, pk):
    _get_complaint(request, pk)  # another branch's complaint is 404 whatever was posted
    form = ThirdPartyForm(request.POST)

    def write(data):
        complaint_update(
            complaint_id=pk,
            actor=request.user,
            expected_version=data["version"],
            changes={name: data[name] for name in THIRD_PARTY_FIELDS},
        )

    return _submit(
        request,
        pk,
        "third_party",
        form,
        f"third-party-{pk}",
        _("The third party's reference and contact are saved."),
        write,
    )


@login_required
@post_or_back_to_complaint
def manufacturer_ask_view(request, pk):
    complaint = _get_complaint(request, pk)
    form = ManufacturerAskForm(request.POST, contacts=manufacturer_contacts_for(complaint))
    return _submit(
        request,
        pk,
        "maker_ask",
        form,
        f"maker-ask-{pk}",
        _("Escalated to the manufacturer."),
        lambda data: manufacturer_ask(
            complaint_id=pk, actor=request.user, contact=data["contact"], asked=data["asked"]
        ),
    )


@login_required
@post_or_back_to_complaint
def manufacturer_answer_view(request, pk, exchange_pk):
    _get_complaint(request, pk)
    form = ManufacturerAnswerForm(request.POST)
    return _submit(
        request,
        pk,
        ("maker_answer", exchange_pk),
        form,
        f"maker-answer-{pk}-{exchange_pk}",
        _("The manufacturer's answer is recorded."),
        lambda data: manufacturer_answer(
            complaint_id=pk,
            exchange_id=exchange_pk,
            actor=request.user,
            answer=data["answer"],
            feedback_expected=data["feedback_expected"],
        ),
    )


@login_required
@post_or_back_to_complaint
def manufacturer_feedback_view(request, pk):
    _get_complaint(request, pk)
    form = ManufacturerFeedbackForm(request.POST)
    return _submit(
        request,
        pk,
        "maker_feedback",
        form,
        f"maker-feedback-{pk}",
        _("The feedback sent to the manufacturer is recorded."),
        lambda data: manufacturer_feedback(complaint_id=pk, actor=request.user, text=data["text"]),
    )
