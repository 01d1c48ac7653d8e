from django.urls import path

from . import views

app_name = "coupons"

urlpatterns = [path("me/coupons/", views.my_coupons, name="mine")]
