"""The investor's notification preferences: GET / PATCH /api/v1/me/notifications/."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from . import notices
from .notice_serializers import NotificationPreferencesSerializer


class NotificationPreferencesAPI(APIView):
    """Which optional notices also come by e-mail (the inbox copy always arrives). A notice that
    is always e-mailed cannot be turned off: naming it is a 400 saying so."""

    @extend_schema(responses=NotificationPreferencesSerializer)
    def get(self, request):
        preferences = notices.preferences_of(user=request.user)
        return Response(NotificationPreferencesSerializer(preferences).data)

    @extend_schema(
        request=NotificationPreferencesSerializer, responses=NotificationPreferencesSerializer
    )
    def patch(self, request):
        serializer = NotificationPreferencesSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        email = dict(serializer.validated_data)
        # Shape is fine; the service refuses a notice that is always e-mailed.
        always = [topic for topic in notices.ALWAYS_EMAILED if topic in request.data]
        email.update({topic: request.data[topic] for topic in always})
        preferences = notices.preferences_update(user=request.user, email=email)
        return Response(NotificationPreferencesSerializer(preferences).data)
