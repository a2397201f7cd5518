from minutes.views import attendance, decisions, drafting, meetings

app_name = "minutes"

# Drafting first: "meetings/new/" must win over "meetings/<reference>/".
urlpatterns = [*drafting.urlpatterns, *attendance.urlpatterns, *decisions.urlpatterns, *meetings.urlpatterns]
