"""The inbox pages: a user's notifications, the unread count in the navigation, marking read."""

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.complaints.views import page_context
from kesu.core.errors import NotFound
from kesu.notifications.rendering import link_path
from kesu.notifications.rendering import render as render_message
from kesu.notifications.selectors import inbox_of, inbox_unread_count, settings_of
from kesu.notifications.services import inbox_mark_all_read, inbox_mark_read, settings_save

INBOX_PAGE = 50


@login_required
def inbox(request):
    """The newest notifications a page at a time; "older" continues below the last one shown
    (by id, so a page costs the same however long the inbox has grown)."""
    language = translation.get_language()
    rows = inbox_of(request.user)
    before = request.GET.get("before", "")
    if before.isdigit():
        rows = rows.filter(id__lt=int(before))
    page = list(rows[: INBOX_PAGE + 1])
    older = page[INBOX_PAGE - 1].pk if len(page) > INBOX_PAGE else None
    items = [
        {
            "n": n,
            "message": render_message(n.kind, n.payload, language),
            "opens": bool(link_path(n.payload)),
        }
        for n in page[:INBOX_PAGE]
    ]
    context = page_context(request, nav="inbox", items=items, older=older, paged=before.isdigit())
    return render(request, "notifications/inbox.html", context)


@login_required
def inbox_count(request):

    count = inbox_unread_count(request.user)
    return render(request, "notifications/_inbox_count.html", {"count": count})


@login_required
@require_POST
def inbox_read(request, pk):

    try:
        notification = inbox_mark_read(user=request.user, notification_id=pk)
    except NotFound:
        raise Http404 from None
    page = link_path(notification.payload)  # its complaint, action or page of this site
    return redirect(page or "notifications:inbox")


@login_required
@require_POST
def inbox_read_all(request):

    inbox_mark_all_read(user=request.user)
    return redirect("notifications:inbox")


@login_required
def inbox_settings(request):
    """The user's own notification settings: which kinds to receive, the language of e-mails."""
    user = request.user
    status = 200
    if request.method == "POST":
        try:
            settings_save(
                user=user,
                enabled_kinds=request.POST.getlist("kind"),
                language=request.POST.get("language", ""),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            status = 400
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:inbox-settings")
    return render(
        request,
        "notifications/settings.html",
        page_context(
            request,
            nav="inbox",
            kinds=settings_of(user),
            languages=django_settings.LANGUAGES,
            language=user.language,
        ),
        status=status,
    )
