"""Import minutes: a committee's secretary uploads a Word file of minutes, sees what was recognised
and what the import would do, gives what the file does not say (number, date), then confirms."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from minutes.access import get_committee_for
from minutes.editing import INVALID
from minutes.jobs import job_start
from minutes.models import MinutesImport
from minutes.services.word_import import preview_import
from minutes.tasks import import_word_minutes
from minutes.uploads import MAX_FILE_BYTES, UploadRefused, check_size
from minutes.word_import import WordFileRefused, read_minutes_docx


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Minutes (Word file)",
        help_text=f"A Word document (.docx), up to {MAX_FILE_BYTES // 1024 // 1024} MB: minutes exported "
        "from this product, or your own, with a title block or Date / Time / Location lines, "
        "attendance tables and numbered item headings.",
    )
    mode = forms.ChoiceField(
        label="Import as",
        choices=MinutesImport.Mode.choices,
        initial=MinutesImport.Mode.DRAFT,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.committee = committee

    def clean_file(self):
        upload = self.cleaned_data["file"]
        data = upload.read(MAX_FILE_BYTES + 1)  # never more than the limit in memory
        try:
            check_size(data, upload.size)
        except UploadRefused as error:
            raise forms.ValidationError(str(error)) from None
        try:
            read_minutes_docx(data, filename=upload.name, committee=self.committee)
        except WordFileRefused as error:
            raise forms.ValidationError(str(error)) from None
        self.data_bytes = data
        return upload


class MeetingForm(forms.Form):
    """What the file does not say, or says otherwise than the secretary wants."""

    number = forms.IntegerField(label="Meeting number", min_value=1, max_value=99999, required=False)
    held_on = forms.DateField(
        label="Date held", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


@require_http_methods(["GET", "POST"])
@login_required
def minutes_import_upload(request, code):
    committee = get_committee_for(request.user, code, edit=True)
    form = UploadForm(request.POST or None, request.FILES or None, committee=committee)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = MinutesImport.objects.create(
                committee=committee,
                filename=form.cleaned_data["file"].name[:255],
                content=form.data_bytes,
                mode=form.cleaned_data["mode"],
                uploaded_by=request.user,
            )
            return redirect("minutes:minutes-import-preview", code=committee.code, pk=upload.pk)
        status = INVALID
    recent = committee.minutes_imports.select_related("meeting").defer("content")[:10]
    return render(
        request,
        "minutes/import/upload.html",
        {"committee": committee, "form": form, "recent": recent},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def minutes_import_preview(request, code, pk):
    committee = get_committee_for(request.user, code, edit=True)
    upload = get_object_or_404(
        MinutesImport.objects.select_related("meeting", "job"), pk=pk, committee=committee
    )
    if upload.imported_at is not None:
        return render(request, "minutes/import/preview.html", {"committee": committee, "upload": upload})
    if upload.job_id is not None and not upload.job.finished:
        return redirect("minutes:job", pk=upload.job_id)
    data = bytes(upload.content)
    try:
        imported = read_minutes_docx(data, filename=upload.filename, committee=committee)
    except WordFileRefused as error:  # read when uploaded: only a change of the rules brings this
        messages.error(request, str(error))
        return redirect("minutes:minutes-import-upload", code=committee.code)
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        initial={"number": imported.number, "held_on": imported.held_on},
    )
    number = held_on = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            number, held_on = form.cleaned_data["number"], form.cleaned_data["held_on"]
        else:
            status = INVALID
    preview = preview_import(committee, imported, number=number, held_on=held_on)
    if request.method == "POST" and form.is_valid() and request.POST.get("step") == "import":
        if preview.problems:
            status = INVALID
        else:
            # The import runs in the background; its page follows it and links to the meeting.
            job = job_start(
                task=import_word_minutes,
                title=f"Import {upload.filename} into {committee.code}",
                by=request.user,
                committee=committee,
                arguments=[upload.pk, number, held_on.isoformat() if held_on else None],
            )
            MinutesImport.objects.filter(pk=upload.pk).update(job=job)
            return redirect("minutes:job", pk=job.pk)
    return render(
        request,
        "minutes/import/preview.html",
        {
            "committee": committee,
            "upload": upload,
            "imported": imported,
            "preview": preview,
            "form": form,
            "present": [a for a in imported.attendance if a.status == "present"],
            "apologies": [a for a in imported.attendance if a.status == "apologies"],
            "observers": [a for a in imported.attendance if a.status == "observer"],
        },
        status=status,
    )


urlpatterns = [
    path("committees/<str:code>/minutes/import/", minutes_import_upload, name="minutes-import-upload"),
    path(
        "committees/<str:code>/minutes/import/<int:pk>/",
        minutes_import_preview,
        name="minutes-import-preview",
    ),
]
