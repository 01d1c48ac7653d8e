"""Mounted under /staff/ (namespace ``staff``)."""

from django.urls import path

from . import staff

app_name = "staff"

urlpatterns = [
    path("institutions/", staff.InstitutionQueueView.as_view(), name="institutions"),
    path("institutions/<slug:slug>/", staff.InstitutionReviewView.as_view(), name="institution"),
    path("commission/", staff.CommissionContractsView.as_view(), name="contracts"),
]
