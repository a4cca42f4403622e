from django.contrib.auth import views as auth_views
from django.urls import path

from kesu.web import views

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
    path("customers/lookup/", views.customer_lookup, name="customer-lookup"),
]
