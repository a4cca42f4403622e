"""The lessons pages: /lessons/ (search), the intake's partial, sharing from a complaint's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kesu.complaints.exports import category_labels
from kesu.complaints.selectors import complaints_visible_to
from kesu.complaints.views import (
    SAVED_DRAFTS,
    complaint_page,
    page_context,
    post_or_back_to_complaint,
)
from kesu.core.errors import DomainError, NotFound
from kesu.lessons.choices import MARKING_ROLES
from kesu.lessons.forms import LessonFilterForm, LessonForm
from kesu.lessons.panels import FORM_KEY
from kesu.lessons.selectors import (
    category_from_label,
    lesson_rows,
    lessons_search,
    lessons_similar,
    linkable_complaints,
    top_of,
)
from kesu.lessons.services import lesson_mark, lesson_unmark
from kesu.organisation.selectors import branches_visible_to

PAGE = 20


@login_required
def lesson_list(request):
    """Every lesson of the organisation, newest first, by category (and under it), cause,
    words, branch and month; a page at a time (`before=<id>`)."""
    user = request.user
    form = LessonFilterForm(request.GET, user=user)
    valid = form.is_valid()
    qs = lesson_rows(lessons_search(user, **form.filters()))
    before = request.GET.get("before", "")
    if before.isdigit():
        qs = qs.filter(id__lt=int(before))
    page = list(qs[: PAGE + 1])
    has_more = len(page) > PAGE
    page = page[:PAGE]
    next_params = request.GET.copy()
    if has_more:
        next_params["before"] = str(page[-1].pk)
    labels = category_labels(user.organisation_id)
    for lesson in page:
        lesson.category_label = labels.get(lesson.category_id, "")
    context = page_context(
        request,
        nav="lessons",
        form=form,
        valid=valid,
        lessons=page,
        linkable=linkable_complaints(user, page),
        categories=sorted(labels.items(), key=lambda item: item[1]),
        branches=branches_visible_to(user),
        has_more=has_more,
        next_query=next_params.urlencode(),
        filtered=any(v for k, v in request.GET.items() if k != "before"),
    )
    template = (
        "lessons/_results.html"
        if request.htmx and request.htmx.target == "results"
        else "lessons/list.html"
    )
    # Invalid filters are left out and named above the results (200, as the complaint list
    # does): htmx swaps only a successful answer into the page.
    return render(request, template, context)


@login_required
def lessons_for_category(request):
    """The htmx partial beside the intake's category: the newest lessons of that category and
    everything under it (the category as the intake form sends it, by its path of names)."""
    user = request.user
    category = category_from_label(user.organisation_id, request.GET.get("category", ""))
    lessons = lessons_similar(user, category) if category is not None else []
    more = top_of(category) if lessons and category is not None else None
    return render(
        request,
        "lessons/_similar.html",
        {
            "lessons": lessons,
            "more": more,
            "more_name": more.label if more is not None else "",
            "linkable": linkable_complaints(user, lessons),
        },
    )


def _complaint_for(request, pk: int):
    """The complaint if the user sees it (404 otherwise), then the role (403)."""
    if not complaints_visible_to(request.user).filter(pk=pk).exists():
        raise Http404
    if request.user.role not in MARKING_ROLES:
        raise PermissionDenied


@login_required
@post_or_back_to_complaint
def lesson_mark_view(request, pk):
    """Share the closed complaint as a lesson, or save the edited lesson."""
    _complaint_for(request, pk)
    form = LessonForm(request.POST)
    if form.is_valid():
        try:
            lesson_mark(complaint_id=pk, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            messages.error(request, exc.render())
            return complaint_page(request, pk, status=exc.status_code, forms={FORM_KEY: form})
        else:
            messages.success(request, _("Saved as a lesson: everyone can now find it."))
            request.session[SAVED_DRAFTS] = [
                *request.session.get(SAVED_DRAFTS, []),
                f"lesson-{pk}",
            ]
            return redirect(reverse("complaints:complaint", args=[pk]) + "#lesson")
    return complaint_page(request, pk, status=400, forms={FORM_KEY: form})


@login_required
@post_or_back_to_complaint
def lesson_unmark_view(request, pk):
    """Take the complaint's lesson back (its timeline keeps the entry)."""
    _complaint_for(request, pk)
    try:
        lesson_unmark(complaint_id=pk, actor=request.user)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The case is no longer a lesson."))
    return redirect(reverse("complaints:complaint", args=[pk]) + "#lesson")
