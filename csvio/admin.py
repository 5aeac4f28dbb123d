"""CSV import, export and reports in the admin, for Coordinators only.

``CsvImportExportMixin`` adds to a ModelAdmin:

- “Import CSV”: a template to start from (the kind's columns and one example
  row), what each column holds, then upload a file and see the preview (new,
  changed, unchanged and invalid rows; the cells of each new row and what will
  change on each changed one; or every problem with its row and column,
  downloadable beside the row's own cells), then confirm or cancel; the
  confirmed import runs the same checks again and writes everything or nothing;
- “Export CSV”: the list as filtered and searched on screen, streamed;
- reports, where the admin lists them.

Who may do this follows django-import-export's settings,
IMPORT_EXPORT_IMPORT_PERMISSION_CODE and IMPORT_EXPORT_EXPORT_PERMISSION_CODE
(both “change” here: Coordinators, not Members).

Each kind's admin is written out at the end of this module: a class that
puts the mixin in front of the admin class its own app registered
(``OrganisationCsvAdmin(CsvImportExportMixin, OrganisationWithMembershipsAdmin)``),
registered in its place. directory and consortia never import csvio.
"""

from __future__ import annotations

import csv
import re
import secrets
import tempfile
import time
from functools import cache
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe

import consortia.admin
import directory.admin
from consortia import reports
from consortia.models import Consortium, JointOutput, Membership, OutputContributor
from csvio.safety import stream_csv
from directory.models import Contact, Organisation, OrganisationRelationship

from .exports import csv_export
from .kinds import IMPORTERS
from .services import csv_import
from .stages.read import max_bytes, max_rows

SESSION_KEY = "csv_imports"


UPLOAD_LIFETIME = 24 * 60 * 60  # seconds an unconfirmed upload is kept


def upload_folder() -> Path:
    folder = Path(getattr(settings, "CSV_IMPORT_UPLOAD_DIR", "") or Path(tempfile.gettempdir()) / "consortia-imports")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def forget_old_uploads(folder: Path) -> None:
    """Previews that were never confirmed: remove their files after a day."""
    cutoff = time.time() - UPLOAD_LIFETIME
    for stale in folder.glob("*.csv"):
        try:
            if stale.stat().st_mtime < cutoff:
                stale.unlink()
        except OSError:
            pass


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 or Windows-1252, with a heading row. Nothing is written until you confirm.",
    )
    allow_duplicate_names = forms.BooleanField(
        required=False,
        label="Create new organisations even when their names match recorded ones",
        help_text="Only tick this after checking that the organisations listed as likely duplicates really differ.",
    )


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    allow_duplicate_names = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    as_of = forms.DateField(required=False, label="As of", help_text="YYYY-MM-DD; blank for today.")
    start = forms.DateField(required=False, label="From", help_text="First publication date to include.")
    end = forms.DateField(required=False, label="To", help_text="Last publication date to include.")
    period = forms.ChoiceField(
        choices=[(p, p.capitalize()) for p in reports.PERIODS], initial="quarter", required=False
    )


def _permission(admin_instance, request, setting: str) -> bool:
    code = getattr(settings, setting, None)
    if code is None:
        return True
    opts = admin_instance.opts
    return request.user.has_perm(f"{opts.app_label}.{get_permission_codename(code, opts)}")


# -- the template and the column reference ----------------------------------------------------------------
#
# Both come from what the kind declares (csvio/kinds/: its columns, required or not, and their help) and from
# the documentation the project already keeps and tests: docs/examples/<kind>.csv, which the export tests import
# and export back, gives the example row; docs/csv.md's section for the kind says what each column holds.

DOCS = Path(settings.BASE_DIR) / "docs"


def example_cells(kind: str) -> dict[str, str]:
    """The first row of docs/examples/<kind>.csv, by heading; empty if the file is not there."""
    try:
        with (DOCS / "examples" / f"{kind}.csv").open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            return {name: value for name, value in (next(reader, None) or {}).items() if name}
    except OSError:
        return {}


