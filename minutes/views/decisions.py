"""Decisions and footnotes on the drafting page (to be written)."""

urlpatterns = []
