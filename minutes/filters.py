import django_filters
from django.db.models import Q

from minutes.models import Committee, Meeting


class MeetingFilter(django_filters.FilterSet):
    """Filters of the meetings list; they live in the URL so a link can be shared."""

    q = django_filters.CharFilter(label="Search", method="search")
    committee = django_filters.ModelChoiceFilter(
        queryset=Committee.objects.all(), empty_label="All committees"
    )
    minutes_status = django_filters.ChoiceFilter(
        label="Minutes", choices=Meeting.Status.choices, empty_label="Any status"
    )
    kind = django_filters.ChoiceFilter(choices=Meeting.Kind.choices, empty_label="Any kind")

    class Meta:
        model = Meeting
        fields = ["q", "committee", "minutes_status", "kind"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not user.is_staff:
            self.filters["committee"].queryset = Committee.objects.filter(memberships__user=user)
        for name, form_field in self.form.fields.items():
            css = "form-select" if name != "q" else "form-control"
            form_field.widget.attrs.setdefault("class", css)

    def search(self, queryset, name, value):
        """Find by reference (OPSG_55), number or location."""
        value = value.strip()
        code, sep, number = value.rpartition("_")
        condition = Q(location__icontains=value) | Q(items__title__icontains=value)
        # ASCII digits only: "²".isdigit() is true but int("²") fails.
        if value.isascii() and value.isdigit():
            condition |= Q(number=int(value))
        if sep and number.isascii() and number.isdigit():
            condition |= Q(committee__code__iexact=code, number=int(number))
        return queryset.filter(condition).distinct()
