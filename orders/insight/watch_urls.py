from django.urls import path

from . import watch_views

app_name = "watch"

urlpatterns = [
    path("me/watchlist/", watch_views.watchlist, name="list"),
    path("me/watchlist/alerts/", watch_views.alert_add, name="alert-add"),
    path("me/watchlist/alerts/<int:pk>/delete/", watch_views.alert_remove, name="alert-remove"),
    path("me/watchlist/<slug:slug>/watch/", watch_views.watch_add, name="add"),
    path("me/watchlist/<slug:slug>/unwatch/", watch_views.watch_remove, name="remove"),
]
