from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("me/plans/", views.plan_list, name="list"),
    path("me/plans/new/", views.plan_new, name="new"),
    path("products/<slug:slug>/plan/", views.plan_new, name="new-for"),
    path("me/plans/<int:pk>/", views.plan_detail, name="detail"),
    path("me/plans/<int:pk>/change/", views.plan_change, name="change"),
    path("me/plans/<int:pk>/pause/", views.plan_action, {"action": "pause"}, name="pause"),
    path("me/plans/<int:pk>/resume/", views.plan_action, {"action": "resume"}, name="resume"),
    path("me/plans/<int:pk>/stop/", views.plan_action, {"action": "stop"}, name="stop"),
]
