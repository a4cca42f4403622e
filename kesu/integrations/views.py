"""The agent's side of the call-centre pop-up: the tab asks for the current call, and closes it."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kesu.core.errors import NotFound
from kesu.integrations.selectors import call_view, current_call
from kesu.integrations.services import call_dismiss


@never_cache
@login_required
@require_GET
def call_current(request):
    """The pop-up of the call ringing at the user's extension (HTML), or 204 when none."""
    call = current_call(request.user)
    if call is None:
        return HttpResponse(status=204)
    return render(request, "integrations/_call_popup.html", {"view": call_view(request.user, call)})


@login_required
@require_POST
def call_close(request, pk: int):
    try:
        call_dismiss(user=request.user, call_id=pk)
    except NotFound:
        raise Http404 from None
    return HttpResponse(status=204)
