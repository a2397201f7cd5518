from minutes.views import (
    archive,
    attendance,
    committees,
    decisions,
    drafting,
    history,
    jobs,
    lifecycle,
    meetings,
    redline,
    review,
    word,
    word_import,
)

app_name = "minutes"

# Drafting first: "meetings/new/" must win over "meetings/<reference>/".
urlpatterns = [
    *drafting.urlpatterns,
    *attendance.urlpatterns,
    *decisions.urlpatterns,
    *lifecycle.urlpatterns,
    *review.urlpatterns,
    *redline.urlpatterns,
    *history.urlpatterns,
    *word.urlpatterns,
    *meetings.urlpatterns,
    *committees.urlpatterns,
    *archive.urlpatterns,
    *word_import.urlpatterns,
    *jobs.urlpatterns,
]
