from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("me/inbox/", views.inbox_page, name="inbox"),
    path("me/inbox/<int:pk>/read/", views.message_read, name="read"),
    path("me/inbox/read-all/", views.messages_read_all, name="read-all"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

# --- after-sales notices -----------------------------------------------------------------------

from . import notice_views  # noqa: E402

urlpatterns += [
    path(
        "me/notifications/",
        notice_views.notification_preferences,
        name="notifications",
    ),
]
