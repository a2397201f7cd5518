from actions.views import action_page, drafting, history, imports, links, log, owners

app_name = "actions"

urlpatterns = [
    *drafting.urlpatterns,
    *log.urlpatterns,
    *imports.urlpatterns,
    *owners.urlpatterns,
    *action_page.urlpatterns,
    *links.urlpatterns,
    *history.urlpatterns,
]
