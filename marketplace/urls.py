from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

admin.site.site_header = "Fortune Market administration"
admin.site.site_title = "Fortune Market admin"

api_v1 = [
    path("", include("institutions.api_urls")),
    path("", include("products.api_urls")),
    path("", include("profiles.api_urls")),
    path("", include("orders.api_urls")),
    path("", include("orders.cash.api_urls")),
    path("", include("orders.campaigns.api_urls")),
    path("", include("orders.campaigns.portal_api_urls")),
    path("", include("orders.aftersales.api_urls")),
    path("", include("orders.plans.api_urls")),
    path("", include("orders.plans.switching.api_urls")),
    path("", include("orders.plans.distributions.api_urls")),
    path("", include("orders.insight.watch_api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include(api_v1)),
    path("portal/", include("institutions.portal_urls")),
    # Before the products' own: their ``products/<slug>/<action>/`` would take it.
    path("portal/", include("orders.plans.distributions.portal_urls")),
    path("portal/", include("products.portal_urls")),
    path("portal/", include("orders.portal_urls")),
    path("portal/", include("orders.campaigns.portal_urls")),
    path("portal/", include("orders.aftersales.portal_urls")),
    path("portal/", include("orders.coupons.portal_urls")),
    path("staff/", include("institutions.staff_urls")),
    path("staff/", include("products.staff_urls")),
    path("staff/", include("orders.staff_urls")),
    path("staff/", include("profiles.staff_urls")),
    path("staff/", include("orders.aftersales.staff_urls")),
    path("staff/", include("orders.coupons.staff_urls")),
    path("staff/", include("orders.plans.distributions.staff_urls")),
    path("", include("institutions.urls")),
    path("", include("products.urls")),
    path("", include("profiles.urls")),
    path("", include("profiles.security.urls")),
    path("", include("orders.urls")),
    path("", include("orders.cash.urls")),
    path("", include("orders.campaigns.urls")),
    path("", include("orders.aftersales.urls")),
    path("", include("orders.coupons.urls")),
    path("", include("orders.plans.urls")),
    path("", include("orders.plans.switching.urls")),
    path("", include("orders.plans.distributions.urls")),
    path("", include("orders.insight.watch_urls")),
]
