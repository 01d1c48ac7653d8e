from django.urls import path

from . import views

app_name = "security"

urlpatterns = [
    path("me/security/", views.SecurityView.as_view(), name="index"),
    path("me/security/pin/", views.PinSetView.as_view(), name="pin-set"),
    path("me/security/pin/change/", views.PinChangeView.as_view(), name="pin-change"),
    path("me/security/pin/reset/", views.PinResetRequestView.as_view(), name="pin-reset"),
    path(
        "me/security/pin/reset/<str:token>/",
        views.PinResetLinkView.as_view(),
        name="pin-reset-link",
    ),
    path("me/security/sessions/end/", views.SessionEndView.as_view(), name="sessions-end"),
]
