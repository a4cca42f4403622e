from django.urls import path

from kesu.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("monthly/", views.monthly, name="monthly"),
]
