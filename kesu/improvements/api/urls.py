"""/api/v1/improvements/…: included by kesu/api/urls.py (whose kesu_id converter these use)."""

from django.urls import path

from kesu.improvements.api import views as api

ONE = "<kesu_id:pk>/"
urlpatterns = [
    path("", api.ImprovementListView.as_view(), name="improvement-list"),
    path(ONE, api.ImprovementDetailView.as_view(), name="improvement-detail"),
    path(f"{ONE}status/", api.ImprovementStatusView.as_view(), name="improvement-status"),
    path(f"{ONE}review/", api.ImprovementReviewView.as_view(), name="improvement-review"),
]
