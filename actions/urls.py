from actions import link_views, log_views, owner_views, views

app_name = "actions"

urlpatterns = [*views.urlpatterns, *log_views.urlpatterns, *owner_views.urlpatterns, *link_views.urlpatterns]
