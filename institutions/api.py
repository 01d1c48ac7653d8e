"""Institutions API: applications, and the portal's own institution, members and invitations."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.accounts import EMAIL_NOT_VERIFIED, email_verified

from .models import Institution, Invitation, Membership, Role
from .serializers import (
    ApplicationSerializer,
    InstitutionSerializer,
    InvitationSerializer,
    MembershipSerializer,
)
from .services import applications, members
from .tenancy import PortalAPIMixin


class ApplicationCreateAPI(APIView):
    """Apply to list products on Fortune Market (signed in, verified e-mail)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ApplicationSerializer, responses={201: InstitutionSerializer})
    def post(self, request):
        if not email_verified(request.user):
            return Response({"detail": EMAIL_NOT_VERIFIED}, status=status.HTTP_403_FORBIDDEN)
        serializer = ApplicationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        institution = applications.institution_apply(
            applicant=request.user, **serializer.validated_data
        )
        return Response(InstitutionSerializer(institution).data, status=status.HTTP_201_CREATED)


class MyApplicationsAPI(generics.ListAPIView):
    serializer_class = InstitutionSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Institution.objects.none()
        return self.request.user.institution_applications.order_by("-created_at")


class PortalInstitutionAPI(PortalAPIMixin, APIView):
    """The institution this portal request acts for."""

    @extend_schema(responses=InstitutionSerializer)
    def get(self, request):
        return Response(InstitutionSerializer(request.institution).data)


class PortalMemberListAPI(PortalAPIMixin, generics.ListAPIView):
    serializer_class = MembershipSerializer
    queryset = Membership.objects.select_related("user").order_by("user__email")


class PortalInvitationListAPI(PortalAPIMixin, generics.ListCreateAPIView):
    serializer_class = InvitationSerializer
    queryset = Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    write_role = Role.ADMIN

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = members.invitation_create(
            institution=request.institution, invited_by=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)
