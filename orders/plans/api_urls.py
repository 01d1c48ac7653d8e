"""Mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("me/plans/", api.MyPlansAPI.as_view(), name="api-me-plans"),
    path("me/plans/<int:pk>/", api.MyPlanAPI.as_view(), name="api-me-plan"),
    path("me/plans/<int:pk>/pause/", api.PlanPauseAPI.as_view(), name="api-me-plan-pause"),
    path("me/plans/<int:pk>/resume/", api.PlanResumeAPI.as_view(), name="api-me-plan-resume"),
    path("me/plans/<int:pk>/stop/", api.PlanStopAPI.as_view(), name="api-me-plan-stop"),
]
