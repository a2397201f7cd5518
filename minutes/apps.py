from django.apps import AppConfig


class MinutesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "minutes"

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from minutes.audit import register_minutes_history
        from minutes.security import log_failed_login

        register_minutes_history()
        user_login_failed.connect(log_failed_login, dispatch_uid="minutes.security.log_failed_login")
