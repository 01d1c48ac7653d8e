"""The whole site plus ``/bench/bare/``: the same middleware stack with no view work, the
baseline the catalogue pages are compared with."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("marketplace.urls")),
]
