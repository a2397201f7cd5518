from django.apps import AppConfig


class ActionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "actions"

    def ready(self):
        from actions.archive import register_actions_archive
        from actions.audit import register_actions_history
        from actions.history import register_actions_history_links
        from actions.in_minutes import add_actions_to_minutes
        from minutes.selectors import register_minutes_part

        register_actions_history()
        register_actions_history_links()
        register_minutes_part(add_actions_to_minutes)
        register_actions_archive()
        from actions import (  # noqa: F401  (signal receivers)
            minutes_import,  # the actions' part of importing Word minutes
            signals,  # the search document's upkeep, deleted items' actions
        )
