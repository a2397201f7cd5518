"""The app's URLs plus a bare view: the baseline every benchmark compares against."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from opsg.urls import urlpatterns as app_urlpatterns


@login_required
def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), *app_urlpatterns]
