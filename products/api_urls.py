"""Mounted under /api/v1/."""

from django.urls import path

from . import api, report_api

urlpatterns = [
    path("products/", api.CatalogueListAPI.as_view(), name="api-products"),
    path("products/<slug:slug>/", api.CatalogueDetailAPI.as_view(), name="api-product"),
    path("products/<slug:slug>/nav/", api.CatalogueNavAPI.as_view(), name="api-product-nav"),
    path("products/<slug:slug>/yield/", api.CatalogueYieldAPI.as_view(), name="api-product-yield"),
    path("me/recommendations/", api.MyRecommendationsAPI.as_view(), name="api-me-recommendations"),
    path("portal/products/", api.PortalProductListAPI.as_view(), name="api-portal-products"),
    path(
        "portal/products/<slug:slug>/",
        api.PortalProductDetailAPI.as_view(),
        name="api-portal-product",
    ),
    path(
        "portal/products/<slug:slug>/submit/",
        api.PortalProductSubmitAPI.as_view(),
        name="api-portal-product-submit",
    ),
    path(
        "portal/products/<slug:slug>/nav/",
        api.PortalNavAPI.as_view(),
        name="api-portal-product-nav",
    ),
    path(
        "portal/products/<slug:slug>/reports/",
        report_api.PortalReportListAPI.as_view(),
        name="api-portal-product-reports",
    ),
    path(
        "portal/products/<slug:slug>/reports/<int:report_pk>/submit/",
        report_api.PortalReportSubmitAPI.as_view(),
        name="api-portal-product-report-submit",
    ),
    path(
        "portal/products/<slug:slug>/yield/",
        api.PortalYieldAPI.as_view(),
        name="api-portal-product-yield",
    ),
]
