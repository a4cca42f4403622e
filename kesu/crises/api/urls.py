"""/api/v1/crises/…: included by kesu/api/urls.py (whose kesu_id converter these use)."""

from django.urls import path

from kesu.crises.api import views as api

urlpatterns = [
    path("", api.CrisisListView.as_view(), name="crisis-list"),
    path("<kesu_id:pk>/", api.CrisisDetailView.as_view(), name="crisis-detail"),
]
