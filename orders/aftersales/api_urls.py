"""Mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("me/requests/", api.MyRequestsAPI.as_view(), name="api-me-requests"),
    path("me/requests/<int:pk>/", api.MyRequestAPI.as_view(), name="api-me-request"),
    path(
        "me/requests/<int:pk>/messages/",
        api.MyRequestMessageAPI.as_view(),
        name="api-me-request-messages",
    ),
    path(
        "me/requests/<int:pk>/messages/<int:message_pk>/attachment/",
        api.MyRequestAttachmentAPI.as_view(),
        name="api-me-request-attachment",
    ),
    path(
        "me/requests/<int:pk>/close/", api.MyRequestCloseAPI.as_view(), name="api-me-request-close"
    ),
    path(
        "me/requests/<int:pk>/escalate/",
        api.MyRequestEscalateAPI.as_view(),
        name="api-me-request-escalate",
    ),
    path("portal/requests/", api.PortalRequestsAPI.as_view(), name="api-portal-requests"),
    path("portal/requests/<int:pk>/", api.PortalRequestAPI.as_view(), name="api-portal-request"),
    path(
        "portal/requests/<int:pk>/messages/",
        api.PortalRequestMessageAPI.as_view(),
        name="api-portal-request-messages",
    ),
    path(
        "portal/requests/<int:pk>/messages/<int:message_pk>/attachment/",
        api.PortalRequestAttachmentAPI.as_view(),
        name="api-portal-request-attachment",
    ),
    path(
        "portal/requests/<int:pk>/close/",
        api.PortalRequestCloseAPI.as_view(),
        name="api-portal-request-close",
    ),
]
