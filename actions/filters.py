"""The action log's query: the annotations it sorts and filters by, and its filters (all in the URL)."""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from actions.models import Action, ActionUpdate, TargetDate, closed_last, overdue_condition
from minutes.models import ActionStatus, Committee, Organisation, Person

PAGE_SIZES = (25, 50, 100)
OUTSTANDING = "outstanding"  # the status filter's "open or proposed closed"
LABEL = "label:"  # the status filter's committee statuses: "label:Carried Forward"
STATUS_CHOICES = [(OUTSTANDING, "Open or proposed closed"), *Action.Status.choices]

# Sort keys (as in the URL) and the columns behind them; every order ends with the
# reference (committee, meeting number, sequence: "OPSG 9/01" before "OPSG 10/01").
REFERENCE_ORDER = ("committee__code", "meeting__number", "sequence", "id")
SORTS = {
    "reference": (),
    "raised": ("raised_on",),
    "target": ("due_on",),
    "status": ("status_rank",),
    "owner": ("owner_sort",),
}
SORT_LABELS = {
    "reference": "Action ID",
    "raised": "Date raised",
    "target": "Target date",
    "status": "Status",
    "owner": "Owner",
}


def with_log_columns(queryset, *, user, overdue_on=None):
    """Annotate what the log shows, sorts and filters by, computed in SQL.

    The target date in force is the stored column due_on (as Action.current_target_on);
    previous_target_on is the step before it, latest_update_* the latest update the
    user may see (ActionUpdate.objects.visible_to). These subqueries only feed the rows
    shown: the filters, sorts and counts use columns. With `overdue_on`, also
    `is_overdue` on that day.
    """
    target_order = ("-recorded_at", "-id")
    previous_target = TargetDate.objects.filter(action=OuterRef("pk")).order_by(*target_order)
    updates = ActionUpdate.objects.visible_to(user).filter(action=OuterRef("pk")).order_by("-given_on", "-id")
    if overdue_on is not None:
        queryset = queryset.with_overdue(overdue_on)
    return queryset.annotate(
        previous_target_on=Subquery(previous_target.values("target_on")[1:2]),
        latest_update_on=Subquery(updates.values("given_on")[:1]),
        latest_update_text=Subquery(updates.values("text")[:1]),
        status_rank=Case(
            When(status=Action.Status.OPEN, then=Value(0)),
            When(status=Action.Status.PROPOSED_CLOSED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    )


def status_counts(queryset, today):
    """Actions per status, and overdue, of `queryset` (annotated): one aggregate query."""
    Status = Action.Status
    # COUNT(status), not COUNT(id) (status is never null): PostgreSQL then counts from an index on
    # status and due_on
    # alone (an index-only scan), never reading the actions' rows.
    return queryset.order_by().aggregate(
        total=Count("status"),
        open=Count("status", filter=Q(status=Status.OPEN)),
        proposed_closed=Count("status", filter=Q(status=Status.PROPOSED_CLOSED)),
        closed=Count("status", filter=Q(status=Status.CLOSED)),
        overdue=Count("status", filter=overdue_condition(today)),
    )


class QuickSelect(forms.Select):
    """A select rendered in Python rather than one template per option.

    The owner filter lists every organisation and person owning an action (hundreds
    on a large log), where the template per option costs more than the page's queries.
    The markup is Django's own: the same attributes, escaping, selected option.
    """

    def render(self, name, value, attrs=None, renderer=None):
        # Django's Select: the first option whose value matches is selected.
        wanted = set(self.format_value(value))
        found = False

        def option(option_value, label):
            nonlocal found
            option_value = "" if option_value is None else str(option_value)
            selected = not found and option_value in wanted
            found = found or selected
            return f'<option value="{escape(option_value)}"{" selected" if selected else ""}>{escape(label)}</option>'

        parts = []
        for group_value, group_label in self.choices:
            if isinstance(group_label, (list, tuple)):
                options = "".join(option(v, label) for v, label in group_label)
                parts.append(f'<optgroup label="{escape(group_value)}">{options}</optgroup>')
            else:
                parts.append(option(group_value, group_label))
        final_attrs = self.build_attrs(self.attrs, attrs)
        return mark_safe(f'<select name="{escape(name)}"{flatatt(final_attrs)}>{"".join(parts)}</select>')


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ReferenceOrderingFilter(django_filters.OrderingFilter):
    """Sort by one column (ascending or "-" descending); ties and the default by reference."""

    def filter(self, qs, value):
        key = (value or [""])[0]
        descending = key.startswith("-")
        columns = SORTS.get(key.lstrip("-"))
        if columns is None:
            # The default: outstanding first, then by target date, then by reference.
            # closed_last() and due_on as indexed (action_closed_last_due), so the first
            # rows come off the index however many actions there are.
            return qs.order_by(closed_last(), F("due_on").asc(nulls_last=True), *REFERENCE_ORDER)
        order = []
        for column in (*columns, *REFERENCE_ORDER):
            expression = F(column)
            order.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True))
        return qs.order_by(*order)


