"""Attendance on the drafting page (to be written)."""

urlpatterns = []
