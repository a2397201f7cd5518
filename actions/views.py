"""Actions raised on items and the Actions Outstanding item, on the drafting page (to be written)."""

urlpatterns = []
