"""Imports: the CQC register and staff lists, each uploaded, previewed, then confirmed."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from carehomes.forms import ImportConfirmForm, ImportUploadForm
from carehomes.imports import cqc, cqc_formats
from config import readers
from config.upload_previews import preview_forget, preview_keep, preview_kept
from organisations import imports as staff_imports
from organisations.access import require
from organisations.permissions import Permission

IMPORT_KINDS = {
    "cqc": {
        "permission": Permission.IMPORT_CAREHOMES,
        "title": "Import the CQC care directory",
        "url": "carehomes:import",
        "confirm_url": "carehomes:import_confirm",
        "done_url": "carehomes:list",
        "preview": lambda data, name: cqc.cqc_import_preview(cqc_formats.parse_cqc(data, name)),
        "apply": cqc.cqc_import_apply,
        "noun": "care home",
        "asks_many_missing": True,
    },
    "staff": {
        "permission": Permission.IMPORT_STAFF,
        "title": "Import staff",
        "url": "carehomes:staff_import",
        "confirm_url": "carehomes:staff_import_confirm",
        "done_url": "carehomes:staff_list",
        "preview": staff_imports.staff_import_preview,
        "apply": staff_imports.staff_import_apply,
        "noun": "person",
    },
}


def _import_page(request, kind, *, form=None, preview=None, token=None, confirm_form=None, status=200):
    spec = IMPORT_KINDS[kind]
    return render(
        request,
        "carehomes/import.jinja",
        {
            "page_title": spec["title"] + (": preview" if preview else ""),
            "kind": kind,
            "spec": spec,
            "form": form if form is not None else ImportUploadForm(),
            "preview": preview,
            "token": token,
            "confirm_form": confirm_form or ImportConfirmForm(),
        },
        status=status,
    )


def _import_upload(request, kind):
    require(request.user, IMPORT_KINDS[kind]["permission"])
    if request.method != "POST":
        return _import_page(request, kind)
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, kind, form=form, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read(readers.MAX_BYTES + 1)
    try:
        preview = IMPORT_KINDS[kind]["preview"](data, upload.name)
    except readers.ImportFileError as error:
        form.add_error("file", str(error))
        return _import_page(request, kind, form=form, status=400)
    token = preview_keep(kind, user=request.user, data=data, filename=upload.name)
    return _import_page(request, kind, preview=preview, token=token)


@require_POST
def _import_confirm(request, kind):
    spec = IMPORT_KINDS[kind]
    require(request.user, spec["permission"])
    token = request.POST.get("token", "")
    stored = preview_kept(kind, token, user=request.user)
    if stored is None:
        messages.error(request, "That preview has expired. Upload the file again.")
        return redirect(spec["url"])
    confirm_form = ImportConfirmForm(request.POST)
    confirm_form.is_valid()
    skip = confirm_form.cleaned_data.get("skip_bad_rows", False)
    options = {"skip_bad_rows": skip}
    if spec.get("asks_many_missing"):
        options["confirm_many_missing"] = confirm_form.cleaned_data.get("confirm_many_missing", False)
    try:
        preview, applied = spec["apply"](
            by=request.user, data=stored["data"], filename=stored["filename"], **options
        )
    except readers.ImportFileError as error:
        messages.error(request, str(error))
        return redirect(spec["url"])
    if not applied:
        if preview.has_errors and not skip:
            confirm_form.add_error(
                "skip_bad_rows",
                "The file has rows with errors, so nothing was imported. Correct the file and upload it again, "
                "or choose to skip the rows with errors.",
            )
        if getattr(preview, "many_missing", False) and not options.get("confirm_many_missing"):
            confirm_form.add_error(
                "confirm_many_missing",
                f"{preview.many_missing_message}, so nothing was imported. Upload the whole, current file, "
                "or confirm that this is it.",
            )
        return _import_page(
            request, kind, preview=preview, token=token, confirm_form=confirm_form, status=400
        )
    preview_forget(kind, token)
    s = preview.summary()
    text = f"Imported: {s['new']} new, {s['changed']} changed, {s['unchanged']} unchanged"
    if "missing" in s:
        text += f", {s['missing']} flagged as missing from the file"
    if skip and s["errors"]:
        text += f"; {s['errors']} row{'s' if s['errors'] != 1 else ''} with errors skipped"
    messages.success(request, text + ".")
    return redirect(spec["done_url"])


def carehome_import(request):
    return _import_upload(request, "cqc")


def carehome_import_confirm(request):
    return _import_confirm(request, "cqc")


def staff_import(request):
    return _import_upload(request, "staff")


def staff_import_confirm(request):
    return _import_confirm(request, "staff")
