"""Mounted under /api/v1/."""

from django.urls import path

from . import api
from .identity import api as identity_api
from .security import api as security_api

urlpatterns = [
    path("me/profile/", api.MyProfileAPI.as_view(), name="api-me-profile"),
    path("me/questionnaire/", api.QuestionnaireAPI.as_view(), name="api-me-questionnaire"),
    path("me/identity/", identity_api.MyIdentityAPI.as_view(), name="api-me-identity"),
    path("me/assessments/", api.AssessmentsAPI.as_view(), name="api-me-assessments"),
    path("me/pin/", security_api.MyPinAPI.as_view(), name="api-me-pin"),
]
