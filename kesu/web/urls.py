from django.contrib.auth import views as auth_views
from django.urls import path

from kesu.web import signin

app_name = "web"
urlpatterns = [
    path("login/", signin.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
