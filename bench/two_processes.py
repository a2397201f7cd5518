"""Two processes, one database: two gunicorn instances serving one PostgreSQL database.

Creates a fresh PostgreSQL database, migrates it, makes a committee with a full-size
draft meeting (OPSG_55, tests/factories.py), a small draft meeting (OPSG_56) with the
item to fight over, two secretaries, a member and a member to lock out, and sessions
for the secretaries made directly (verified with a TOTP device when django-otp is
installed; login time as opsg.session_limits stores it). Then starts two gunicorn
instances (A and B) on free loopback ports with the same DATABASE_URL and SECRET_KEY,
DEBUG=0 and static files collected into a temporary STATIC_ROOT, and shows with plain
HTTP clients (http.client, cookies kept by hand, CSRF tokens read from the pages) that:

1. a session made by logging in through A's login form works through B;
2. a lockout triggered through A (5 failed logins for one username) holds on B:
   the 6th attempt, through B with the right password, is refused (429 or "locked");
3. two secretaries saving the same item text through A and B at the same moment
   (threads released by a barrier, both starting from the same edit token) give
   exactly one save and one conflict (409) that keeps the loser's text, ROUNDS times;
4. 20 concurrent clients on mixed pages for LOAD_SECONDS, split over A and B, get
   no server error (5xx) and no connection error (nor any other unexpected status);
5. the gunicorn logs hold no traceback, no worker timeout and no static file refused
   to the PDF renderer (a PDF rendered without its print stylesheet or fonts).

Odd rounds post as the plain form does (302 / 409 with the form, typed text and a new
token), even ones as the editor's autosave (htmx: 200 JSON / 409 with the conflict panel
and the token to "save mine anyway"; the editor keeps the typed text in the browser).

Figures of step 3, per edit (two per round):
  saves won            answered 302 (plain form) or 200 (autosave, htmx)
  conflicts detected   answered 409
  edits lost           an edit that is neither the item's stored text after its round
                       nor kept for its author by a 409 answer (saved-but-not-stored, a 409
                       without the typed text and the token to save it again, any other answer)
  silently overwritten rounds in which both edits were answered as saved (one author was
                       told "saved" while the other save replaced their text)
A round passes when both edits started from the same token, exactly one was saved and
one refused with 409, the stored text is the winner's, and the 409 answer holds the
loser's text and the winner's version.

Usage: .venv/bin/python bench/two_processes.py (or `make two-processes`); exits 1 on
any failed check. DATABASE_URL gives the PostgreSQL server and database (default
postgres://postgres@127.0.0.1:5432/opsg_two_processes). The database is DROPPED and
created again, so a name not ending in "two_processes" gets "_two_processes" appended:
a DATABASE_URL exported for real work is never dropped. TWO_PROCESSES_ROUNDS (50) and
TWO_PROCESSES_LOAD_SECONDS (30) change the size of steps 3 and 4.
"""

import contextlib
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opsg_two_processes"
ROUNDS = int(os.environ.get("TWO_PROCESSES_ROUNDS") or 50)
LOAD_SECONDS = float(os.environ.get("TWO_PROCESSES_LOAD_SECONDS") or 30)
LOAD_CLIENTS = 20
WORKERS, THREADS = 3, 2
MEETING = "OPSG_55"  # the meeting the load reads and saves to
RACE_MEETING = "OPSG_56"  # the small draft meeting whose item the two secretaries edit
LOCKOUT_FAILURES = 5
STARTED = time.monotonic()


def say(message):
    print(f"[{time.monotonic() - STARTED:5.1f}s] {message}", flush=True)


# ---- The database ---------------------------------------------------------------------


def database_url():
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit(f"two_processes needs PostgreSQL; DATABASE_URL is {url!r}")
    name = parts.path.lstrip("/") or "opsg"
    if not name.endswith("two_processes"):
        # Dropped and created again: never a database that might hold real work.
        name = f"{name}_two_processes"
    return urlunsplit(parts._replace(path=f"/{name}")), name


