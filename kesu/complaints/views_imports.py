"""The Excel import's pages: upload, template, a job's progress and report (import_jobs.py)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kesu.complaints import import_files
from kesu.complaints.choices import ImportStatus
from kesu.complaints.import_jobs import ACTIVE, job_create, job_run, runs_inline
from kesu.complaints.imports import may_import, too_large
from kesu.complaints.models import ImportJob
from kesu.core.api.fields import MAX_ID

RECENT = 10


def _importer(request):
    if not may_import(request.user):
        raise PermissionDenied(_("Your role may not import complaints."))
    return request.user


@login_required
def import_page(request):
    user = _importer(request)
    error, status = "", 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError({"file": _("Choose the Excel file to import.")})
            if upload.size > settings.KESU_IMPORT_MAX_BYTES:
                raise ValidationError({"file": too_large()})
            job = job_create(actor=user, file_name=upload.name, data=upload.read())
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
        else:
            if runs_inline(job):
                job_run(job.pk)
            return redirect("complaints:import-job", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by=user).order_by("-id").defer("content", "errors")
    return render(
        request,
        "complaints/imports/upload.html",
        {"error": error, "jobs": jobs[:RECENT]},
        status=status,
    )


@login_required
def import_template(request):
    user = _importer(request)
    return FileResponse(
        import_files.write_template(user),
        as_attachment=True,
        filename=_("complaints-import-template") + ".xlsx",
        content_type=import_files.XLSX,
    )


def _job(request, pk: int) -> ImportJob:
    _importer(request)
    if pk > MAX_ID:
        raise Http404
    return get_object_or_404(ImportJob.objects.defer("content"), pk=pk, created_by=request.user)


def _job_context(job: ImportJob) -> dict:
    total = job.total_rows or 0
    return {
        "job": job,
        "running": job.status in ACTIVE,
        "statuses": ImportStatus,
        "shown_errors": job.errors[:200],
        "more_errors": max(0, job.error_count - min(len(job.errors), 200)),
        "percent_validated": round(100 * job.validated_rows / total) if total else 0,
        "percent_imported": round(100 * job.imported_rows / total) if total else 0,
    }


@login_required
def import_job(request, pk: int):
    job = _job(request, pk)
    return render(request, "complaints/imports/job.html", _job_context(job))


@login_required
def import_progress(request, pk: int):
    """The progress part alone, which the job's page polls while the job runs."""
    job = _job(request, pk)
    return render(request, "complaints/imports/_progress.html", _job_context(job))


@login_required
def import_report(request, pk: int):
    job = _job(request, pk)
    if job.status in ACTIVE:
        raise Http404
    return FileResponse(
        import_files.write_report(job),
        as_attachment=True,
        filename=_("import-report") + f"-{job.pk}.xlsx",
        content_type=import_files.XLSX,
    )
