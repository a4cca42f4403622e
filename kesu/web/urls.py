from django.contrib.auth import views as auth_views
from django.urls import path

from kesu.web import views, views_files, views_lists

app_name = "web"
urlpatterns = [
    path("", views.my_work, name="my-work"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("complaints/", views.complaint_list_page, name="complaint-list"),
    path("complaints/new/", views.intake, name="intake"),
    path("complaints/<int:pk>/", views.complaint_page, name="complaint"),
    path("complaints/<int:pk>/moves/<str:name>/", views.complaint_move, name="complaint-move"),
    path("complaints/<int:pk>/checklist/", views.complaint_checklist, name="complaint-checklist"),
    path("complaints/<int:pk>/notes/", views.complaint_note, name="complaint-note"),
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
    path("customers/lookup/", views.customer_lookup, name="customer-lookup"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/count/", views.inbox_count, name="inbox-count"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox-read"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox-read-all"),
    # Printouts, exports, saved views and bulk moves (views_lists.py).
    path("complaints/<int:pk>/print/form/", views_lists.print_form, name="print-form"),
    path(
        "complaints/<int:pk>/print/form.pdf",
        views_lists.print_form,
        {"fmt": "pdf"},
        name="print-form-pdf",
    ),
    path("complaints/<int:pk>/print/notice/", views_lists.print_notice, name="print-notice"),
    path(
        "complaints/<int:pk>/print/notice.pdf",
        views_lists.print_notice,
        {"fmt": "pdf"},
        name="print-notice-pdf",
    ),
    path("complaints/print/register/", views_lists.print_register, name="print-register"),
    path(
        "complaints/print/register.pdf",
        views_lists.print_register,
        {"fmt": "pdf"},
        name="print-register-pdf",
    ),
    path("complaints/export.xlsx", views_lists.export_xlsx, name="complaint-export"),
    path("complaints/views/", views_lists.saved_view_create, name="saved-view-create"),
    path(
        "complaints/views/<int:pk>/delete/",
        views_lists.saved_view_remove,
        name="saved-view-delete",
    ),
    path("complaints/bulk/hand-over/", views_lists.bulk_hand_over, name="complaint-bulk-hand-over"),
]