def template_rows(kind: str) -> tuple[list[str], list[list[str]]]:
    """A file to start from: every column the kind declares, in order, and one example row.

    Each cell is the column's own example (``Column.example``) where it declares one, else the documented
    example file's; a column neither gives stays blank, so a column added to the kind is in the template at once.
    """
    columns = IMPORTERS[kind].columns
    documented = example_cells(kind)
    example = [column.example or documented.get(column.name, "") for column in columns]
    return [column.name for column in columns], [example]


def _inline_markdown(text: str) -> str:
    """docs/csv.md's inline marks (`code`, **bold**) as HTML, everything else escaped."""
    html = escape(text.replace("\\|", "|"))
    html = re.sub(r"`([^`]+)`", r"<code>\1</code>", html)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", html)


@cache
def documented_columns(kind: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """docs/csv.md's section for the kind: what each column holds (as HTML) and the notes under its table."""
    try:
        text = (DOCS / "csv.md").read_text(encoding="utf-8")
    except OSError:
        return {}, ()
    section = re.search(rf"^### {re.escape(kind)} \(.*?$(.*?)(?=^#)", text + "\n#", re.M | re.S)
    if not section:
        return {}, ()
    holds: dict[str, str] = {}
    notes: list[str] = []
    paragraph: list[str] = []
    for line in section.group(1).splitlines() + [""]:
        line = line.strip()
        if line.startswith("|"):
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip("|"))]
            if len(cells) < 2 or set(cells[0]) <= set("-: ") or cells[0] == "column":
                continue
            for name in cells[0].split(","):
                holds[name.strip().strip("*").strip()] = _inline_markdown(cells[1])
        elif line:
            paragraph.append(line)
        elif paragraph:
            notes.append(_inline_markdown(" ".join(paragraph)))
            paragraph = []
    return holds, tuple(notes)


@cache
def file_rules() -> tuple[str, ...]:
    """docs/csv.md's “What a file may look like”: encoding, dates, lists, blank cells…, one HTML item each."""
    try:
        text = (DOCS / "csv.md").read_text(encoding="utf-8")
    except OSError:
        return ()
    section = re.search(r"^## What a file may look like\s*$(.*?)(?=^#)", text + "\n#", re.M | re.S)
    if not section:
        return ()
    items: list[list[str]] = []
    for line in section.group(1).splitlines():
        if line.startswith("- "):
            items.append([line[2:].strip()])
        elif line.startswith("  ") and line.strip() and items:
            items[-1].append(line.strip())
    return tuple(_inline_markdown(" ".join(item)) for item in items)


def column_reference(kind: str) -> list[dict]:
    """Each column the kind declares, in order: its name, whether the file must have it, and what it holds.

    What it holds: the column's own help where the kind declares one (it sits beside the parser, so it says
    what the parser accepts), else docs/csv.md's description, else the model field's help text.
    """
    importer = IMPORTERS[kind]
    holds, _notes = documented_columns(kind)
    reference = []
    for column in importer.columns:
        if column.help:
            text = escape(column.help)
        elif holds.get(column.name):
            text = holds[column.name]  # escaped by _inline_markdown
        else:
            text = escape(field_help(importer, column.name))
        reference.append({"name": column.name, "required": column.required, "holds": mark_safe(text)})
    return reference


def field_help(importer, column_name: str) -> str:
    attname = importer.field_columns.get(column_name)
    if not attname:
        return ""
    try:
        return str(importer.model._meta.get_field(attname).help_text)
    except FieldDoesNotExist:
        return ""


