from django.urls import path

from kesu.lessons import views

app_name = "lessons"

urlpatterns = [
    path("", views.lesson_list, name="list"),
    path("for-category/", views.lessons_for_category, name="for-category"),
    path("complaint/<int:pk>/mark/", views.lesson_mark_view, name="mark"),
    path("complaint/<int:pk>/unmark/", views.lesson_unmark_view, name="unmark"),
]
