from django.urls import path

from kesu.crises import views

app_name = "crises"
urlpatterns = [
    path("", views.crisis_list_page, name="list"),
    path("open/<int:pk>/", views.crisis_open_page, name="open"),
    path("<int:pk>/", views.crisis_page, name="detail"),
    path("<int:pk>/spokesperson/", views.crisis_spokesperson, name="spokesperson"),
    path("<int:pk>/steps/", views.crisis_step_add, name="step-add"),
    path("<int:pk>/statements/", views.crisis_statement_add, name="statement-add"),
    path("<int:pk>/posts/", views.crisis_post_add, name="post-add"),
    path("<int:pk>/end/", views.crisis_end_page, name="end"),
    path("steps/<int:pk>/done/", views.crisis_step_done, name="step-done"),
]
