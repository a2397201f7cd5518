"""Generated text through every form a person fills in (issue 7, point 7), with Hypothesis.

Each form gets at least 200 examples (counted, printed and asserted): its free-text
fields get generated text (Hypothesis' own text, the hostile corpus, or corpus
strings inside generated text), now and then one of its other fields (dates,
choices, ids, tokens) a hostile value too, posted as a plain form or with htmx.
Every example must give no server error, nothing active in the answer, and either
the value stored as sent (trimmed; the minutes text sanitised) or a refusal that
says why: the checks of tests/hostile_forms.py (that a refusal changes nothing is
checked for the corpus by tests/test_hostile_input.py, and here for the posts
refused with a redirect, where only the tables tell a refusal from a success).

The login form, the action log's filters and the meetings list's search are
driven the same way. Each example runs in a savepoint rolled back after it, so
every example meets the same world (tests/hostile_support.py, built once for the
module). Hypothesis is derandomised and keeps no example database: the same
examples every run, in CI as here.
"""

import os
import time

import pytest
from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import hostile_fixtures
from tests.hostile_forms import FORMS, OTHER_VALUES, Outcome, check_answer, post_one, url
from tests.hostile_support import CORPUS_VALUES, csv_problems, send, shows_error

pytestmark = pytest.mark.django_db

# The world and its users, shared with the other hostile-input module (tests/hostile_fixtures.py).
world = hostile_fixtures.world
as_user = hostile_fixtures.as_user

# At least 200 examples per form (issue 7). CI's second pass, on SQLite, sets fewer
# (HYPOTHESIS_EXAMPLES in .ci/run): the 200 run on PostgreSQL, the production database.
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES") or 200)
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # each example is isolated by a savepoint instead
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

# The corpus without its 100,000-character strings (tests/test_hostile_input.py sends those).
SHORT_CORPUS = [value for value in CORPUS_VALUES if len(value) <= 1000]

hostile_text = st.one_of(
    # Hypothesis' own text (NUL comes from the branches below, so that most examples are saved).
    st.text(alphabet=st.characters(exclude_characters="\x00"), min_size=1, max_size=120),
    st.sampled_from(SHORT_CORPUS),
    st.builds(
        lambda before, value, after: before + value + after,
        st.text(max_size=20),
        st.sampled_from(SHORT_CORPUS),
        st.text(max_size=20),
    ),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x3F), max_size=20),  # controls, < > " '
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "So"]), max_size=20),
)


def _examples(form):
    """(form, {field: value}, htmx) for one example: every free-text field generated; now and then
    one other field hostile too, and the post sent with htmx."""
    texts = st.fixed_dictionaries({name: hostile_text for name in form.text})
    values = texts
    if form.other:
        one_other = st.builds(
            lambda name, value: {name: value},
            st.sampled_from(form.other),
            st.one_of(st.sampled_from(OTHER_VALUES), st.text(max_size=30)),
        )
        # One example in four.
        sometimes = st.tuples(st.sampled_from([False, False, False, True]), one_other)
        values = st.builds(lambda a, b: {**a, **(b[1] if b[0] else {})}, texts, sometimes)
    htmx = st.sampled_from([False, False, False, True]) if form.both else st.just(form.htmx)
    return st.tuples(st.just(form), values, htmx)


# Every form with free text a person types, the add and edit forms of a part together (the
# same form class); moves and the like, which take no text, and the life-cycle posts without a
# field on the page (reopen, sign-off) get the corpus only (tests/test_hostile_input.py).
GROUPS = {
    "decision (add, edit)": [("minutes:decision-add", 0), ("minutes:decision-edit", 0)],
    "footnote (add, edit)": [("minutes:footnote-add", 0), ("minutes:footnote-edit", 0)],
    "action (add, edit)": [("actions:action-add", 0), ("actions:action-edit", 0)],
    "review comment (comment, reply)": [("minutes:review-comment-add", 0), ("minutes:review-comment-add", 1)],
}
_grouped = {variant for variants in GROUPS.values() for variant in variants}
HYPOTHESIS_FORMS = {
    **{
        name: [(name, index)]
        for name, forms in FORMS.items()
        for index, form in enumerate(forms)
        if form.text
        and (name, index) not in _grouped
        and name not in ("minutes:meeting-reopen", "minutes:meeting-sign-off")
    },
    **GROUPS,
}


