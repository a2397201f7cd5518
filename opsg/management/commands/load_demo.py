"""`manage.py load_demo`: the OPSG committee and meeting OPSG_55 as demo data."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.management.base import BaseCommand

from opsg.demo import DEFAULT_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    help = (
        "Create the OPSG committee, meeting OPSG_55 (from real draft minutes), the invented "
        "Settlement Assurance Board with meetings around today, and demo users. "
        "Safe to run again: existing data is left unchanged. The demo password comes from "
        f"the DEMO_PASSWORD environment variable (default {DEFAULT_PASSWORD!r})."
    )

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        usernames = load_demo(password=password, stdout=self.stdout)
        roles = {username: (role, committees) for username, _person, role, _staff, committees in DEMO_USERS}
        users = get_user_model().objects.filter(username__in=usernames)
        hashes = dict(users.values_list("username", "password"))
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("Demo logins (username / password / role, committees):")
        for username in usernames:
            # Passwords are only set when a user is created; never say a password works when it does not.
            # (The hasher function, unlike User.check_password, never re-saves the hash.)
            shown = password if check_password(password, hashes[username]) else "(changed since created)"
            role, committees = roles[username]
            said = (
                f"{role.label}, {committees}" if role else "staff: /admin/, two-factor authentication always"
            )
            self.stdout.write(f"{username} / {shown} / {said}")
        if settings.DEMO_MODE:
            self.stdout.write(
                "DEMO_MODE is on: the demo users log in without two-factor authentication, "
                "except staff (admin); they may still set it up from the user menu."
            )
        else:
            self.stdout.write(
                "DEMO_MODE is off: secretary and chair must set up two-factor authentication "
                "(an authenticator app) at their first login."
            )
