"""The portal API of campaigns: list, create, retrieve (with results), change a draft,
preview its reach, launch, pause, resume, cancel. Another institution's campaign is a 404."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from institutions.models import Role
from institutions.tenancy import PortalAPIMixin

from . import selectors, services
from .models import Campaign
from .portal_serializers import (
    CampaignDetailSerializer,
    CampaignInputSerializer,
    CampaignPreviewSerializer,
    CampaignResultsSerializer,
    CampaignSerializer,
)


class CampaignListAPI(PortalAPIMixin, generics.ListCreateAPIView):
    """The institution's campaigns, newest first; POST creates a draft."""

    queryset = Campaign.objects.select_related("product", "holders_of").order_by(
        "-created_at", "-id"
    )
    serializer_class = CampaignSerializer

    @extend_schema(request=CampaignInputSerializer, responses={201: CampaignDetailSerializer})
    def post(self, request, *args, **kwargs):
        serializer = CampaignInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        campaign = services.campaign_save(
            institution=request.institution, actor=request.user, **serializer.validated_data
        )
        return Response(CampaignDetailSerializer(campaign).data, status=status.HTTP_201_CREATED)


class CampaignDetailAPI(PortalAPIMixin, generics.RetrieveAPIView):
    """One campaign with its results; PATCH changes a draft."""

    queryset = Campaign.objects.select_related("product", "holders_of")
    serializer_class = CampaignDetailSerializer

    @extend_schema(request=CampaignInputSerializer, responses=CampaignDetailSerializer)
    def patch(self, request, pk):
        campaign = self.get_object()
        current = CampaignInputSerializer(
            {
                **{f: getattr(campaign, f) for f in CampaignInputSerializer().fields},
                "product": campaign.product,
                "holders_of": campaign.holders_of,
            }
        ).data
        serializer = CampaignInputSerializer(
            data={**current, **request.data} if isinstance(request.data, dict) else request.data,
            context={"request": request},
        )
        serializer.is_valid(raise_exception=True)
        campaign = services.campaign_save(
            institution=request.institution,
            actor=request.user,
            campaign=campaign,
            **serializer.validated_data,
        )
        return Response(CampaignDetailSerializer(campaign).data)


class _CampaignActionAPI(PortalAPIMixin, APIView):
    queryset = Campaign.objects.all()

    def campaign(self, pk) -> Campaign:
        return generics.get_object_or_404(self.get_queryset(), pk=pk)


class CampaignPreviewAPI(_CampaignActionAPI):
    """How many consenting investors the segment reaches now (an aggregate; under 20 is
    ``null``, shown as "< 20")."""

    read_role = write_role = Role.ANALYST

    @extend_schema(request=None, responses=CampaignPreviewSerializer)
    def post(self, request, pk):
        preview = selectors.campaign_preview(campaign=self.campaign(pk))
        return Response(
            {
                "reachable": preview.reachable,
                "display": preview.display,
                "threshold": preview.threshold,
            }
        )


class CampaignResultsAPI(_CampaignActionAPI):
    @extend_schema(responses=CampaignResultsSerializer)
    def get(self, request, pk):
        results = selectors.campaign_results(campaign=self.campaign(pk))
        return Response(CampaignResultsSerializer(results).data)


def _action(service, doc: str):
    class ActionAPI(_CampaignActionAPI):
        __doc__ = doc

        @extend_schema(request=None, responses=CampaignDetailSerializer)
        def post(self, request, pk):
            campaign = service(campaign=self.campaign(pk), actor=request.user)
            return Response(CampaignDetailSerializer(campaign).data)

    return ActionAPI


CampaignLaunchAPI = _action(
    services.campaign_launch,
    "Launch a draft (refused with the reasons when it breaks the marketing rules).",
)
CampaignPauseAPI = _action(services.campaign_pause, "Stop sending until resumed.")
CampaignResumeAPI = _action(services.campaign_resume, "Go on sending a paused campaign.")
CampaignCancelAPI = _action(services.campaign_cancel, "Send nothing more, for good.")
