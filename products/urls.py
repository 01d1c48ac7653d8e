from django.urls import path

from . import views

app_name = "products"

urlpatterns = [
    path("products/", views.catalogue, name="catalogue"),
    # Before products/<slug>/, which would otherwise take "compare" for a product's slug.
    path("products/compare/", views.compare, name="compare"),
    path("products/<slug:slug>/", views.product_detail, name="detail"),
    path(
        "products/<slug:slug>/documents/<int:pk>/",
        views.document_download,
        name="document",
    ),
    path("about/ranking/", views.RankingView.as_view(), name="ranking"),
    path("me/", views.me_home, name="me"),
    # The public institution page lists its products, so it lives in the products app.
    path("institutions/<slug:slug>/", views.institution_page, name="institution"),
]
