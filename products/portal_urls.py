"""Mounted under /portal/ (namespace ``portal_products``)."""

from django.urls import path

from . import portal, report_portal, storefront_portal

app_name = "portal_products"

urlpatterns = [
    path("products/", portal.ProductListView.as_view(), name="list"),
    path("products/new/", portal.ProductCreateView.as_view(), name="create"),
    path("products/<slug:slug>/", portal.ProductDetailView.as_view(), name="detail"),
    path("products/<slug:slug>/edit/", portal.ProductEditView.as_view(), name="edit"),
    path("products/<slug:slug>/nav/", portal.NavUploadView.as_view(), name="nav"),
    path("products/<slug:slug>/yield/", portal.YieldUploadView.as_view(), name="yield"),
    path(
        "products/<slug:slug>/documents/",
        portal.DocumentUploadView.as_view(),
        name="documents",
    ),
    path("products/<slug:slug>/report/", report_portal.ReportView.as_view(), name="report"),
    path(
        "products/<slug:slug>/report/template.csv",
        report_portal.ReportTemplateView.as_view(),
        name="report-template",
    ),
    path(
        "products/<slug:slug>/report/<int:report_pk>/submit/",
        report_portal.ReportSubmitView.as_view(),
        name="report-submit",
    ),
    path(
        "products/<slug:slug>/<str:action>/",
        portal.ProductActionView.as_view(),
        name="action",
    ),
    path("articles/", storefront_portal.ArticleListView.as_view(), name="articles"),
    path("articles/new/", storefront_portal.ArticleEditView.as_view(), name="article-create"),
    path(
        "articles/<int:pk>/edit/", storefront_portal.ArticleEditView.as_view(), name="article-edit"
    ),
    path(
        "articles/<int:pk>/<str:action>/",
        storefront_portal.ArticleActionView.as_view(),
        name="article-action",
    ),
    path("lists/", storefront_portal.CuratedListListView.as_view(), name="curated"),
    path("lists/new/", storefront_portal.CuratedListEditView.as_view(), name="curated-create"),
    path(
        "lists/<int:pk>/edit/", storefront_portal.CuratedListEditView.as_view(), name="curated-edit"
    ),
    path(
        "lists/<int:pk>/<str:action>/",
        storefront_portal.CuratedListActionView.as_view(),
        name="curated-action",
    ),
]
