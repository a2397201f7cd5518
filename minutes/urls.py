from django.urls import path

from minutes import views

app_name = "minutes"

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/<str:reference>/", views.meeting_detail, name="meeting-detail"),
]
