from django.urls import path

from kesu.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.endpoint_list, name="endpoints"),
    path("new/", views.endpoint_new, name="endpoint-new"),
    path("<int:pk>/", views.endpoint_page, name="endpoint"),
    path("<int:pk>/secret/", views.endpoint_rotate, name="endpoint-secret"),
    path("deliveries/", views.delivery_list, name="deliveries"),
    path("deliveries/<int:pk>/", views.delivery_page, name="delivery"),
    path("deliveries/<int:pk>/replay/", views.delivery_replay, name="delivery-replay"),
]
