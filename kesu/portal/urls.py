from django.urls import path

from kesu.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("track/", views.track, name="track"),
    path("code/", views.verify, name="verify"),
    path("case/", views.case, name="case"),
    path("case/add/", views.case_add, name="case-add"),
    path("case/rate/", views.case_rate, name="case-rate"),
    path("leave/", views.leave, name="leave"),
    path("<slug:branch>/", views.start, name="start"),
    path("<slug:branch>/new/", views.file, name="file"),
]
