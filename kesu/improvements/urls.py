from django.urls import path

from kesu.improvements import views

app_name = "improvements"
urlpatterns = [
    path("", views.improvement_list_page, name="list"),
    path("new/", views.improvement_create_page, name="create"),
    path("<int:pk>/", views.improvement_page, name="detail"),
    path("<int:pk>/edit/", views.improvement_edit_page, name="edit"),
    path("<int:pk>/status/", views.improvement_status, name="status"),
    path("<int:pk>/review/", views.improvement_review_page, name="review"),
]
