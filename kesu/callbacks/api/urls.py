"""/api/v1/callbacks/…: included by kesu/api/urls.py (whose kesu_id converter these use)."""

from django.urls import path

from kesu.callbacks.api import views as api

T = "tasks/<kesu_id:pk>/"
urlpatterns = [
    path("tasks/", api.TaskListView.as_view(), name="callback-task-list"),
    path(T, api.TaskDetailView.as_view(), name="callback-task-detail"),
    path(f"{T}outcome/", api.OutcomeView.as_view(), name="callback-task-outcome"),
    path("measures/", api.MeasuresView.as_view(), name="callback-measures"),
]
