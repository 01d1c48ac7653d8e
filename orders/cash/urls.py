from django.urls import path

from . import views

app_name = "cards"

urlpatterns = [
    path("me/cards/", views.cards, name="list"),
    path("me/cards/<int:pk>/default/", views.card_default, name="default"),
    path("me/cards/<int:pk>/unbind/", views.card_unbind, name="unbind"),
]
