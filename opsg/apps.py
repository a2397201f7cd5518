from django.apps import AppConfig
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=False)
def demo_mode_only_with_debug(app_configs, **kwargs):
    """DEMO_MODE skips two-factor authentication for the demo users: never on a site without DEBUG."""
    if getattr(settings, "DEMO_MODE", False) and not settings.DEBUG:
        return [checks.Error(settings.DEMO_MODE_REFUSED, id="opsg.E001")]
    return []


class OpsgConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "opsg"
    verbose_name = "Minutes & Actions site"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from opsg.security import log_failed_login, log_lockout
        from opsg.session_limits import record_login

        user_login_failed.connect(log_failed_login, dispatch_uid="opsg.security.log_failed_login")
        user_locked_out.connect(log_lockout, dispatch_uid="opsg.security.log_lockout")
        user_logged_in.connect(record_login, dispatch_uid="opsg.session_limits.record_login")
