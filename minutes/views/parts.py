"""How drafting views answer: a partial for htmx, a whole page otherwise.

Every control of the drafting page is a plain form that works without
JavaScript; htmx only swaps the part that changed in place.
"""

from django.shortcuts import redirect, render
from django.urls import reverse


def draft_url(meeting, anchor=""):
    url = reverse("minutes:meeting-draft", args=[meeting.reference])
    return f"{url}#{anchor}" if anchor else url


def render_part(request, template, context, *, meeting, title, status=200):
    """Render `template` alone for htmx, or inside a page of its own for a plain request."""
    context = {"meeting": meeting, **context}
    if request.htmx:
        return render(request, template, context, status=status)
    page = {
        "part_template": template,
        "page_title": title,
        "back_url": draft_url(meeting, context.get("anchor", "")),
    }
    return render(request, "minutes/drafting/part_page.html", {**context, **page}, status=status)


def done(request, meeting, *, anchor, template=None, context=None):
    """After a successful change: the updated part for htmx, a redirect back otherwise."""
    if request.htmx and template:
        return render(request, template, {"meeting": meeting, **(context or {})})
    return redirect(draft_url(meeting, anchor))
