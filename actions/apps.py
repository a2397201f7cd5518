from django.apps import AppConfig


class ActionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "actions"

    def ready(self):
        from actions.audit import register_actions_history
        from actions.history import register_actions_history_links

        register_actions_history()
        register_actions_history_links()
        from actions import signals  # noqa: F401  (connects the search document's upkeep)
