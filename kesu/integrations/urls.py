from django.urls import path

from kesu.integrations import views

app_name = "integrations"
urlpatterns = [
    path("current/", views.call_current, name="call-current"),
    path("<int:pk>/dismiss/", views.call_close, name="call-dismiss"),
]
