"""Mounted under /staff/ (namespace ``staff_identity``)."""

from django.urls import path

from .identity import staff

app_name = "staff_identity"

urlpatterns = [
    path("identity/", staff.IdentityQueueView.as_view(), name="queue"),
    path("identity/<int:pk>/", staff.IdentityReviewView.as_view(), name="review"),
]
