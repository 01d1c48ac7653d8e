from django.urls import path

from . import views
from .identity import views as identity_views
from .language import language_choose

app_name = "profiles"

urlpatterns = [
    path("language/", language_choose, name="language"),
    path("me/profile/", views.ProfileView.as_view(), name="profile"),
    path("me/profile/consents/", views.ConsentView.as_view(), name="consent"),
    path("me/profile/export/", views.ExportView.as_view(), name="export"),
    path("me/profile/delete/", views.DeleteAccountView.as_view(), name="delete"),
    path("me/identity/", identity_views.IdentityView.as_view(), name="identity"),
    path("me/risk/", views.RiskQuestionnaireView.as_view(), name="risk"),
    path("me/risk/<int:pk>/", views.RiskResultView.as_view(), name="risk-result"),
]
