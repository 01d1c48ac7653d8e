"""Mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("institutions/applications/", api.ApplicationCreateAPI.as_view(), name="api-apply"),
    path("me/applications/", api.MyApplicationsAPI.as_view(), name="api-my-applications"),
    path("portal/institution/", api.PortalInstitutionAPI.as_view(), name="api-portal-institution"),
    path("portal/members/", api.PortalMemberListAPI.as_view(), name="api-portal-members"),
    path(
        "portal/invitations/", api.PortalInvitationListAPI.as_view(), name="api-portal-invitations"
    ),
]
