"""Import actions: a committee's secretary uploads an action log, sees what importing it would do
(and maps the columns and statuses it does not recognise), then confirms."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from actions.imports import FIELDS, IGNORE, MAX_FILE_BYTES, ImportFileError, read_table, recognise_heading
from actions.models import ActionImport
from actions.services.imports import plan_import, refusal
from actions.tasks import import_action_log
from minutes.access import get_committee_for
from minutes.editing import INVALID
from minutes.jobs import job_start
from minutes.services.committees import committee_statuses
from minutes.uploads import UploadRefused, check_size

# How many rows the preview lists (those in error first); every row is checked all the same.
PREVIEW_ROWS = 300


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Action log",
        help_text="A CSV (UTF-8, comma or semicolon separated) or an Excel workbook (.xlsx), "
        f"up to {MAX_FILE_BYTES // 1024 // 1024} MB, with a heading row: Reference, Action, Owner, "
        "Date raised or Meeting, Target date, Status, Latest update…",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        data = upload.read(MAX_FILE_BYTES + 1)  # never more than the limit in memory
        try:
            check_size(data, upload.size)
        except UploadRefused as error:
            raise forms.ValidationError(str(error)) from None
        try:
            self.table = read_table(upload.name, data)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        self.data_bytes = data
        return upload


def field_choices():
    return [("", "— not recognised: choose —"), *FIELDS.items(), (IGNORE, "Ignore this column")]


class MappingForm(forms.Form):
    """A select per heading of the file (what it holds) and per status label the committee lacks."""

    def __init__(
        self, *args, headings, chosen_columns, unknown_statuses, chosen_statuses, statuses, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.heading_fields, self.status_fields = [], []
        for index, heading in enumerate(headings):
            if heading == "":
                continue
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=f"Column “{heading}”",
                choices=field_choices(),
                required=False,
                initial=chosen_columns.get(heading) or recognise_heading(heading) or "",
            )
            self.heading_fields.append((name, heading))
        for index, label in enumerate(unknown_statuses):
            name = f"status_{index}"
            self.fields[name] = forms.ChoiceField(
                label=f"Status “{label}”",
                choices=[("", "— choose one of the committee's statuses —")]
                + [(own, f"{own} ({'open' if is_open else 'closed'})") for own, is_open in statuses],
                required=False,
                initial=chosen_statuses.get(label, ""),
            )
            self.status_fields.append((name, label))

    def columns(self):
        return {
            heading: self.cleaned_data[name]
            for name, heading in self.heading_fields
            if self.cleaned_data[name]
        }

    def statuses(self):
        return {
            label: self.cleaned_data[name] for name, label in self.status_fields if self.cleaned_data[name]
        }


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request, code):
    committee = get_committee_for(request.user, code, edit=True)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = ActionImport.objects.create(
                committee=committee,
                filename=form.cleaned_data["file"].name[:255],
                content=form.data_bytes,
                uploaded_by=request.user,
            )
            return redirect("actions:import-preview", code=committee.code, pk=upload.pk)
        status = INVALID
    recent = committee.action_imports.select_related("uploaded_by", "imported_by").defer("content")[:10]
    return render(
        request,
        "actions/import/upload.html",
        {"committee": committee, "form": form, "recent": recent},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def import_preview(request, code, pk):
    committee = get_committee_for(request.user, code, edit=True)
    upload = get_object_or_404(
        ActionImport.objects.defer("content").select_related("job"), pk=pk, committee=committee
    )
    if upload.imported_at is not None:
        return render(request, "actions/import/preview.html", {"committee": committee, "upload": upload})
    if upload.job_id is not None and not upload.job.finished:
        return redirect("minutes:job", pk=upload.job_id)
    upload = ActionImport.objects.get(pk=upload.pk)
    try:
        table = read_table(upload.filename, bytes(upload.content))
    except ImportFileError as error:  # read when uploaded: only a change of the rules brings this
        messages.error(request, str(error))
        return redirect("actions:import-upload", code=committee.code)
    statuses = committee_statuses(committee)
    plan = plan_import(committee, table, columns=upload.columns, statuses=upload.statuses)
    mapping = MappingForm(
        request.POST if request.POST.get("step") == "mapping" else None,
        headings=table.headings,
        chosen_columns=upload.columns,
        unknown_statuses=plan.unknown_statuses,
        chosen_statuses=upload.statuses,
        statuses=statuses,
    )
    status, problem = 200, ""
    if request.method == "POST":
        step = request.POST.get("step")
        if step == "mapping":
            if mapping.is_valid():
                upload.columns = mapping.columns()
                upload.statuses = {**upload.statuses, **mapping.statuses()}
                upload.save(update_fields=["columns", "statuses"])
                return redirect("actions:import-preview", code=committee.code, pk=upload.pk)
            status = INVALID
        if step == "import":
            valid_only = request.POST.get("valid_only") == "on"
            problem = refusal(plan, valid_only=valid_only)
            if problem:
                status = INVALID
            else:
                # Large files take a while: the import runs in the background, its page follows it.
                job = job_start(
                    task=import_action_log,
                    title=f"Import {upload.filename} into {committee.code}",
                    by=request.user,
                    committee=committee,
                    arguments=[upload.pk, valid_only],
                )
                ActionImport.objects.filter(pk=upload.pk).update(job=job)
                return redirect("minutes:job", pk=job.pk)
    shown = sorted(plan.rows, key=lambda row: (not row.errors, row.number))[:PREVIEW_ROWS]
    return render(
        request,
        "actions/import/preview.html",
        {
            "committee": committee,
            "upload": upload,
            "plan": plan,
            "counts": plan.counts,
            "shown": shown,
            "more": max(len(plan.rows) - len(shown), 0),
            "mapping": mapping,
            "problem": problem,
            "valid_count": len(plan.valid),
            "nothing_to_do": not plan.count("new") and not plan.count("updated"),
        },
        status=status,
    )


urlpatterns = [
    path("committees/<str:code>/actions/import/", import_upload, name="import-upload"),
    path("committees/<str:code>/actions/import/<int:pk>/", import_preview, name="import-preview"),
]
