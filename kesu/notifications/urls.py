"""The inbox pages; the inbox API is kesu/notifications/api/urls.py."""

from django.urls import path

from kesu.notifications import views

app_name = "notifications"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/count/", views.inbox_count, name="inbox-count"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox-read"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox-read-all"),
    path("inbox/settings/", views.inbox_settings, name="inbox-settings"),
]