def new_records(report) -> dict:
    """The preview's table of new records: a column for each cell any of them gives, a line for each record.

    Columns keep the kind's declared order, so the table reads like the file; a column blank in every new
    record is left out, which keeps the table narrow.
    """
    changes = [change for change in report.changes if change.action == "new"]
    given: dict[str, None] = {}
    for change in changes:
        for name, _old, new in change.fields:
            if new not in ("", None):
                given.setdefault(name)
    order = {column.name: index for index, column in enumerate(IMPORTERS[report.kind].columns)}
    columns = sorted(given, key=lambda name: order.get(name, len(order)))
    rows = []
    for change in changes:
        cells = {name: new for name, _old, new in change.fields}
        rows.append({"row": change.row, "record": change.record, "cells": [cells.get(name, "") for name in columns]})
    return {"columns": columns, "rows": rows}


def _csv_response(lines, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class CsvImportExportMixin:
    csv_kind = ""
    csv_reports: tuple[str, ...] = ()
    change_list_template = "admin/imports/change_list.html"

    # -- permissions (django-import-export's settings) -------------------------------------

    def has_import_permission(self, request) -> bool:
        return _permission(self, request, "IMPORT_EXPORT_IMPORT_PERMISSION_CODE")

    def has_export_permission(self, request) -> bool:
        return _permission(self, request, "IMPORT_EXPORT_EXPORT_PERMISSION_CODE")

    # -- urls -----------------------------------------------------------------------------------

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        urls = [
            path("import-csv/", wrap(self.import_csv_view), name=f"{info}_import_csv"),
            path("import-csv/template/", wrap(self.import_template_view), name=f"{info}_import_template"),
            path("import-csv/columns/", wrap(self.import_columns_view), name=f"{info}_import_columns"),
            path("import-csv/<str:token>/errors/", wrap(self.import_errors_view), name=f"{info}_import_errors"),
            path("import-csv/<str:token>/cancel/", wrap(self.import_cancel_view), name=f"{info}_import_cancel"),
            path("export-csv/", wrap(self.export_csv_view), name=f"{info}_export_csv"),
            path("report/<slug:report>/", wrap(self.report_view), name=f"{info}_report"),
        ]
        return urls + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        extra_context = {
            **(extra_context or {}),
            "csv_import_url": reverse(f"admin:{info}_import_csv") if self.has_import_permission(request) else "",
            "csv_export_url": reverse(f"admin:{info}_export_csv") if self.has_export_permission(request) else "",
            "csv_reports": [
                (reverse(f"admin:{info}_report", args=[name]), reports.REPORTS[name])
                for name in self.csv_reports
                if self.has_export_permission(request)
            ],
        }
        return super().changelist_view(request, extra_context=extra_context)

    def _context(self, request, title: str, **extra):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        if extra.get("token"):
            extra["errors_url"] = reverse(f"admin:{info}_import_errors", args=[extra["token"]])
            extra["cancel_url"] = reverse(f"admin:{info}_import_cancel", args=[extra["token"]])
        if extra.get("report") is not None:
            extra["new_records"] = new_records(extra["report"])
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "kind": self.csv_kind,
            "columns": [column.name for column in IMPORTERS[self.csv_kind].columns],
            "required_columns": [column.name for column in IMPORTERS[self.csv_kind].columns if column.required],
            "changelist_url": reverse(f"admin:{info}_changelist"),
            "import_url": reverse(f"admin:{info}_import_csv"),
            "template_url": reverse(f"admin:{info}_import_template"),
            "columns_url": reverse(f"admin:{info}_import_columns"),
            **extra,
        }

    # -- import ---------------------------------------------------------------------------------

    def _stored(self, request, token: str) -> dict:
        stored = request.session.get(SESSION_KEY, {}).get(token)
        if not stored or stored.get("kind") != self.csv_kind or not Path(stored["path"]).is_file():
            raise Http404("This import has expired; upload the file again.")
        return stored

    def import_csv_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        title = f"Import {self.opts.verbose_name_plural} from CSV"
        if request.method == "POST" and "token" in request.POST:
            confirm = ConfirmForm(request.POST)
            if not confirm.is_valid():
                raise PermissionDenied
            token = confirm.cleaned_data["token"]
            stored = self._stored(request, token)
            report = csv_import(
                self.csv_kind,
                stored["path"],
                user=request.user,
                filename=stored["filename"],
                allow_duplicate_names=confirm.cleaned_data["allow_duplicate_names"],
            )
            if report.written:
                self._forget(request, token)
                self.message_user(request, report.summary(), messages.SUCCESS)
                return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))
            return TemplateResponse(
                request, "admin/imports/import.html", self._context(request, title, report=report, token=token)
            )
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > max_bytes():
                form.add_error(
                    "file", f"The file is larger than {max_bytes() // (1024 * 1024)} MB, the most we accept."
                )
            else:
                token = secrets.token_urlsafe(16)
                folder = upload_folder()
                forget_old_uploads(folder)
                stored_path = folder / f"{token}.csv"
                with stored_path.open("wb") as handle:
                    for chunk in upload.chunks():
                        handle.write(chunk)
                allow = form.cleaned_data["allow_duplicate_names"]
                report = csv_import(
                    self.csv_kind,
                    stored_path,
                    user=request.user,
                    filename=upload.name,
                    dry_run=True,
                    allow_duplicate_names=allow,
                )
                imports = request.session.get(SESSION_KEY, {})
                imports[token] = {
                    "kind": self.csv_kind,
                    "path": str(stored_path),
                    "filename": upload.name,
                    "allow_duplicate_names": allow,
                }
                request.session[SESSION_KEY] = imports
                confirm = ConfirmForm(initial={"token": token, "allow_duplicate_names": allow})
                return TemplateResponse(
                    request,
                    "admin/imports/import.html",
                    self._context(request, title, report=report, token=token, confirm_form=confirm),
                )
        return TemplateResponse(
            request,
            "admin/imports/import.html",
            self._context(request, title, form=form, max_bytes=max_bytes(), max_rows=max_rows()),
        )

    def import_cancel_view(self, request, token):
        """Cancel on the preview: the uploaded file is deleted, nothing is written, back to the list."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import_csv"))
        stored = request.session.get(SESSION_KEY, {}).get(token)
        if stored and stored.get("kind") == self.csv_kind:
            self._forget(request, token)
        self.message_user(request, "Import cancelled: nothing was written, and the uploaded file was deleted.")
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def import_template_view(self, request):
        """A CSV file to start from: the kind's columns and one example row."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        header, rows = template_rows(self.csv_kind)
        return _csv_response(stream_csv(header, rows, bom=True), f"{self.csv_kind}-template.csv")

    def import_columns_view(self, request):
        """What each column of this kind holds, and what a file may look like."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        _holds, notes = documented_columns(self.csv_kind)
        return TemplateResponse(
            request,
            "admin/imports/columns.html",
            self._context(
                request,
                f"Columns for importing {self.opts.verbose_name_plural}",
                reference=column_reference(self.csv_kind),
                notes=[mark_safe(note) for note in notes],  # escaped by _inline_markdown
                file_rules=[mark_safe(rule) for rule in file_rules()],  # escaped by _inline_markdown
            ),
        )

    def _forget(self, request, token: str) -> None:
        imports = request.session.get(SESSION_KEY, {})
        stored = imports.pop(token, None)
        request.session[SESSION_KEY] = imports
        if stored:
            Path(stored["path"]).unlink(missing_ok=True)

    def import_errors_view(self, request, token):
        """Every problem in the uploaded file as CSV, each refused row's messages beside its own cells.

        The row's cells are as the file has them, under its own headings, so a coordinator can correct the
        file from the download alone (``ImportReport.problem_rows``).
        """
        if not self.has_import_permission(request):
            raise PermissionDenied
        stored = self._stored(request, token)
        report = csv_import(
            self.csv_kind,
            stored["path"],
            user=request.user,
            filename=stored["filename"],
            dry_run=True,
            allow_duplicate_names=stored.get("allow_duplicate_names", False),  # as the preview was checked
        )
        stem = Path(stored["filename"]).stem or self.csv_kind
        return _csv_response(report.problems_csv(), f"{stem}-problems.csv")

    # -- export ---------------------------------------------------------------------------------

    def export_csv_view(self, request):
        """The list as filtered and searched on screen, streamed in the import columns."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        queryset = changelist.get_queryset(request)
        today = timezone.localdate().isoformat()
        return _csv_response(csv_export(self.csv_kind, queryset), f"{self.csv_kind}-{today}.csv")

    # -- reports --------------------------------------------------------------------------------

    def report_view(self, request, report):
        if report not in self.csv_reports:
            raise Http404("No such report.")
        if not self.has_export_permission(request):
            raise PermissionDenied
        form = ReportForm(request.GET or None)
        if request.GET and form.is_valid():
            data = form.cleaned_data
            if report == "members-by-role":
                as_of = data["as_of"] or timezone.localdate()
                header, rows = reports.members_by_role(as_of)
                filename = f"members-by-role-{as_of.isoformat()}.csv"
            else:
                header, rows = reports.outputs_per_organisation(data["start"], data["end"], data["period"] or "quarter")
                filename = "outputs-per-organisation.csv"
            return _csv_response(stream_csv(header, rows), filename)
        return TemplateResponse(
            request,
            "admin/imports/report.html",
            self._context(request, reports.REPORTS[report], form=form, report=report),
        )


