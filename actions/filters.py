"""The action log's query: the annotations it sorts and filters by, and its filters (all in the URL)."""

import datetime

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from actions.models import Action, ActionUpdate, TargetDate
from minutes.models import Committee, Organisation, Person

PAGE_SIZES = (25, 50, 100)
OUTSTANDING = "outstanding"  # the status filter's "open or proposed closed"

# Sort keys (as in the URL) and the columns behind them; every order ends with the
# reference (committee, meeting number, sequence: "OPSG 9/01" before "OPSG 10/01").
REFERENCE_ORDER = ("committee__code", "meeting__number", "sequence", "id")
SORTS = {
    "reference": (),
    "raised": ("raised_on",),
    "target": ("latest_target_on",),
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


def _latest(model, field, order):
    return Subquery(model.objects.filter(action=OuterRef("pk")).order_by(*order).values(field)[:1])


def current_target():
    """The current target date: the latest TargetDate row (as Action.current_target_on), in SQL."""
    return _latest(TargetDate, "target_on", ("-recorded_at", "-id"))


def with_log_columns(queryset):
    """Annotate what the log shows, sorts and filters by, computed in SQL.

    latest_target_on is the latest TargetDate row (as Action.current_target_on),
    previous_target_on the one before it; latest_update_* the latest update.
    """
    target_order = ("-recorded_at", "-id")
    previous_target = TargetDate.objects.filter(action=OuterRef("pk")).order_by(*target_order)
    first_organisation = Organisation.objects.filter(actions=OuterRef("pk")).order_by("name")
    first_person = Person.objects.filter(actions=OuterRef("pk")).order_by("name")
    return queryset.annotate(
        latest_target_on=current_target(),
        previous_target_on=Subquery(previous_target.values("target_on")[1:2]),
        latest_update_on=_latest(ActionUpdate, "given_on", ("-given_on", "-id")),
        latest_update_text=_latest(ActionUpdate, "text", ("-given_on", "-id")),
        status_rank=Case(
            When(status=Action.Status.OPEN, then=Value(0)),
            When(status=Action.Status.PROPOSED_CLOSED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        owner_sort=Coalesce(
            Subquery(first_organisation.values("name")[:1]), Subquery(first_person.values("name")[:1])
        ),
    )


def overdue_condition(today):
    """Not closed, with a current target date before today (needs with_log_columns)."""
    return ~Q(status=Action.Status.CLOSED) & Q(latest_target_on__lt=today)


def status_counts(queryset, today):
    """Actions per status, and overdue, of `queryset` (annotated): one aggregate query."""
    Status = Action.Status
    return queryset.order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=Status.OPEN)),
        proposed_closed=Count("pk", filter=Q(status=Status.PROPOSED_CLOSED)),
        closed=Count("pk", filter=Q(status=Status.CLOSED)),
        overdue=Count("pk", filter=overdue_condition(today)),
    )


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
            closed_last = Case(When(status=Action.Status.CLOSED, then=Value(1)), default=Value(0))
            return qs.order_by(closed_last, F("latest_target_on").asc(nulls_last=True), *REFERENCE_ORDER)
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
        choices=[(OUTSTANDING, "Open or proposed closed"), *Action.Status.choices],
        empty_label="Any status",
        method="filter_status",
    )
    owner = django_filters.ChoiceFilter(label="Owner", empty_label="Any owner", method="filter_owner")
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
        label="Target date from", field_name="latest_target_on", lookup_expr="gte", widget=DateInput
    )
    target_to = django_filters.DateFilter(
        label="Target date to", field_name="latest_target_on", lookup_expr="lte", widget=DateInput
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
        self.today = today or timezone.localdate()
        visible = self.queryset.order_by().values("pk")
        committees = (
            Committee.objects.all() if user.is_staff else Committee.objects.filter(memberships__user=user)
        )
        self.filters["committee"].queryset = committees.order_by("code")
        self.filters["owner"].extra["choices"] = self.owner_choices(visible)
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
    def owner_choices(visible):
        """Organisations and people owning any visible action: "org-3", "person-7" as in owner_values."""
        organisations = Organisation.objects.filter(actions__in=visible).distinct().order_by("name")
        people = (
            Person.objects.filter(actions__in=visible)
            .select_related("organisation")
            .distinct()
            .order_by("name")
        )
        choices = [(f"org-{o.pk}", o.name) for o in organisations]
        for person in people:
            label = f"{person.name} ({person.organisation.name})" if person.organisation else person.name
            choices.append((f"person-{person.pk}", label))
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
        return queryset.search(value)

    def filter_status(self, queryset, name, value):
        if value == OUTSTANDING:
            return queryset.exclude(status=Action.Status.CLOSED)
        return queryset.filter(status=value)

    def filter_owner(self, queryset, name, value):
        kind, _, pk = value.partition("-")
        if kind == "org":
            return queryset.filter(pk__in=Action.objects.filter(owner_organisations=pk).values("pk"))
        return queryset.filter(pk__in=Action.objects.filter(owner_people=pk).values("pk"))

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_condition(self.today)) if value else queryset

    def filter_due_within(self, queryset, name, value):
        last_day = self.today + datetime.timedelta(days=int(value))
        return queryset.exclude(status=Action.Status.CLOSED).filter(
            latest_target_on__gte=self.today, latest_target_on__lte=last_day
        )

    def filter_nothing(self, queryset, name, value):
        return queryset
