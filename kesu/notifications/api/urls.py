"""The inbox routes, included under /api/v1/inbox/ by kesu/api/urls.py (so named api:inbox-…).

`kesu_id` is the bounded object-id converter that kesu/api/urls.py registers.
"""

from django.urls import path

from kesu.notifications.api import views as api

urlpatterns = [
    path("", api.InboxListView.as_view(), name="inbox-list"),
    path("unread-count/", api.InboxUnreadCountView.as_view(), name="inbox-unread-count"),
    path("read-all/", api.InboxReadAllView.as_view(), name="inbox-read-all"),
    path("<kesu_id:pk>/read/", api.InboxReadView.as_view(), name="inbox-read"),
]