class ActionFilter(django_filters.FilterSet):
    """Filters of the action log; they live in the URL so a link can be shared.

    Give it a queryset annotated by with_log_columns (the view does).
    """

    q = django_filters.CharFilter(label="Search", method="filter_search")
    committee = django_filters.ModelChoiceFilter(
        queryset=Committee.objects.none(), empty_label="All committees"
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=STATUS_CHOICES,
        empty_label="Any status",
        method="filter_status",
    )
    owner = django_filters.ChoiceFilter(
        label="Owner", empty_label="Any owner", method="filter_owner", widget=QuickSelect
    )
    # A reference typed in, not a list: a log of years of meetings would offer thousands.
    meeting = django_filters.CharFilter(
        label="Meeting raised",
        method="filter_meeting",
        help_text="A meeting reference, e.g. OPSG_55.",
        validators=[RegexValidator(r"^\s*[A-Za-z0-9]+_\d+\s*$", "Type a meeting reference such as OPSG_55.")],
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue only", method="filter_overdue", widget=forms.CheckboxInput
    )
    due_within = django_filters.NumberFilter(
        label="Due within (days)",
        method="filter_due_within",
        min_value=0,
        max_value=3660,
        decimal_places=0,
    )
    raised_from = django_filters.DateFilter(
        label="Raised from", field_name="raised_on", lookup_expr="gte", widget=DateInput
    )
    raised_to = django_filters.DateFilter(
        label="Raised to", field_name="raised_on", lookup_expr="lte", widget=DateInput
    )
    target_from = django_filters.DateFilter(
        label="Target date from", field_name="due_on", lookup_expr="gte", widget=DateInput
    )
    target_to = django_filters.DateFilter(
        label="Target date to", field_name="due_on", lookup_expr="lte", widget=DateInput
    )
    sort = ReferenceOrderingFilter(
        label="Sort by",
        fields={key: key for key in SORTS},
        field_labels=SORT_LABELS,
        empty_label="Outstanding first, by target date",
    )
    per_page = django_filters.ChoiceFilter(
        label="Rows per page",
        choices=[(str(size), str(size)) for size in PAGE_SIZES],
        empty_label=None,
        method="filter_nothing",
    )

    class Meta:
        model = Action
        fields = []

    def __init__(self, data=None, *args, user, today=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.today = today or timezone.localdate()
        visible = self.queryset.order_by().values("pk")
        committees = (
            Committee.objects.all() if user.is_staff else Committee.objects.filter(memberships__user=user)
        )
        self.filters["committee"].queryset = committees.order_by("code")
        labels = self.committee_statuses(committees)
        if labels:
            self.filters["status"].extra["choices"] = [*STATUS_CHOICES, ("Committees' statuses", labels)]
        owners = self.owner_choices(visible)
        # Given as a callable: a form copies its fields deeply, and hundreds of choices with them.
        self.filters["owner"].extra["choices"] = lambda: owners
        for form_field in self.form.fields.values():
            if isinstance(form_field.widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(form_field.widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            form_field.widget.attrs.setdefault("class", css)

    def filter_meeting(self, queryset, name, value):
        code, _, number = value.strip().rpartition("_")
        return queryset.filter(meeting__committee__code__iexact=code, meeting__number=int(number))

    @staticmethod
    def committee_statuses(committees):
        """The statuses the committees name besides open, proposed closed and closed ("Carried
        Forward", "On Hold"), as choices: one query."""
        plain = [label.casefold() for _, label in Action.Status.choices]
        labels = (
            ActionStatus.objects.filter(committee__in=committees.values("pk"))
            .order_by("label")
            .values_list("label", flat=True)
            .distinct()
        )
        return [(LABEL + label, label) for label in labels if label.casefold() not in plain]

    @staticmethod
    def owner_choices(visible):
        """Organisations and people owning any visible action: "org-3", "person-7" as in owner_values.

        Each owner is probed for one visible action (EXISTS), never all actions joined.
        """
        owning_organisation = Action.owner_organisations.through.objects.filter(
            organisation=OuterRef("pk"), action__in=visible
        )
        owning_person = Action.owner_people.through.objects.filter(person=OuterRef("pk"), action__in=visible)
        # Values, not model instances: hundreds of owners on a large log.
        organisations = (
            Organisation.objects.filter(Exists(owning_organisation))
            .order_by("name")
            .values_list("pk", "name")
        )
        people = (
            Person.objects.filter(Exists(owning_person))
            .order_by("name")
            .values_list("pk", "name", "organisation__name")
        )
        choices = [(f"org-{pk}", name) for pk, name in organisations]
        for pk, name, organisation in people:
            choices.append((f"person-{pk}", f"{name} ({organisation})" if organisation else name))
        return choices

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if "sort" not in self.form.cleaned_data:  # an invalid sort: the default order
            queryset = self.filters["sort"].filter(queryset, None)
        return queryset

    def mark_errors(self):
        """Tie each invalid field to its message (rendered as "<id>-error" beside it)."""
        for name in self.form.errors:
            if name in self.form.fields:
                attrs = self.form.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self.form[name].id_for_label}-error"
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()

    @property
    def page_size(self):
        value = self.form.cleaned_data.get("per_page") if self.form.is_valid() else None
        return int(value) if value else PAGE_SIZES[0]

    def filter_search(self, queryset, name, value):
        return queryset.search(value, user=self.user)

    def filter_status(self, queryset, name, value):
        if value == OUTSTANDING:
            return queryset.open()
        if value.startswith(LABEL):
            return queryset.filter(status_label__label=value.removeprefix(LABEL))
        return queryset.filter(status=value)

    def filter_owner(self, queryset, name, value):
        # Straight from the owners' table (no join back to actions in the subquery).
        kind, _, pk = value.partition("-")
        if kind == "org":
            owned = Action.owner_organisations.through.objects.filter(organisation_id=pk)
        else:
            owned = Action.owner_people.through.objects.filter(person_id=pk)
        return queryset.filter(pk__in=owned.values("action_id"))

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(self.today) if value else queryset

    def filter_due_within(self, queryset, name, value):
        return queryset.due_within(int(value), self.today)

    def filter_nothing(self, queryset, name, value):
        return queryset
