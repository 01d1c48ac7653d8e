"""Mounted under /api/v1/."""

from django.urls import path

from . import portal_api

urlpatterns = [
    path("portal/campaigns/", portal_api.CampaignListAPI.as_view(), name="api-portal-campaigns"),
    path(
        "portal/campaigns/<int:pk>/",
        portal_api.CampaignDetailAPI.as_view(),
        name="api-portal-campaign",
    ),
    path(
        "portal/campaigns/<int:pk>/preview/",
        portal_api.CampaignPreviewAPI.as_view(),
        name="api-portal-campaign-preview",
    ),
    path(
        "portal/campaigns/<int:pk>/results/",
        portal_api.CampaignResultsAPI.as_view(),
        name="api-portal-campaign-results",
    ),
    path(
        "portal/campaigns/<int:pk>/launch/",
        portal_api.CampaignLaunchAPI.as_view(),
        name="api-portal-campaign-launch",
    ),
    path(
        "portal/campaigns/<int:pk>/pause/",
        portal_api.CampaignPauseAPI.as_view(),
        name="api-portal-campaign-pause",
    ),
    path(
        "portal/campaigns/<int:pk>/resume/",
        portal_api.CampaignResumeAPI.as_view(),
        name="api-portal-campaign-resume",
    ),
    path(
        "portal/campaigns/<int:pk>/cancel/",
        portal_api.CampaignCancelAPI.as_view(),
        name="api-portal-campaign-cancel",
    ),
]
