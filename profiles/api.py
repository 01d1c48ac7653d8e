"""The investor's own API: profile and consents, questionnaire, assessments."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .identity.selectors import is_elderly
from .serializers import (
    AssessmentInputSerializer,
    AssessmentSerializer,
    ProfileSerializer,
    QuestionnaireSerializer,
)

CONSENT_FIELDS = ("share_profile_with_institutions", "marketing_offers")


class MyProfileAPI(APIView):
    @extend_schema(responses=ProfileSerializer)
    def get(self, request):
        return Response(ProfileSerializer(services.profile_for(user=request.user)).data)

    @extend_schema(request=ProfileSerializer, responses=ProfileSerializer)
    def patch(self, request):
        profile = services.profile_for(user=request.user)
        serializer = ProfileSerializer(profile, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        consents = {k: data.pop(k) for k in CONSENT_FIELDS if k in data}
        if data:
            services.profile_update(user=request.user, **data)
        for kind, granted in consents.items():
            services.consent_set(user=request.user, kind=kind, granted=granted)
        return Response(ProfileSerializer(services.profile_for(user=request.user)).data)


class QuestionnaireAPI(APIView):
    @extend_schema(responses=QuestionnaireSerializer)
    def get(self, request):
        questionnaire = selectors.active_questionnaire()
        if questionnaire is None:
            raise Http404("No questionnaire")
        return Response(QuestionnaireSerializer(questionnaire).data)


class AssessmentsAPI(APIView):
    @extend_schema(responses=AssessmentSerializer(many=True))
    def get(self, request):
        history = selectors.assessment_history(user=request.user)
        context = {"elderly": is_elderly(user=request.user)}
        return Response(AssessmentSerializer(history, many=True, context=context).data)

    @extend_schema(request=AssessmentInputSerializer, responses={201: AssessmentSerializer})
    def post(self, request):
        serializer = AssessmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = services.assessment_submit(user=request.user, **serializer.validated_data)
        context = {"elderly": is_elderly(user=request.user)}
        return Response(
            AssessmentSerializer(assessment, context=context).data, status=status.HTTP_201_CREATED
        )