# -- one admin per kind ------------------------------------------------------------------------------
#
# Written out, one class per kind, on top of the class its own app registered: directory and consortia
# must not import csvio (docs/architecture.md: api/web → csvio → search → consortia → directory), so the
# mixin is applied here, and each model is registered again with its CSV admin.


class OrganisationCsvAdmin(CsvImportExportMixin, consortia.admin.OrganisationWithMembershipsAdmin):
    csv_kind = "organisations"


class ContactCsvAdmin(CsvImportExportMixin, directory.admin.ContactAdmin):
    csv_kind = "contacts"


class RelationshipCsvAdmin(CsvImportExportMixin, directory.admin.OrganisationRelationshipAdmin):
    csv_kind = "relationships"


class ConsortiumCsvAdmin(CsvImportExportMixin, consortia.admin.ConsortiumAdmin):
    csv_kind = "consortia"
    csv_reports = ("members-by-role",)


class MembershipCsvAdmin(CsvImportExportMixin, consortia.admin.MembershipAdmin):
    csv_kind = "memberships"
    csv_reports = ("members-by-role",)


class JointOutputCsvAdmin(CsvImportExportMixin, consortia.admin.JointOutputAdmin):
    csv_kind = "outputs"
    csv_reports = ("outputs-per-organisation",)


