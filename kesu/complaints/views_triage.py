"""The intake's triage panel (an htmx partial) and the acceptance figures' page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from kesu.complaints.choices import Channel, Demand
from kesu.complaints.services import may_register
from kesu.complaints.triage_panel import (
    PERIODS,
    acceptance_figures,
    intake_panel,
    may_read_acceptance,
    shipped_model_words,
)
from kesu.complaints.views import _int_or_none, page_context
from kesu.organisation.selectors import branches_visible_to


@login_required
@require_http_methods(["GET", "POST"])
def intake_suggestions(request):
    """The panel beside the intake form: what Kesu suggests for the text typed so far."""
    user = request.user
    if not may_register(user):
        raise Http404
    values = request.POST if request.method == "POST" else request.GET
    branch_id = None
    if user.sees_whole_organisation:
        branch = branches_visible_to(user).filter(pk=_int_or_none(values.get("branch"))).first()
        branch_id = branch.pk if branch is not None else None
    channel = values.get("channel", "")
    demand = values.get("demand", "")
    panel = intake_panel(
        user,
        title=values.get("title", ""),
        account=values.get("account", ""),
        channel=channel if channel in Channel.values else "",
        demand=demand if demand in Demand.values else "",
        branch_id=branch_id,
    )
    return render(request, "complaints/_intake_suggestions.html", {"panel": panel})


@login_required
def triage_acceptance(request):
    """How often staff keep the suggestions, per field, over the last 30 and 90 days."""
    user = request.user
    if not may_read_acceptance(user):
        raise Http404
    return render(
        request,
        "complaints/triage_acceptance.html",
        page_context(
            request,
            nav="triage",
            figures=acceptance_figures(user),
            periods=PERIODS,
            shipped=shipped_model_words(),
            whole_organisation=user.sees_whole_organisation,
        ),
    )
