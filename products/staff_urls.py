"""Mounted under /staff/ (namespace ``staff_products``)."""

from django.urls import path

from . import staff

app_name = "staff_products"

urlpatterns = [
    path("products/", staff.ProductQueueView.as_view(), name="queue"),
    path("products/<slug:slug>/", staff.ProductReviewView.as_view(), name="review"),
    path("products/<slug:slug>/nav/", staff.StaffNavUploadView.as_view(), name="nav"),
    path("reports/<int:pk>/", staff.ReportReviewView.as_view(), name="report"),
    path("revisions/<int:pk>/", staff.RevisionReviewView.as_view(), name="revision"),
]
