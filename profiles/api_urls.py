"""Mounted under /api/v1/."""

from django.urls import path

from . import api
from .security import api as security_api

urlpatterns = [
    path("me/profile/", api.MyProfileAPI.as_view(), name="api-me-profile"),
    path("me/questionnaire/", api.QuestionnaireAPI.as_view(), name="api-me-questionnaire"),
    path("me/assessments/", api.AssessmentsAPI.as_view(), name="api-me-assessments"),
    path("me/pin/", security_api.MyPinAPI.as_view(), name="api-me-pin"),
]
