"""The action log across meetings and committees, its CSV and XLSX exports.

The page and both exports read the same query string through ActionFilter; the
exports hold every matching action, not one page. Rows come from
`Action.objects.visible_to`: an outsider sees an empty log, never a refusal.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from actions import chart, exports
from actions.filters import SORT_LABELS, ActionFilter, status_counts, with_log_columns
from actions.models import Action


def action_log_filter(request):
    """The filtered log of the actions the user may see, every column annotated."""
    actions = with_log_columns(
        Action.objects.visible_to(request.user).select_related(
            "committee", "meeting__committee", "status_label"
        ),
        user=request.user,
    ).prefetch_related("owner_organisations", "owner_people")
    return ActionFilter(request.GET, queryset=actions, user=request.user)


def page_rows(request, ids, today):
    """The actions `ids`, in that order, with the log's columns and owners."""
    rows = with_log_columns(
        Action.objects.visible_to(request.user)
        .filter(pk__in=ids)
        .select_related("committee", "meeting__committee", "status_label"),
        user=request.user,
        overdue_on=today,
    ).prefetch_related("owner_organisations", "owner_people")
    by_id = {action.pk: action for action in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def _query(request, *, without=()):
    query = request.GET.copy()
    for name in ("page", *without):
        query.pop(name, None)
    return query


def sort_links(request, current):
    """Per sortable column: the link that sorts by it (again: the other way) and its aria-sort."""
    links = {}
    for key in SORT_LABELS:
        query = _query(request, without=("sort",))
        ascending = current != key
        query["sort"] = key if ascending else f"-{key}"
        if current == key:
            state = "ascending"
        elif current == f"-{key}":
            state = "descending"
        else:
            state = None
        links[key] = {"url": f"?{query.urlencode()}", "state": state}
    return links


# What the chart does not depend on: it follows the filters, not the table's order or page.
CHART_IGNORES = ("sort", "per_page")


@require_safe
@login_required
def action_log(request):
    log = action_log_filter(request)
    log.mark_errors()
    today = log.today
    counts = status_counts(log.qs, today)
    # The page's ids first (sorted and sliced on indexed columns), then its rows with
    # every column: a deep page does not compute the columns of the rows it skips.
    paginator = Paginator(log.qs.values_list("pk", flat=True), log.page_size)
    paginator.count = counts["total"]  # already counted: no second COUNT query
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = page_rows(request, list(page.object_list), today)
    for action in page.object_list:
        action.last_target_on, action.revised_target_on = exports.target_dates(action)
    sort = log.form.cleaned_data.get("sort") if log.is_valid() else None
    return render(
        request,
        "actions/log/action_log.html",
        {
            "filter": log,
            "page": page,
            "query": _query(request).urlencode(),
            "export_query": _query(request, without=("per_page",)).urlencode(),
            "chart_query": _query(request, without=CHART_IGNORES).urlencode(),
            "counts": counts,
            "sort_links": sort_links(request, (sort or [""])[0]),
            "today": today,
        },
    )


@require_safe
@login_required
def action_log_chart(request):
    """The log's picture, for the same filters: open and overdue actions per owner, by age.

    The log page fetches it once the table is there (htmx), so that the rows a person came
    for are not kept waiting by the aggregates over every owner; without JavaScript, the
    page links here and this is a page of its own.
    """
    log = action_log_filter(request)
    figures = chart.owner_figures(log.qs, log.today)
    context = {
        "figures": figures,
        "chart": chart.chart(figures),
        "log_query": _query(request).urlencode(),
    }
    template = "actions/log/_chart.html" if request.htmx else "actions/log/chart_page.html"
    return render(request, template, context)


def _export(request, render_as, content_type, extension):
    log = action_log_filter(request)
    if not log.is_valid():
        return HttpResponse(
            "The filters are not valid: correct them on the action log page, then export again.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    rendered = render_as(log.qs)
    if isinstance(rendered, bytes):
        response = HttpResponse(rendered, content_type=content_type)
    else:  # pieces, streamed as they are made
        response = StreamingHttpResponse(rendered, content_type=content_type)
    filename = f"action-log-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@require_safe
@login_required
def action_log_csv(request):
    return _export(request, exports.csv_pieces, "text/csv; charset=utf-8", "csv")


@require_safe
@login_required
def action_log_xlsx(request):
    return _export(
        request,
        exports.as_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    )


urlpatterns = [
    path("actions/", action_log, name="action-log"),
    path("actions/chart/", action_log_chart, name="action-log-chart"),
    path("actions/export.csv", action_log_csv, name="action-log-csv"),
    path("actions/export.xlsx", action_log_xlsx, name="action-log-xlsx"),
]
