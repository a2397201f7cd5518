"""Data built once for a test module, in a transaction rolled back after the module."""

from django.db import transaction


def built_for_module(django_db_blocker, build):
    """The body of a module-scoped fixture: yields `build()`, made in a transaction that is
    rolled back when the module is done. Each test's own transaction (pytest-django) is a
    savepoint inside it, rolled back after the test."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def load_demo_quickly():
    """`load_demo`, with a fast password hasher (the demo users' passwords are hashed on creation)."""
    import io

    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