class OutputContributorCsvAdmin(CsvImportExportMixin, consortia.admin.OutputContributorAdmin):
    csv_kind = "contributors"
    csv_reports = ("outputs-per-organisation",)


CSV_ADMINS = (
    (Organisation, OrganisationCsvAdmin),
    (Contact, ContactCsvAdmin),
    (OrganisationRelationship, RelationshipCsvAdmin),
    (Consortium, ConsortiumCsvAdmin),
    (Membership, MembershipCsvAdmin),
    (JointOutput, JointOutputCsvAdmin),
    (OutputContributor, OutputContributorCsvAdmin),
)


def register_csv_admins(site: admin.AdminSite) -> None:
    """Register each kind's CSV admin in place of the class it extends.

    Each CSV admin extends the class registered for its model by name; if the
    registered class is another one (an app changed its registration), stop
    rather than silently drop what that class adds.
    """
    for model, csv_admin in CSV_ADMINS:
        registered = type(site.get_model_admin(model))
        extended = next(base for base in csv_admin.__bases__ if base is not CsvImportExportMixin)
        if registered is not extended:
            raise ImproperlyConfigured(
                f"{model._meta.label} is registered with {registered.__qualname__}, but {csv_admin.__name__} "
                f"extends {extended.__qualname__}: extend the registered class in csvio/admin.py."
            )
        site.unregister(model)
        site.register(model, csv_admin)


# CSV import, export and reports on every kind's list, for Coordinators.
register_csv_admins(admin.site)
