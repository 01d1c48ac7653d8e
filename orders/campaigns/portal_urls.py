"""Mounted under /portal/ (namespace ``portal_campaigns``)."""

from django.urls import path

from . import portal

app_name = "portal_campaigns"

urlpatterns = [
    path("campaigns/", portal.CampaignListView.as_view(), name="list"),
    path("campaigns/new/", portal.CampaignEditView.as_view(), name="create"),
    path("campaigns/<int:pk>/", portal.CampaignDetailView.as_view(), name="detail"),
    path("campaigns/<int:pk>/edit/", portal.CampaignEditView.as_view(), name="edit"),
    path("campaigns/<int:pk>/<str:action>/", portal.CampaignActionView.as_view(), name="action"),
]
