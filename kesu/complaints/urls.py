"""The complaint pages; the complaint API is kesu/complaints/api/."""

from django.urls import path

from kesu.complaints import (
    views,
    views_customers,
    views_files,
    views_imports,
    views_list_actions,
    views_manufacturer,
    views_printouts,
    views_triage,
)

app_name = "complaints"
urlpatterns = [
    path("", views.my_work, name="my-work"),
    path("complaints/", views.complaint_list_page, name="complaint-list"),
    path("complaints/new/", views.intake, name="intake"),
    path("complaints/new/route/", views.intake_route, name="intake-route"),
    path("complaints/new/duplicates/", views.intake_duplicates, name="intake-duplicates"),
    path(
        "complaints/new/suggestions/",
        views_triage.intake_suggestions,
        name="intake-suggestions",
    ),
    path("triage/", views_triage.triage_acceptance, name="triage-acceptance"),
    path("complaints/<int:pk>/", views.complaint_page, name="complaint"),
    path("complaints/<int:pk>/moves/<str:name>/", views.complaint_move, name="complaint-move"),
    path("complaints/<int:pk>/checklist/", views.complaint_checklist, name="complaint-checklist"),
    path("complaints/<int:pk>/notes/", views.complaint_note, name="complaint-note"),
    path("complaints/<int:pk>/team/", views.complaint_team_add, name="complaint-team-add"),
    path(
        "complaints/<int:pk>/team/<int:user_pk>/remove/",
        views.complaint_team_remove,
        name="complaint-team-remove",
    ),
    path("complaints/<int:pk>/staff/", views.complaint_staff, name="complaint-staff"),
    path("complaints/<int:pk>/files/", views.complaint_upload, name="complaint-upload"),
    # A complaint's files, behind the complaint's access check (views_files.py).
    path(
        "complaints/<int:pk>/files/<int:file_pk>/",
        views_files.file_view,
        name="complaint-file",
    ),
    path(
        "complaints/<int:pk>/files/<int:file_pk>/download/",
        views_files.file_download,
        name="complaint-file-download",
    ),
    path(
        "complaints/<int:pk>/files/<int:file_pk>/thumbnail.jpg",
        views_files.file_thumbnail,
        name="complaint-file-thumbnail",
    ),
    path("complaints/<int:pk>/add-from-intake/", views.intake_add_to, name="intake-add-to"),
    # The forwarding third party and the manufacturer (views_manufacturer.py).
    path(
        "complaints/<int:pk>/third-party/",
        views_manufacturer.third_party_edit,
        name="complaint-third-party",
    ),
    path(
        "complaints/<int:pk>/manufacturer/",
        views_manufacturer.manufacturer_ask_view,
        name="complaint-maker-ask",
    ),
    path(
        "complaints/<int:pk>/manufacturer/<int:exchange_pk>/answer/",
        views_manufacturer.manufacturer_answer_view,
        name="complaint-maker-answer",
    ),
    path(
        "complaints/<int:pk>/manufacturer/feedback/",
        views_manufacturer.manufacturer_feedback_view,
        name="complaint-maker-feedback",
    ),
    path("customers/lookup/", views.customer_lookup, name="customer-lookup"),
    # The customer's page and its form (views_customers.py).
    path("customers/<int:pk>/", views_customers.customer_page, name="customer"),
    path("customers/<int:pk>/edit/", views_customers.customer_edit, name="customer-edit"),
    path(
        "customers/<int:pk>/key-persons/",
        views_customers.key_person_add,
        name="customer-key-person-add",
    ),
    # Printouts and the Excel export (views_printouts.py), saved views and bulk moves
    # (views_list_actions.py).
    path("complaints/<int:pk>/print/form/", views_printouts.print_form, name="print-form"),
    path(
        "complaints/<int:pk>/print/form.pdf",
        views_printouts.print_form,
        {"fmt": "pdf"},
        name="print-form-pdf",
    ),
    path("complaints/<int:pk>/print/notice/", views_printouts.print_notice, name="print-notice"),
    path("complaints/<int:pk>/print/closure/", views_printouts.print_closure, name="print-closure"),
    path(
        "complaints/<int:pk>/print/closure.pdf",
        views_printouts.print_closure,
        {"fmt": "pdf"},
        name="print-closure-pdf",
    ),
    path(
        "complaints/<int:pk>/print/notice.pdf",
        views_printouts.print_notice,
        {"fmt": "pdf"},
        name="print-notice-pdf",
    ),
    path(
        "complaints/<int:pk>/print/department/",
        views_printouts.print_department_form,
        name="print-department",
    ),
    path(
        "complaints/<int:pk>/print/department.pdf",
        views_printouts.print_department_form,
        {"fmt": "pdf"},
        name="print-department-pdf",
    ),
    path("complaints/print/register/", views_printouts.print_register, name="print-register"),
    path(
        "complaints/print/register.pdf",
        views_printouts.print_register,
        {"fmt": "pdf"},
        name="print-register-pdf",
    ),
    path("complaints/export.xlsx", views_printouts.export_xlsx, name="complaint-export"),
    # The Excel import of historical complaints (views_imports.py).
    path("complaints/import/", views_imports.import_page, name="import"),
    path("complaints/import/template.xlsx", views_imports.import_template, name="import-template"),
    path("complaints/import/<int:pk>/", views_imports.import_job, name="import-job"),
    path(
        "complaints/import/<int:pk>/progress/",
        views_imports.import_progress,
        name="import-progress",
    ),
    path(
        "complaints/import/<int:pk>/report.xlsx",
        views_imports.import_report,
        name="import-report",
    ),
    path("complaints/views/", views_list_actions.saved_view_create, name="saved-view-create"),
    path(
        "complaints/views/<int:pk>/delete/",
        views_list_actions.saved_view_remove,
        name="saved-view-delete",
    ),
    path(
        "complaints/bulk/hand-over/",
        views_list_actions.bulk_hand_over,
        name="complaint-bulk-hand-over",
    ),
]
