from actions import views

app_name = "actions"

urlpatterns = views.urlpatterns
