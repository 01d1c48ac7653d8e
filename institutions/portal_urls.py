"""Mounted under /portal/ (namespace ``portal``)."""

from django.urls import path

from . import portal

app_name = "portal"

urlpatterns = [
    path("", portal.DashboardView.as_view(), name="dashboard"),
    path("choose/", portal.ChooseInstitutionView.as_view(), name="choose"),
    path("logo/", portal.LogoView.as_view(), name="logo"),
    path("logo/remove/", portal.LogoRemoveView.as_view(), name="logo-remove"),
    path("members/", portal.MembersView.as_view(), name="members"),
    path("members/<int:pk>/role/", portal.MemberRoleView.as_view(), name="member-role"),
    path("members/<int:pk>/remove/", portal.MemberRemoveView.as_view(), name="member-remove"),
    path(
        "invitations/<int:pk>/revoke/",
        portal.InvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
]
