from django.urls import path

from . import views

app_name = "distributions"

urlpatterns = [
    path(
        "me/portfolio/<slug:slug>/distributions/",
        views.holding_distributions,
        name="holding",
    ),
]
