"""/api/v1/emerging-issues/…: included by kesu/api/urls.py (whose kesu_id converter these use)."""

from django.urls import path

from kesu.emerging.api import views as api

urlpatterns = [
    path("", api.EmergingIssueListView.as_view(), name="emerging-issue-list"),
    path("<kesu_id:pk>/", api.EmergingIssueDetailView.as_view(), name="emerging-issue-detail"),
]
