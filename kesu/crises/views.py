"""The crisis pages: the list, one crisis (its plan, statements, posts, review) and the forms
that change it. Thin: the forms read the input, the services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.complaints.selectors import complaints_visible_to
from kesu.complaints.views import complaint_page, page_context
from kesu.core.errors import DomainError, NotAllowed, NotFound
from kesu.core.views import signed_in_and
from kesu.crises import services
from kesu.crises.forms import (
    EndForm,
    FilterForm,
    OpenForm,
    PostForm,
    SpokespersonForm,
    StatementForm,
    StepDoneForm,
    StepForm,
)
from kesu.crises.models import Crisis, CrisisStep
from kesu.crises.selectors import (
    crises_visible_to,
    crisis_get,
    crisis_list,
    crisis_parts,
    leads,
    may_complete,
    may_end,
    may_open,
    may_read,
    may_work,
    people_for,
)
from kesu.organisation.selectors import branches_visible_to

PAGE = 50
NAV = "crises"


_reader = signed_in_and(may_read)


def _get(user, pk) -> Crisis:
    try:
        return crisis_get(user, pk)
    except NotFound:
        raise Http404 from None


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error.messages)
    else:
        form.add_error(None, exc.messages)


@_reader
def crisis_list_page(request):
    user = request.user
    filters = FilterForm(request.GET or None)
    filters.fields["branch"].queryset = branches_visible_to(user)
    if filters.is_bound and not filters.is_valid():
        messages.error(request, _("Some filters are not valid and were ignored."))
    f = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    branch = f.get("branch")
    qs = crisis_list(user, status=f.get("status") or "", branch=branch.pk if branch else None)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = page_context(
        request,
        nav=NAV,
        page=page,
        filters=filters,
        data=f,
        query=query.urlencode(),
        branches=list(branches_visible_to(user)) if user.sees_whole_organisation else [],
    )
    return render(request, "crises/list.html", context)


@_reader
def crisis_page(request, pk, failed: dict | None = None, status=200):
    """One crisis; after a refused form, `failed` holds it bound, by its name."""
    user = request.user
    crisis = _get(user, pk)
    people = people_for(crisis.organisation_id, crisis.branch_id)
    forms = failed or {}
    working = may_work(user, crisis)
    leading = leads(user, crisis) and crisis.is_open
    parts = crisis_parts(crisis)
    for step in parts["steps"]:
        step.may_complete = may_complete(user, step, crisis)
    context = page_context(
        request,
        nav=NAV,
        crisis=crisis,
        complaint=crisis.complaint,
        now=timezone.now(),
        **parts,
        may_work=working,
        may_lead=leading,
        may_end=may_end(user, crisis),
        spokesperson_form=forms.get("spokesperson")
        or (
            SpokespersonForm(
                people=people,
                initial={
                    "spokesperson": crisis.spokesperson_id,
                    "internal_notice": crisis.internal_notice,
                },
            )
            if leading
            else None
        ),
        step_form=forms.get("step") or (StepForm(people=people) if working else None),
        statement_form=forms.get("statement")
        or (StatementForm(people=people) if working else None),
        post_form=forms.get("post") or (PostForm() if working else None),
        end_form=forms.get("end") or (EndForm() if may_end(user, crisis) else None),
    )
    return render(request, "crises/detail.html", context, status=status)


def _refused(request, pk, name: str, form, exc: Exception):
    """The crisis page again with the refused form and its reasons, or the refusal."""
    if isinstance(exc, NotAllowed):
        raise PermissionDenied from None
    if isinstance(exc, NotFound):
        raise Http404 from None
    if isinstance(exc, ValidationError):
        _apply_errors(form, exc)
    elif isinstance(exc, DomainError):
        form.add_error(None, exc.render())
    return crisis_page(request, pk, failed={name: form}, status=400)


@login_required
@require_POST
def crisis_open_page(request, pk):
    """Open the crisis of complaint `pk`, from its page; a refused form shows there again."""
    user = request.user
    complaint = complaints_visible_to(user).filter(pk=pk).first()
    if complaint is None:
        raise Http404
    if not may_open(user, complaint):
        raise PermissionDenied
    form = OpenForm(request.POST, people=people_for(complaint.organisation_id, complaint.branch_id))
    if form.is_valid():
        try:
            crisis = services.crisis_open(
                actor=user, complaint_id=complaint.pk, **form.cleaned_data
            )
        except NotAllowed:
            raise PermissionDenied from None
        except ValidationError as exc:
            _apply_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.render())
        else:
            messages.success(
                request,
                _(
                    "The crisis is open: the branch's staff were told that only %(name)s speaks for us."
                )
                % {"name": crisis.spokesperson},
            )
            return redirect("crises:detail", pk=crisis.pk)
    return complaint_page(request, pk=complaint.pk, forms={"crisis_open": form}, status=400)


def _post(request, pk, name: str, form_class, service, may, *, people=False, files=False, done=""):
    """A crisis form: refused (403) to who may not use it, before its input is read."""
    user = request.user
    crisis = _get(user, pk)
    if not may(user, crisis):
        raise PermissionDenied
    kwargs = {"people": people_for(crisis.organisation_id, crisis.branch_id)} if people else {}
    form = form_class(request.POST, request.FILES if files else None, **kwargs)
    if not form.is_valid():
        return crisis_page(request, pk, failed={name: form}, status=400)
    try:
        service(actor=user, crisis_id=crisis.pk, **form.cleaned_data)
    except (ValidationError, DomainError) as exc:
        return _refused(request, pk, name, form, exc)
    messages.success(request, done)
    return redirect("crises:detail", pk=crisis.pk)


def _leads_open(user, crisis) -> bool:
    return crisis.is_open and leads(user, crisis)


@_reader
@require_POST
def crisis_spokesperson(request, pk):
    return _post(
        request,
        pk,
        "spokesperson",
        SpokespersonForm,
        services.crisis_set_spokesperson,
        _leads_open,
        people=True,
        done=_("Saved: the branch's staff were told again who speaks for us."),
    )


@_reader
@require_POST
def crisis_step_add(request, pk):
    return _post(
        request,
        pk,
        "step",
        StepForm,
        services.step_add,
        may_work,
        people=True,
        done=_("The step is added."),
    )


@_reader
@require_POST
def crisis_statement_add(request, pk):
    return _post(
        request,
        pk,
        "statement",
        StatementForm,
        services.statement_add,
        may_work,
        people=True,
        done=_("The statement is recorded."),
    )


@_reader
@require_POST
def crisis_post_add(request, pk):
    return _post(
        request,
        pk,
        "post",
        PostForm,
        services.post_add,
        may_work,
        files=True,
        done=_("The post is recorded."),
    )


@_reader
@require_POST
def crisis_end_page(request, pk):
    return _post(
        request,
        pk,
        "end",
        EndForm,
        services.crisis_end,
        may_end,
        done=_("The crisis is ended and its review recorded."),
    )


@_reader
@require_POST
def crisis_step_done(request, pk):
    """Mark step `pk` done."""
    user = request.user
    step = CrisisStep.objects.filter(crisis__in=crises_visible_to(user), pk=pk).first()
    if step is None:
        raise Http404
    form = StepDoneForm(request.POST)
    if form.is_valid():
        try:
            services.step_complete(actor=user, step_id=step.pk, note=form.cleaned_data["note"])
        except NotAllowed:
            raise PermissionDenied from None
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except DomainError as exc:
            messages.error(request, exc.render())
        else:
            messages.success(request, _("The step is done."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("crises:detail", pk=step.crisis_id)