def maintenance_connection(url):
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=parts.username or None,
        password=parts.password or None,
        host=parts.hostname or None,
        port=parts.port or None,
    )
    connection.autocommit = True
    return connection


def recreate_database(url, name):
    connection = maintenance_connection(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def drop_database(url, name):
    connection = maintenance_connection(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


def server_environment(url, tmp):
    env = dict(os.environ)
    for name in ("CONN_MAX_AGE", "WHITENOISE_USE_FINDERS", "EMAIL_HOST", "SECURE_PROXY"):
        env.pop(name, None)  # defaults, as a production process has them
    env.update(
        DJANGO_SETTINGS_MODULE="opsg.settings",
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env, *args, log):
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


class Data:
    """What the setup made and the clients need."""


def setup_django(env):
    """Django in this process, with the servers' settings (above all SECRET_KEY: sessions carry
    a hash made with it)."""
    for name in set(os.environ) - set(env):
        del os.environ[name]
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def collect_static():
    """collectstatic into the temporary STATIC_ROOT, without WhiteNoise's compression.

    With DEBUG=0 the settings use WhiteNoise's CompressedManifestStaticFilesStorage, and
    the URLconf asks its manifest for the favicon's name: nothing starts without a
    manifest. Its compression (gzip and brotli of every file) takes half a minute of
    CPU; Django's ManifestStaticFilesStorage writes the same hashed files and the same
    staticfiles.json in two seconds. The servers then run with the settings' storage
    and serve the files uncompressed.
    """
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    manifest_only = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": manifest_only}):
        call_command("collectstatic", interactive=False, verbosity=0)


def make_data():
    """The committee, its meetings, users, items and sessions the checks use (in this process)."""
    from django.apps import apps
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from actions.models import Action
    from minutes.models import Meeting, Membership
    from tests.factories import make_committee, make_full_meeting, make_item, make_meeting, make_user

    data = Data()
    data.password = secrets.token_urlsafe(12)

    def user(username, first, last, role):
        made = make_user(username, committee=committee, role=role, password=data.password)
        made.first_name, made.last_name = first, last
        made.save(update_fields=["first_name", "last_name"])
        return made

    with transaction.atomic():
        committee = make_committee("OPSG", "Operations Group")
        # OPSG_55 about the size of the demo's (attendance, 20 items, decisions, actions),
        # after OPSG_54; both drafts.
        meeting = make_full_meeting(committee, 55, 1)
        # The item both secretaries edit, on a small draft meeting: a round's two page loads stay quick.
        race_meeting = make_meeting(committee, 56)
        make_item(race_meeting, "Matters arising")
        race_item = make_item(race_meeting, "Two processes: the item both secretaries edit")
        # One item per secretary client of the load (the even ones): their saves never conflict.
        load_items = [make_item(meeting, f"Two processes: load item {n}") for n in range(LOAD_CLIENTS // 2)]
        secretaries = [
            user("sec_a", "Ada", "Alder", Membership.Role.SECRETARY),
            user("sec_b", "Bea", "Birch", Membership.Role.SECRETARY),
        ]
        member = user("member", "Morgan", "Mills", Membership.Role.MEMBER)
        locked = user("lockme", "Lee", "Locke", Membership.Role.MEMBER)

    data.otp = apps.is_installed("django_otp") and apps.is_installed("django_otp.plugins.otp_totp")
    backends = list(settings.AUTHENTICATION_BACKENDS)
    model_backend = "django.contrib.auth.backends.ModelBackend"
    backend = model_backend if model_backend in backends else backends[-1]
    devices = {}
    try:
        from opsg import session_limits
    except ImportError:
        session_limits = None

    def session_for(user):
        """A logged-in (and, with django-otp, second-factor verified) session, made directly."""
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = backend
        store["_auth_user_hash"] = user.get_session_auth_hash()
        if session_limits is not None:
            # What opsg.session_limits stores at login: the session's age counts from now.
            store[session_limits.LOGIN_AT] = store[session_limits.LAST_ACTIVITY] = int(time.time())
        if data.otp:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            if user.pk not in devices:
                devices[user.pk] = TOTPDevice.objects.create(user=user, name="two-processes", confirmed=True)
            store["otp_device_id"] = devices[user.pk].persistent_id
        store.create()
        return store.session_key

    data.member_name = member.get_full_name() or member.username
    data.locked_username = locked.username
    data.race_item = race_item.pk
    data.race_sessions = [session_for(user) for user in secretaries]
    # Load: even clients are secretaries (drafting page, saves), odd ones the member.
    data.load_sessions = [
        session_for(secretaries[n % 4 // 2]) if n % 2 == 0 else session_for(member)
        for n in range(LOAD_CLIENTS)
    ]
    data.load_items = [item.pk for item in load_items]
    data.meetings = [
        m.reference for m in Meeting.objects.filter(committee=committee).select_related("committee")
    ]
    data.committee = committee.pk
    actions = Action.objects.filter(committee=committee).order_by("id")
    data.action_pages = [action.get_absolute_url() for action in actions.select_related("committee")[:40]]
    data.axes = apps.is_installed("axes")
    return data


def stored_text(item_id):
    from minutes.models import AgendaItem

    return AgendaItem._base_manager.filter(pk=item_id).values_list("minutes_text", flat=True).get()


def stored_token(item_id):
    """The edit token of the item's text as stored now (what a page loaded now would carry)."""
    from minutes.forms import ItemTextForm
    from minutes.models import AgendaItem

    return AgendaItem._base_manager.get(pk=item_id).edit_token(ItemTextForm.token_fields)


# ---- HTTP ----------------------------------------------------------------------------


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body
        self.text = body.decode("utf-8", "replace")


class Client:
    """One browser: its own cookies, one server (A or B), a new connection per request."""

    def __init__(self, server):
        self.server = server
        self.cookies = {}

    @property
    def base(self):
        return f"http://127.0.0.1:{self.server.port}"

    def request(self, method, path, data=None, headers=None, timeout=60):
        head = {"User-Agent": "two-processes", "Connection": "close", "Accept": "text/html,*/*"}
        body = None
        if data is not None:
            body = urlencode(data).encode()
            head["Content-Type"] = "application/x-www-form-urlencoded"
            head["Origin"] = self.base
            head["Referer"] = self.base + path
        if self.cookies:
            head["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        head.update(headers or {})
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=timeout)
        try:
            connection.request(method, path, body, head)
            answer = connection.getresponse()
            content = answer.read()
        finally:
            connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(answer.status, answer.headers, content)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.request("POST", path, data=data, **kwargs)


class Forms(HTMLParser):
    """The forms of a page: action, method and inputs (name, type, value)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.forms, self._current = [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = {"action": attrs.get("action") or "", "inputs": []}
            self.forms.append(self._current)
        elif tag in {"input", "button"} and self._current is not None and attrs.get("name"):
            kind = (attrs.get("type") or ("submit" if tag == "button" else "text")).lower()
            self._current["inputs"].append((attrs["name"], kind, attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None

    def login_form(self):
        for form in self.forms:
            if any(kind == "password" for _name, kind, _value in form["inputs"]):
                return form
        return None


def log_in(client, username, password):
    """Log in through the login form, whatever its field names (plain or two-factor wizard)."""
    page = client.get("/accounts/login/")
    form = Forms(page.text).login_form() if page.status == 200 else None
    if form is None:
        return page
    fields = {}
    for name, kind, value in form["inputs"]:
        if kind == "hidden":
            fields[name] = value
        elif kind == "password" or "password" in name:
            fields[name] = password
        elif "username" in name:
            fields[name] = username
    return client.post(form["action"] or "/accounts/login/", fields)


def hidden_value(html, name):
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', html
    )
    return match.group(1) if match else None


# ---- Servers -------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, name, env, tmp):
        self.name, self.port = name, free_port()
        self.log_path = tmp / f"gunicorn-{name}.log"
        self.access_path = tmp / f"gunicorn-{name}.access.log"
        gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
        if not gunicorn.exists():
            gunicorn = Path(sys.executable).parent / "gunicorn"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in wait_stopped())
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "opsg.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={WORKERS}",
                f"--threads={THREADS}",
                "--timeout=60",
                "--graceful-timeout=5",
                f"--access-logfile={self.access_path}",
                "--error-logfile=-",
                f"--name=two-processes-{name}",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole
        )

    def wait_ready(self, deadline):
        client = Client(self)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.name} exited with {self.process.returncode}")
            try:
                if client.get("/accounts/login/", timeout=5).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn {self.name} did not answer on port {self.port}")

    def _signal_group(self, number):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)

    def terminate(self):
        """SIGTERM to the whole process group (master and workers): a graceful stop."""
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)

    def wait_stopped(self):
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL)
            self.process.wait(timeout=10)
        self._signal_group(signal.SIGKILL)  # any worker left behind
        self._log.close()

    def problems(self):
        """Tracebacks, worker timeouts, and static files a PDF could not load, in the log."""
        text = self.log_path.read_text(errors="replace")
        return {
            "traceback(s)": text.count("Traceback"),
            "worker timeout(s)": text.count("WORKER TIMEOUT"),
            "static file(s) refused to the PDF renderer": text.count("RefusedURL"),
        }

    def tail(self):
        """The log's first traceback, its last lines (without the expected 409 warnings), the last requests."""
        lines = self.log_path.read_text(errors="replace").splitlines() if self.log_path.exists() else []
        first = next((n for n, line in enumerate(lines) if line.startswith("Traceback")), None)
        if first is not None:
            end = next((n for n in range(first + 1, len(lines)) if not lines[n].startswith(" ")), len(lines))
            print(f"---- gunicorn {self.name}: first traceback in {self.log_path.name}")
            for line in lines[max(0, first - 1) : min(end + 1, first + 60)]:
                print(f"  {line}")
        print(f"---- gunicorn {self.name}: last lines of {self.log_path.name} and {self.access_path.name}")
        for line in [line for line in lines if not line.startswith("Conflict: ")][-30:]:
            print(f"  {line}")
        if self.access_path.exists():
            for line in self.access_path.read_text(errors="replace").splitlines()[-10:]:
                print(f"  {line}")


# ---- The checks ----------------------------------------------------------------------


class Checks:
    def __init__(self):
        self.results = []  # (name, ok, detail)

    def record(self, name, ok, detail=""):
        self.results.append((name, ok, detail))
        say(f"{'ok    ' if ok else 'FAILED'} {name}{': ' + detail if detail else ''}")
        return ok

    @property
    def ok(self):
        return all(ok for _name, ok, _detail in self.results)


def check_session_shared(checks, a, b, data):
    client = Client(a)
    answer = log_in(client, "member", data.password)
    if answer.status != 302 or "sessionid" not in client.cookies:
        steps = [name for form in Forms(answer.text).forms for name, _k, _v in form["inputs"]]
        return checks.record(
            "1 session made through A works through B",
            False,
            f"login through A answered {answer.status} without a session (form fields now: {steps})",
        )
    other = Client(b)
    other.cookies["sessionid"] = client.cookies["sessionid"]
    page = other.get(f"/meetings/{MEETING}/")
    on_login_page = Forms(page.text).login_form() is not None
    ok = page.status == 200 and data.member_name in page.text and not on_login_page
    return checks.record(
        "1 session made through A works through B",
        ok,
        f"login through A: {answer.status} to {answer.headers.get('Location')}; "
        f"B's meeting page with that cookie: {page.status}, "
        f"{'shows' if data.member_name in page.text else 'does NOT show'} {data.member_name!r}",
    )


def check_lockout_shared(checks, a, b, data):
    name = "2 lockout through A holds on B"
    attacker = Client(a)
    statuses = []
    for attempt in range(LOCKOUT_FAILURES):
        statuses.append(log_in(attacker, data.locked_username, f"wrong-password-{attempt}").status)
    client = Client(b)
    answer = log_in(client, data.locked_username, data.password)
    locked = answer.status == 429 or "locked" in answer.text.lower()
    logged_in = answer.status == 302 and "sessionid" in client.cookies
    detail = (
        f"{LOCKOUT_FAILURES} wrong passwords through A: {statuses}; "
        f"right password through B: {answer.status}{' (logged in)' if logged_in else ''}"
    )
    if not data.axes:
        detail += "; django-axes is not in INSTALLED_APPS, so nothing locks accounts"
    return checks.record(name, locked and not logged_in, detail)


def check_same_item(checks, a, b, data, figures):
    """Both secretaries load the drafting page, then post different texts at the same moment."""
    item = data.race_item
    draft = f"/meetings/{RACE_MEETING}/draft/"
    action = f"/meetings/{RACE_MEETING}/draft/items/{item}/text/"
    clients = []
    for server, session in zip((a, b), data.race_sessions, strict=True):
        client = Client(server)
        client.cookies["sessionid"] = session
        clients.append(client)
    failures, last_json_token, begin = [], None, time.monotonic()
    for number in range(1, ROUNDS + 1):
        htmx = number % 2 == 0  # odd rounds as plain form posts, even ones as the editor's autosave
        barrier = threading.Barrier(2)
        outcomes = [{}, {}]
        texts = [f"Round {number}: secretary {who} typed {secrets.token_hex(6)}" for who in "AB"]

        def edit(client, text, outcome, barrier=barrier, htmx=htmx):
            try:
                page = client.get(draft)
                outcome["page"] = page.status
                outcome["token"] = hidden_value(page.text, f"text-{item}-token")
                csrf = hidden_value(page.text, "csrfmiddlewaretoken")
                if page.status != 200 or not outcome["token"] or not csrf:
                    raise RuntimeError(f"drafting page answered {page.status} without the item's form")
                barrier.wait(timeout=30)
                fields = {
                    "csrfmiddlewaretoken": csrf,
                    f"text-{item}-token": outcome["token"],
                    f"text-{item}-minutes_text": text,
                }
                headers = {"Referer": client.base + draft}
                if htmx:
                    headers["HX-Request"] = "true"
                    headers["HX-Current-URL"] = client.base + draft
                answer = client.post(action, fields, headers=headers)
                outcome["status"], outcome["body"] = answer.status, answer.text
            except Exception as error:  # every failure is a result here
                barrier.abort()
                outcome["error"] = f"{type(error).__name__}: {error}"

        threads = [
            threading.Thread(target=edit, args=(clients[n], texts[n], outcomes[n]), daemon=True)
            for n in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stored, current_token = stored_text(item), stored_token(item)
        figures["edits tried"] += 2
        saved = [n for n in range(2) if outcomes[n].get("status") in (200, 302)]
        refused = [n for n in range(2) if outcomes[n].get("status") == 409]
        figures["saves won"] += len(saved)
        figures["conflicts detected"] += len(refused)
        for n in range(2):
            if n in saved:
                lost = texts[n] not in stored
            elif n in refused:
                lost = not conflict_keeps_edit(outcomes[n]["body"], texts[n], item, current_token, htmx)
            else:
                lost = True
            figures["edits lost"] += lost
        if len(saved) == 2:
            figures["silently overwritten"] += 1
        problems = []
        if any("error" in outcome for outcome in outcomes):
            problems.append("; ".join(o["error"] for o in outcomes if "error" in o))
        if outcomes[0].get("token") != outcomes[1].get("token"):
            problems.append("the two pages gave different tokens (not a race)")
        if last_json_token and outcomes[0].get("token") and last_json_token != outcomes[0]["token"]:
            problems.append("the token the last autosave returned is not the page's token")
        last_json_token = None
        if len(saved) != 1 or len(refused) != 1:
            problems.append(f"answers {[o.get('status') for o in outcomes]}, wanted one save and one 409")
        else:
            winner, loser = saved[0], refused[0]
            body = outcomes[loser]["body"]
            if texts[winner] not in stored or texts[loser] in stored:
                problems.append(f"stored text is {stored!r}, not the winner's")
            if not conflict_keeps_edit(body, texts[loser], item, current_token, htmx):
                problems.append(
                    "the 409 answer lacks the token to save again"
                    if htmx
                    else "the 409 answer does not hold the loser's typed text and the token to save it"
                )
            if texts[winner] not in body:
                problems.append("the 409 answer does not show the other version")
            if htmx:
                try:
                    last_json_token = json.loads(outcomes[winner]["body"])["token"]
                except (ValueError, KeyError):
                    problems.append("the autosave answer is not JSON with a token")
        if problems:
            failures.append(f"round {number}: {'; '.join(problems)}")
    for failure in failures[:10]:
        say(f"       {failure}")
    return checks.record(
        f"3 same item through A and B at the same moment ({ROUNDS} rounds)",
        not failures and figures["edits lost"] == 0 and figures["silently overwritten"] == 0,
        (f"{len(failures)} round(s) failed" if failures else "one save and one 409 in every round")
        + f", {time.monotonic() - begin:.1f} s",
    )


def conflict_keeps_edit(body, text, item, current_token, htmx):
    """Does a 409 answer let its author keep and save again what they typed?

    A plain form post gets the form back with the typed text and a token based on the
    version now stored ("save again" then deliberately replaces it). The editor's
    autosave (htmx) keeps the typed text in the browser and gets that token in the
    conflict panel ("Save mine anyway").
    """
    if htmx:
        return f'data-token="{current_token}"' in body
    return text in body and hidden_value(body, f"text-{item}-token") == current_token


LOAD_KINDS = {
    # kind: (weight, for secretaries only)
    "meeting list": (12, False),
    "meeting page": (16, False),
    "drafting page": (12, True),
    "action log": (20, False),
    "action page": (12, False),
    "PDF": (2, False),
    "static file": (15, False),
    "item text save": (3, True),
}
CONNECTION_ERRORS = set()  # names of the exceptions clients of the load got instead of an answer
LOG_QUERIES = [
    "",
    "?q=DCC",
    "?q=smart+meter&sort=-target",
    "?status=outstanding",
    "?status=closed&sort=owner",
    "?overdue=on",
    "?due_within=30&sort=target",
    "?meeting=OPSG_54",
    "?committee={committee}&status=outstanding&sort=-raised",
    "?q=report&per_page=100",
]


def run_load(checks, servers, data, figures):
    # Static file addresses as the pages give them (hashed names from the manifest).
    probe = Client(servers[0])
    probe.cookies["sessionid"] = data.load_sessions[1]
    statics = re.findall(
        r'(?:href|src)="(/static/[^"]+\.(?:css|js|svg))"', probe.get(f"/meetings/{MEETING}/").text
    )
    if not statics:
        return checks.record("4 load", False, "the meeting page links no static file")
    results, lock = [], threading.Lock()
    deadline = time.monotonic() + LOAD_SECONDS

    def client_loop(number):
        rng = random.Random(number)
        client = Client(servers[0] if number < LOAD_CLIENTS // 2 else servers[1])
        client.cookies["sessionid"] = data.load_sessions[number]
        secretary = number % 2 == 0
        kinds = [kind for kind, (_w, only) in LOAD_KINDS.items() if secretary or not only]
        weights = [LOAD_KINDS[kind][0] for kind in kinds]
        item = data.load_items[number // 2]
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights)[0]
            requests = []  # (method, path, expected status)
            if kind == "meeting list":
                requests.append(
                    ("GET", rng.choice(["/meetings/", "/meetings/?q=OPSG", "/meetings/?page=1"]), 200)
                )
            elif kind == "meeting page":
                requests.append(("GET", f"/meetings/{rng.choice([MEETING, *data.meetings])}/", 200))
            elif kind == "drafting page":
                requests.append(("GET", f"/meetings/{MEETING}/draft/", 200))
            elif kind == "action log":
                query = rng.choice(LOG_QUERIES).format(committee=data.committee)
                requests.append(("GET", f"/actions/{query}", 200))
            elif kind == "action page":
                requests.append(("GET", rng.choice(data.action_pages), 200))
            elif kind == "PDF":
                requests.append(("GET", f"/meetings/{rng.choice([MEETING, *data.meetings])}/pdf/", 200))
            elif kind == "static file":
                requests.append(("GET", rng.choice(statics), 200))
            else:
                requests.append(("GET", f"/meetings/{MEETING}/draft/", 200))
            page = None
            for _method, path, expected in requests:
                begin = time.perf_counter()
                try:
                    page = client.get(path)
                    # An empty 200 is no answer (gunicorn's access log shows 0 bytes for files it sendfile()s).
                    status = page.status if page.body or page.status != 200 else "200 with an empty body"
                except (OSError, http.client.HTTPException) as error:
                    status, page = f"{type(error).__name__}", None
                    CONNECTION_ERRORS.add(status)
                elapsed = (time.perf_counter() - begin) * 1000
                with lock:
                    results.append(
                        (
                            kind if kind != "item text save" else "drafting page",
                            status,
                            expected,
                            elapsed,
                            path,
                        )
                    )
            if kind == "item text save" and page is not None and page.status == 200:
                fields = {
                    "csrfmiddlewaretoken": hidden_value(page.text, "csrfmiddlewaretoken") or "",
                    f"text-{item}-token": hidden_value(page.text, f"text-{item}-token") or "",
                    f"text-{item}-minutes_text": f"Load save by client {number}: {secrets.token_hex(4)}",
                }
                path = f"/meetings/{MEETING}/draft/items/{item}/text/"
                begin = time.perf_counter()
                try:
                    status = client.post(
                        path, fields, headers={"Referer": client.base + f"/meetings/{MEETING}/draft/"}
                    ).status
                except (OSError, http.client.HTTPException) as error:
                    status = f"{type(error).__name__}"
                    CONNECTION_ERRORS.add(status)
                with lock:
                    results.append((kind, status, 302, (time.perf_counter() - begin) * 1000, path))

    threads = [threading.Thread(target=client_loop, args=(n,), daemon=True) for n in range(LOAD_CLIENTS)]
    begin = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - begin
    # A server error: 5xx, or no answer at all (the status is then the exception's name).
    errors = [r for r in results if (isinstance(r[1], int) and r[1] >= 500) or r[1] in CONNECTION_ERRORS]
    unexpected = [r for r in results if r not in errors and r[1] != r[2]]
    served = [r for r in results if r not in errors]
    times = sorted(r[3] for r in results)
    figures["requests served"] = len(served)
    figures["errors (5xx, connection)"] = len(errors)
    figures["unexpected answers"] = len(unexpected)
    figures["requests/s"] = f"{len(results) / elapsed:.1f}"
    figures["latency p50 / p95"] = f"{percentile(times, 50):.0f} / {percentile(times, 95):.0f} ms"
    print()
    print(f"  {'load: request kind':<22}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for kind in LOAD_KINDS:
        rows = sorted(r[3] for r in results if r[0] == kind)
        if rows:
            bad = sum(1 for r in errors + unexpected if r[0] == kind)
            print(
                f"  {kind:<22}{len(rows):>7}{percentile(rows, 50):>9.0f}{percentile(rows, 95):>9.0f}{bad:>8}"
            )
    print()
    for row in (errors + unexpected)[:10]:
        say(f"       {row[0]}: {row[4]} answered {row[1]} (wanted {row[2]})")
    return checks.record(
        f"4 load: {LOAD_CLIENTS} clients for {LOAD_SECONDS:.0f} s over A and B",
        bool(results) and not errors and not unexpected,
        f"{len(results)} requests, {len(errors)} errors, {len(unexpected)} unexpected answers",
    )


def percentile(ordered, p):
    if not ordered:
        return 0.0
    if p == 50:
        return statistics.median(ordered)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


# ---- Main ----------------------------------------------------------------------------


def main():
    # A stop from outside (CI timeout, Ctrl+C) still stops the servers and drops the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    url, name = database_url()
    tmp = Path(tempfile.mkdtemp(prefix="two-processes-"))
    env = server_environment(url, tmp)
    checks = Checks()
    figures = dict.fromkeys(
        ["edits tried", "saves won", "conflicts detected", "edits lost", "silently overwritten"], 0
    )
    servers, created = [], False
    try:
        say(f"database {name} on {urlsplit(url).hostname}:{urlsplit(url).port or 5432}: drop and create")
        recreate_database(url, name)
        created = True
        setup_django(env)
        collect_static()
        with open(tmp / "migrate.log", "wb") as log:
            if manage(env, "migrate", "--noinput", log=log).wait() != 0:
                print((tmp / "migrate.log").read_text(errors="replace")[-3000:])
                raise RuntimeError("manage.py migrate failed")
        say("static files collected into a temporary STATIC_ROOT; migrated")
        # The servers boot while the data is made.
        servers = [Server("A", env, tmp), Server("B", env, tmp)]
        data = make_data()
        from django.db import connections

        connections.close_all()
        say(
            f"{MEETING} (full size), {RACE_MEETING}, secretaries sec_a and sec_b, sessions made directly"
            f"{' with a confirmed TOTP device (django-otp)' if data.otp else ''}"
        )
        deadline = time.monotonic() + 40
        for server in servers:
            server.wait_ready(deadline)
        say(
            f"gunicorn A on :{servers[0].port}, B on :{servers[1].port} "
            f"({WORKERS} workers x {THREADS} threads each), both answer"
        )
        a, b = servers
        check_session_shared(checks, a, b, data)
        check_lockout_shared(checks, a, b, data)
        check_same_item(checks, a, b, data, figures)
        run_load(checks, servers, data, figures)
        for server in servers:
            found = {what: count for what, count in server.problems().items() if count}
            checks.record(
                f"gunicorn {server.name} log: no traceback, worker timeout or refused PDF asset",
                not found,
                ", ".join(f"{count} {what}" for what, count in found.items()),
            )
    except Exception:  # reported, then the run fails
        traceback.print_exc()
        checks.record("set-up and run", False, "stopped by the error above")
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait_stopped()
        if not checks.ok:
            for server in servers:
                server.tail()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # Django may not be set up yet
            pass
        if created:
            try:
                drop_database(url, name)
            except Exception as error:
                say(f"could not drop {name}: {error}")
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(f"  {'figure':<28}{'value':>16}")
    for label, value in figures.items():
        print(f"  {label:<28}{value!s:>16}")
    print()
    failed = [name for name, ok, _detail in checks.results if not ok]
    total = time.monotonic() - STARTED
    if failed:
        print(f"two processes, one database: FAILED ({', '.join(failed)}) in {total:.0f} s")
        return 1
    print(f"two processes, one database: all checks passed in {total:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
