from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from opsg import two_factor

admin.site.site_header = "Minutes & Actions administration"
admin.site.site_title = "Minutes & Actions"


def favicon(request):
    # static() at request time: in production it needs the collected files' manifest,
    # which a fresh deploy may not have when manage.py first imports the URLs.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="minutes:meeting-list"), name="home"),
    path("favicon.ico", favicon),
    path("", include("minutes.urls")),
    path("", include("actions.urls")),
    # The login page is two-factor's login wizard; before Django's auth URLs, so that it wins.
    path("accounts/login/", two_factor.login_view, name="login"),
    path("accounts/", include((two_factor.urlpatterns, "two_factor"))),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "opsg.errors.server_error_or_unavailable"
