from django.urls import path

from . import views

app_name = "institutions"

urlpatterns = [
    path("institutions/", views.institution_list, name="list"),
    path("institutions/apply/", views.ApplyView.as_view(), name="apply"),
    # Public logos only; product documents stay behind their own checked view.
    path("media/logos/<path:name>", views.logo_file, name="logo"),
    path(
        "institutions/invitations/<str:token>/", views.InvitationView.as_view(), name="invitation"
    ),
]
