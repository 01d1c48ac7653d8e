"""Questions and complaints over the API: the investor's (``/api/v1/me/requests/``) and the
institution's (``/api/v1/portal/requests/``, tenant-scoped: another institution's is a 404)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from institutions.tenancy import PortalAPIMixin

from . import selectors, services
from .models import ATTACHMENT_TYPES, RequestKind, RequestMessage, RequestStatus, ServiceRequest
from .serializers import (
    MessageInputSerializer,
    MessageUploadSerializer,
    RequestInputSerializer,
    RequestMessageSerializer,
    RequestUploadSerializer,
    ServiceRequestDetailSerializer,
    ServiceRequestSerializer,
)
from .views import attachment_response

PARSERS = [JSONParser, MultiPartParser, FormParser]
MESSAGE_BODY = {
    "application/json": MessageInputSerializer,
    "multipart/form-data": MessageUploadSerializer,
}
MY_ROUTE = "api-me-request-attachment"
PORTAL_ROUTE = "api-portal-request-attachment"
ATTACHMENT_RESPONSES = {
    (200, content_type): OpenApiTypes.BINARY
    for content_type in (t.content_type for t in ATTACHMENT_TYPES)
}


def _detail(request: ServiceRequest, *, route: str = MY_ROUTE) -> dict:
    context = {"conversation": selectors.conversation(request=request), "attachment_route": route}
    return ServiceRequestDetailSerializer(request, context=context).data


def _message_input(request):
    serializer = MessageUploadSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- investor --------------------------------------------------------------------------------


class _Mine:
    def get_request(self, pk) -> ServiceRequest:
        try:
            return selectors.request_for_investor(investor=self.request.user, pk=pk)
        except ServiceRequest.DoesNotExist:
            raise Http404 from None


@extend_schema_view(
    post=extend_schema(
        request={
            "application/json": RequestInputSerializer,
            "multipart/form-data": RequestUploadSerializer,
        },
        responses={201: ServiceRequestDetailSerializer},
    )
)
class MyRequestsAPI(generics.ListAPIView):
    """The investor's questions and complaints, most recently active first; POST opens one
    with its first message (``body``, optional ``attachment`` as multipart)."""

    serializer_class = ServiceRequestSerializer
    parser_classes = PARSERS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ServiceRequest.objects.none()
        return selectors.requests_for_investor(investor=self.request.user)

    def post(self, request):
        serializer = RequestUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = services.request_open(
            investor=request.user,
            kind=data["kind"],
            subject=data["subject"],
            body=data["body"],
            order_id=data.get("order"),
            holding_id=data.get("holding"),
            product_slug=data.get("product"),
            attachment=data.get("attachment"),
        )
        return Response(_detail(created), status=status.HTTP_201_CREATED)


class MyRequestAPI(_Mine, APIView):
    """One request with its conversation."""

    @extend_schema(responses=ServiceRequestDetailSerializer)
    def get(self, request, pk):
        return Response(_detail(self.get_request(pk)))


class MyRequestMessageAPI(_Mine, APIView):
    """Write again (an answered request is open again)."""

    parser_classes = PARSERS

    @extend_schema(request=MESSAGE_BODY, responses={201: RequestMessageSerializer})
    def post(self, request, pk):
        service_request = self.get_request(pk)
        data = _message_input(request)
        message = services.request_reply_by_investor(
            request=service_request,
            investor=request.user,
            body=data["body"],
            attachment=data.get("attachment"),
        )
        return Response(RequestMessageSerializer(message).data, status=status.HTTP_201_CREATED)


class MyRequestAttachmentAPI(_Mine, APIView):
    """A message's attachment, as a download."""

    @extend_schema(responses=ATTACHMENT_RESPONSES)
    def get(self, request, pk, message_pk):
        try:
            message = selectors.message_with_attachment(
                requests=ServiceRequest.objects.filter(investor=request.user),
                pk=pk,
                message_pk=message_pk,
            )
        except RequestMessage.DoesNotExist:
            raise Http404 from None
        return attachment_response(message)


class MyRequestCloseAPI(_Mine, APIView):
    @extend_schema(request=None, responses=ServiceRequestDetailSerializer)
    def post(self, request, pk):
        closed = services.request_close(request=self.get_request(pk), actor=request.user)
        return Response(_detail(closed))


class MyRequestEscalateAPI(_Mine, APIView):
    """Ask Fortune Market's staff to look at it: a complaint at any time, a question once its
    first-response target passed without an answer."""

    @extend_schema(request=None, responses=ServiceRequestDetailSerializer)
    def post(self, request, pk):
        escalated = services.request_escalate(request=self.get_request(pk), investor=request.user)
        return Response(_detail(escalated))


# --- institution -----------------------------------------------------------------------------


class _Portal(PortalAPIMixin):
    queryset = ServiceRequest.objects.all()

    def get_request(self, pk) -> ServiceRequest:
        return generics.get_object_or_404(self.get_queryset(), pk=pk)


@extend_schema(
    parameters=[
        OpenApiParameter("status", enum=RequestStatus.values, required=False),
        OpenApiParameter("kind", enum=RequestKind.values, required=False),
        OpenApiParameter(
            "late", bool, required=False, description="No first response by the due time."
        ),
    ]
)
class PortalRequestsAPI(_Portal, generics.ListAPIView):
    """The institution's questions and complaints (filters ``status``, ``kind``, ``late``; a
    bad value is a 400)."""

    serializer_class = ServiceRequestSerializer
    filterset_class = selectors.RequestFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ServiceRequest.objects.none()
        return selectors.requests_for_institution(institution=self.request.institution)


class PortalRequestAPI(_Portal, APIView):
    @extend_schema(responses=ServiceRequestDetailSerializer)
    def get(self, request, pk):
        return Response(_detail(self.get_request(pk), route=PORTAL_ROUTE))


class PortalRequestMessageAPI(_Portal, APIView):
    """Answer (editors and admins): the first answer is the first response; the investor is
    told of each."""

    parser_classes = PARSERS

    @extend_schema(request=MESSAGE_BODY, responses={201: RequestMessageSerializer})
    def post(self, request, pk):
        service_request = self.get_request(pk)
        data = _message_input(request)
        message = services.request_answer(
            request=service_request,
            member=request.user,
            body=data["body"],
            attachment=data.get("attachment"),
        )
        return Response(
            RequestMessageSerializer(message, context={"attachment_route": PORTAL_ROUTE}).data,
            status=status.HTTP_201_CREATED,
        )


class PortalRequestAttachmentAPI(_Portal, APIView):
    """A message's attachment, as a download."""

    @extend_schema(responses=ATTACHMENT_RESPONSES)
    def get(self, request, pk, message_pk):
        try:
            message = selectors.message_with_attachment(
                requests=self.get_queryset(), pk=pk, message_pk=message_pk
            )
        except RequestMessage.DoesNotExist:
            raise Http404 from None
        return attachment_response(message)


class PortalRequestCloseAPI(_Portal, APIView):
    @extend_schema(request=None, responses=ServiceRequestDetailSerializer)
    def post(self, request, pk):
        closed = services.request_close(request=self.get_request(pk), actor=request.user)
        return Response(_detail(closed, route=PORTAL_ROUTE))