def _report(name, outcome, started):
    print(
        f"\n{name}: {outcome.posts} examples, {outcome.accepted} accepted, {outcome.refused} refused, "
        f"statuses {dict(sorted(outcome.statuses.items()))}, {time.perf_counter() - started:.1f} s"
    )


@pytest.mark.parametrize("label", sorted(HYPOTHESIS_FORMS))
def test_generated_text_through_each_form(as_user, world, label):
    variants = [FORMS[name][index] for name, index in HYPOTHESIS_FORMS[label]]
    (role,) = {form.role for form in variants}
    client = as_user(world, role)
    outcome = Outcome()
    started = time.perf_counter()

    @HYPOTHESIS
    @given(case=st.sampled_from(variants).flatmap(_examples))
    def example(case):
        form, values, htmx = case
        known = len(outcome.problems)
        post_one(client, world, form, values, outcome, htmx=htmx, unchanged=False)
        found = outcome.problems[known:]
        del outcome.problems[known:]
        # Fail the example itself, so that Hypothesis shrinks it to the smallest failing input.
        assert not found, found[0]

    example()
    _report(label, outcome, started)
    assert outcome.posts >= EXAMPLES, f"only {outcome.posts} examples of {label}"


def _reset_login_throttling():
    if apps.is_installed("axes"):
        from axes.utils import reset

        reset()


def test_generated_text_through_the_login_form(client, world):
    outcome = Outcome()
    started = time.perf_counter()
    usernames = st.one_of(hostile_text, st.sampled_from(sorted(world.users)))

    @HYPOTHESIS
    @given(username=usernames, password=hostile_text)
    def example(username, password):
        sid = transaction.savepoint()
        try:
            _reset_login_throttling()
            response = send(client, "POST", url("login"), {"username": username, "password": password})
            outcome.posts += 1
            outcome.statuses[response.status_code] = outcome.statuses.get(response.status_code, 0) + 1
            check_answer(response, f"login {username[:40]!r}")
            # 200: the form again with its message; 429: locked out by login throttling.
            assert response.status_code in (200, 429), response.status_code
            if response.status_code == 200:
                assert shows_error(response.content), "a refused login without a message"
        finally:
            transaction.savepoint_rollback(sid)

    example()
    _report("login", outcome, started)
    assert outcome.posts >= EXAMPLES


LOG_CHOICES = {
    "status": st.sampled_from(["", "outstanding", "open", "closed", "proposed_closed"]),
    "overdue": st.sampled_from(["", "on"]),
    "sort": st.sampled_from(["", "reference", "-target", "owner", "-status"]),
    "per_page": st.sampled_from(["", "25", "100"]),
}


@pytest.mark.parametrize(
    ("name", "role", "fields"),
    [
        (
            "actions:action-log",
            "secretary",
            ("q", "meeting", "due_within", "raised_from", "target_to", "owner"),
        ),
        ("actions:action-log-csv", "owner", ("q", "meeting")),
        ("minutes:meeting-list", "member", ("q",)),
    ],
)
def test_generated_text_through_filters_and_searches(as_user, world, name, role, fields):
    client = as_user(world, role)
    outcome = Outcome()
    started = time.perf_counter()
    params = st.fixed_dictionaries(
        {field: hostile_text for field in fields},
        optional={key: value for key, value in LOG_CHOICES.items() if name.startswith("actions:")},
    )

    @HYPOTHESIS
    @given(query=params)
    def example(query):
        response = send(client, "GET", url(name), query)
        outcome.posts += 1
        outcome.statuses[response.status_code] = outcome.statuses.get(response.status_code, 0) + 1
        check_answer(response, f"GET {url(name)} {query!r:.80}")
        # 400: an export of filters that are not valid.
        assert response.status_code in (200, 400), response.status_code
        if name.endswith("csv") and response.status_code == 200:
            assert not csv_problems(response.getvalue())

    example()
    _report(name, outcome, started)
    assert outcome.posts >= EXAMPLES
