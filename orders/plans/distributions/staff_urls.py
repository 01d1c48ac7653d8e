"""Mounted under /staff/ (namespace ``staff_distributions``)."""

from django.urls import path

from . import staff

app_name = "staff_distributions"

urlpatterns = [
    path("distributions/", staff.QueueView.as_view(), name="queue"),
    path("distributions/<int:pk>/", staff.ReviewView.as_view(), name="review"),
]
