from django.urls import path

from kesu.integrations.api import views

urlpatterns = [
    path("inbound/complaints/", views.InboundComplaintView.as_view(), name="inbound-complaints"),
    path("telephony/calls/", views.CallReportView.as_view(), name="telephony-calls"),
]
