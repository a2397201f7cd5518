"""The audit trail: every save and delete of a meeting's parts, with who and when.

django-simple-history keeps one historical row per change (`<Model>.history`);
the audit engine (minutes/history.py) reads them back. The models stay
plain: they are registered here, from MinutesConfig.ready(). The user comes
from the request (simple_history's HistoryRequestMiddleware), or from
`instance._history_user` where there is no request.

Life-cycle changes (status, approval) are written with QuerySet.update() and
logged by MinutesTransition, which the history page shows beside these rows.
"""

import contextlib
import contextvars

import simple_history
from django.db import transaction
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from minutes.models import AgendaItem, Attendance, Decision, Footnote, Meeting, Membership

# Fields changed only by the life cycle (logged as MinutesTransition rows): a
# later edit would otherwise show them as changed by whoever saved next.
LIFECYCLE_FIELDS = ("minutes_status", "approved_at_meeting")


def diff_fields(record, excluded=()):
    """The names of the fields of a historical record that a reader can compare."""
    skipped = {field.name for field in record._history_m2m_fields} | set(excluded)
    skipped.add(record.instance_type._meta.pk.name)
    return [field.name for field in record.tracked_fields if field.editable and field.name not in skipped]


class AuditRecords(HistoricalRecords):
    """Historical records that leave out saves which changed nothing a reader can see.

    Editors save whole forms; a save that changed no field (or only timestamps
    and counters) would be an empty entry in the history.
    """

    def __init__(self, *, quiet_fields=(), **options):
        super().__init__(**options)
        self.quiet_fields = tuple(quiet_fields)

    def create_historical_record(self, instance, history_type, using=None):
        if history_type == "~" and not self._changed(instance):
            return
        super().create_historical_record(instance, history_type, using=using)

    def _changed(self, instance):
        history = getattr(instance, self.manager_name)
        last = history.order_by("-history_date", "-history_id").first()
        if last is None:
            return True
        for name in diff_fields(last, self.quiet_fields):
            attname = instance._meta.get_field(name).attname
            if getattr(last, attname) != getattr(instance, attname):
                return True
        for field in last._history_m2m_fields:
            target = field.m2m_reverse_field_name()
            recorded = set(getattr(last, field.name).values_list(f"{target}_id", flat=True))
            current = set(getattr(instance, field.name).values_list("pk", flat=True))
            if recorded != current:
                return True
        return False


def update_with_history(queryset, **values):
    """`queryset.update(**values)` that still leaves a history row (who, when) for each row changed.

    QuerySet.update() sends no signals, so simple_history never sees it; the
    services that renumber or move rows in bulk call this instead.
    """
    model = queryset.model
    with transaction.atomic():
        # Rows that already hold the values change nothing and get no history row.
        pks = list(queryset.exclude(**values).values_list("pk", flat=True))
        if not pks:
            return 0
        count = model.objects.filter(pk__in=pks).update(**values)
        model.history.bulk_history_create(list(model._base_manager.filter(pk__in=pks)), update=True)
    return count


_recorded_as = contextvars.ContextVar("history_recorded_as", default=None)


@contextlib.contextmanager
def recorded_as(user, reason):
    """Every history row written inside the block names `user` (if not None) and `reason`, e.g.
    "imported from log.xlsx": for changes a command or service makes on someone's behalf."""
    token = _recorded_as.set((user, reason[:100]))
    try:
        yield
    finally:
        _recorded_as.reset(token)


def current_stamp():
    """(user, reason) that recorded_as gives the history rows written now; (None, None) outside it.
    For history written in bulk (bulk_history_create), which sends no signal to stamp it."""
    return _recorded_as.get() or (None, None)


@receiver(pre_create_historical_record)
def _stamp_history(sender, instance, history_instance, **kwargs):
    stamp = _recorded_as.get()
    if stamp is not None:
        user, reason = stamp
        if user is not None:
            history_instance.history_user = user
        history_instance.history_change_reason = reason


def register(model, **options):
    simple_history.register(model, records_class=AuditRecords, **options)


def register_minutes_history():
    register(Meeting, quiet_fields=LIFECYCLE_FIELDS)
    register(AgendaItem)
    register(Decision)
    register(Footnote)
    register(Attendance)
    register(Membership)
