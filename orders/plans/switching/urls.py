from django.urls import path

from . import views

app_name = "switching"

urlpatterns = [
    path("me/portfolio/<slug:slug>/switch/", views.switch_new, name="new"),
    path("me/switches/", views.switch_list, name="list"),
    path("me/switches/<int:pk>/", views.switch_detail, name="detail"),
    path("me/switches/<int:pk>/cancel/", views.switch_cancel, name="cancel"),
]
