from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Minutes & Actions administration"
admin.site.site_title = "Minutes & Actions"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="minutes:meeting-list"), name="home"),
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.svg"), permanent=True)),
    path("", include("minutes.urls")),
    path("", include("actions.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
