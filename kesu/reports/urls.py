from django.urls import path

from kesu.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("monthly/", views.monthly, name="monthly"),
    path("monthly.pdf", views.monthly_pdf, name="monthly-pdf"),
    path("monthly.xlsx", views.monthly_xlsx, name="monthly-xlsx"),
    path("kept/", views.kept_list, name="kept"),
    path("kept/<int:pk>/", views.kept_detail, name="kept-detail"),
    path("kept/<int:pk>.pdf", views.kept_file, {"fmt": "pdf"}, name="kept-pdf"),
    path("kept/<int:pk>.xlsx", views.kept_file, {"fmt": "xlsx"}, name="kept-xlsx"),
]
