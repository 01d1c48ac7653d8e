"""The investor's inbox over the API."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from . import inbox, selectors
from .models import InboxMessage, MessageKind
from .serializers import InboxMessageSerializer


@extend_schema(
    parameters=[
        OpenApiParameter("kind", enum=MessageKind.values, required=False),
        OpenApiParameter("unread", bool, required=False, description="Only unread messages."),
    ]
)
class InboxAPI(generics.ListAPIView):
    """Notices and offers, newest first."""

    serializer_class = InboxMessageSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return InboxMessage.objects.none()
        params = self.request.query_params
        return selectors.inbox_for(
            user=self.request.user,
            kind=params.get("kind"),
            unread=params.get("unread") in ("true", "1"),
        )


class InboxReadAPI(APIView):
    """Mark one message read (reading it twice changes nothing)."""

    @extend_schema(request=None, responses=InboxMessageSerializer)
    def post(self, request, pk):
        try:
            message = inbox.message_mark_read(user=request.user, message_id=pk)
        except InboxMessage.DoesNotExist:
            raise Http404 from None
        return Response(InboxMessageSerializer(message).data)
