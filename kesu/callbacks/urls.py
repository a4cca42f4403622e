from django.urls import path

from kesu.callbacks import views, views_printouts, views_public

app_name = "callbacks"
urlpatterns = [
    path("", views.today, name="today"),
    path("tasks/<int:pk>/", views.task_page, name="task"),
    path("tasks/<int:pk>/unreached/", views.task_unreached, name="task-unreached"),
    path("tasks/<int:pk>/outcome/", views.task_outcome, name="task-outcome"),
    path("tasks/<int:pk>/preference/", views.task_preference, name="task-preference"),
    path(
        "customers/<int:pk>/preference/",
        views.customer_preference,
        name="customer-preference",
    ),
    path("tasks/<int:pk>/survey-link/", views.task_survey_link, name="task-survey-link"),
    # The printed callback record (views_printouts.py).
    path("tasks/<int:pk>/print/", views_printouts.print_task_record, name="task-print"),
    path(
        "tasks/<int:pk>/print.pdf",
        views_printouts.print_task_record,
        {"fmt": "pdf"},
        name="task-print-pdf",
    ),
    path(
        "complaints/<int:pk>/print/",
        views_printouts.print_complaint_record,
        name="complaint-print",
    ),
    path(
        "complaints/<int:pk>/print.pdf",
        views_printouts.print_complaint_record,
        {"fmt": "pdf"},
        name="complaint-print-pdf",
    ),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("draws/", views.draw_create, name="draw-create"),
    path("draws/<int:pk>/", views.draw_page, name="draw"),
    # The customer's questionnaire: no login.
    path("s/<str:token>/", views_public.survey, name="survey"),
]
