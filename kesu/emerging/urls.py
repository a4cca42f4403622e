from django.urls import path

from kesu.emerging import views

app_name = "emerging"
urlpatterns = [
    path("", views.issue_list_page, name="list"),
    path("<int:pk>/", views.issue_page, name="detail"),
    path("<int:pk>/dismiss/", views.issue_dismiss, name="dismiss"),
    path("<int:pk>/improvement/", views.issue_improve, name="improve"),
    path("<int:pk>/crisis/", views.issue_crisis, name="crisis"),
]
