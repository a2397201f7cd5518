from django.apps import AppConfig


class MinutesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "minutes"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from minutes.audit import register_minutes_history
        from minutes.security import log_failed_login, log_lockout
        from minutes.session_limits import record_login

        register_minutes_history()
        user_login_failed.connect(log_failed_login, dispatch_uid="minutes.security.log_failed_login")
        user_locked_out.connect(log_lockout, dispatch_uid="minutes.security.log_lockout")
        user_logged_in.connect(record_login, dispatch_uid="minutes.session_limits.record_login")
