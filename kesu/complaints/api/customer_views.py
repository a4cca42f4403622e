"""Customer endpoints: lookup by phone while the customer is on the line, and their records."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from kesu.complaints.api.customer_serializers import (
    CustomerDetailSerializer,
    CustomerSerializer,
    CustomerWriteSerializer,
    KeyPersonSerializer,
    KeyPersonWriteSerializer,
    PurchaseSerializer,
)
from kesu.complaints.api.filters import CustomerFilter
from kesu.core.api.responses import BAD_REQUEST, FORBIDDEN, NOT_FOUND
from kesu.customers.selectors import customer_get, customer_purchases, customers_visible_to
from kesu.customers.services import (
    customer_create,
    customer_update,
    key_person_create,
    purchase_create,
)

TAG = "customers"


def _detail(request, customer, status_code=status.HTTP_200_OK, headers=None):
    data = CustomerDetailSerializer(customer, context={"request": request}).data
    return Response(data, status=status_code, headers=headers)


@extend_schema_view(
    get=extend_schema(
        tags=[TAG], summary=_("Customers of your organisation; look one up by phone")
    ),
)
class CustomerListView(generics.ListAPIView):
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter

    def get_queryset(self):
        return customers_visible_to(self.request.user).select_related("branch").order_by("-id")

    @extend_schema(
        tags=[TAG],
        summary=_("Add a customer"),
        request=CustomerWriteSerializer,
        responses={201: CustomerDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def post(self, request):
        serializer = CustomerWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        customer = customer_create(actor=request.user, **serializer.validated_data)
        location = reverse("api:customer-detail", kwargs={"pk": customer.pk})
        return _detail(request, customer, status.HTTP_201_CREATED, {"Location": location})


class CustomerDetailView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("One customer with purchases, key persons and recent complaints"),
        responses={200: CustomerDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        return _detail(request, customer_get(request.user, pk))

    @extend_schema(
        tags=[TAG],
        summary=_("Edit a customer"),
        request=CustomerWriteSerializer,
        responses={
            200: CustomerDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def patch(self, request, pk: int):
        customer = customer_get(request.user, pk)
        serializer = CustomerWriteSerializer(
            customer, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        customer = customer_update(
            actor=request.user, customer=customer, **serializer.validated_data
        )
        return _detail(request, customer_get(request.user, customer.pk))


class PurchaseListView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("The customer's orders, vehicles and service visits"),
        responses={200: PurchaseSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        customer = customer_get(request.user, pk)
        purchases = customer_purchases(request.user, customer)
        return Response(PurchaseSerializer(purchases, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary=_("Record a purchase"),
        request=PurchaseSerializer,
        responses={201: PurchaseSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        customer = customer_get(request.user, pk)
        serializer = PurchaseSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        purchase = purchase_create(
            actor=request.user, customer=customer, **serializer.validated_data
        )
        return Response(PurchaseSerializer(purchase).data, status=status.HTTP_201_CREATED)


class KeyPersonListView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("Key persons of a corporate customer"),
        responses={200: KeyPersonSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        customer = customer_get(request.user, pk)
        people = customer.key_persons.order_by("id")
        return Response(KeyPersonSerializer(people, many=True, context={"request": request}).data)

    @extend_schema(
        tags=[TAG],
        summary=_("Add a key person"),
        request=KeyPersonWriteSerializer,
        responses={201: KeyPersonSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        customer = customer_get(request.user, pk)
        serializer = KeyPersonWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = key_person_create(
            actor=request.user, customer=customer, **serializer.validated_data
        )
        return Response(
            KeyPersonSerializer(person, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )
