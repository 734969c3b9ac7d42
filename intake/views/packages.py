"""Referral package pages: upload one (a GOV.UK file upload; works without
JavaScript), the force's packages, and one package's progress with its rejected
lines. While a package is importing, its page refreshes itself (a Refresh header,
no JavaScript) and offers a link to refresh it."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.audit import access_list_record
from common.errors import FileTooLarge, InvalidState, UnsupportedFileType, ValidationError
from common.keyset import keyset_page_for_request
from common.pages import capability_required, form_errors_from
from intake.models import PackageState
from intake.selectors.packages import (
    package_get_for_actor,
    package_list,
    package_rejection_list,
)
from intake.services.packages import (
    package_content_type_guess,
    package_import_resume,
    package_max_bytes,
    package_upload,
    size_text,
)

PACKAGES_PER_PAGE = 25
REJECTIONS_PER_PAGE = 50
# Seconds between refreshes of a package page while its import runs.
REFRESH_SECONDS = 5


class PackageUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a referral package",
        error_messages={
            "required": "Select a referral package to upload.",
            "empty": "The selected file is empty.",
            "invalid": "Select a referral package to upload.",
            "missing": "Select a referral package to upload.",
        },
    )


@capability_required("intake.package.import")
@require_http_methods(["GET", "POST"])
def package_create(request):
    form = (
        PackageUploadForm(request.POST, request.FILES)
        if request.method == "POST"
        else PackageUploadForm()
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            package = package_upload(
                actor=request.user,
                file_name=upload.name or "package",
                stream=upload,
                content_type=package_content_type_guess(
                    declared=upload.content_type or "", file_name=upload.name or ""
                ),
                size=upload.size or 0,
            )
        except (FileTooLarge, UnsupportedFileType) as refusal:
            form.add_error("file", refusal.message)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                f"{package.file_name} is uploaded. Its reports are imported in the "
                "background: this page shows how far the import has gone.",
            )
            return redirect("intake-package-detail", package.pk)
    return render(
        request,
        "intake/package_form.html",
        {"form": form, "max_size": size_text(package_max_bytes())},
    )


@capability_required("intake.package.view")
@require_GET
def package_index(request):
    page = keyset_page_for_request(
        request, package_list(actor=request.user), page_size=PACKAGES_PER_PAGE
    )
    access_list_record(actor=request.user, records=page.object_list)
    return render(request, "intake/package_list.html", {"packages": page.object_list, "page": page})


@capability_required("intake.package.view")
@require_GET
def package_detail(request, package_id):
    package = package_get_for_actor(actor=request.user, package_id=package_id)
    rejections = keyset_page_for_request(
        request,
        package_rejection_list(actor=request.user, package=package),
        page_size=REJECTIONS_PER_PAGE,
    )
    running = package.state in (PackageState.QUEUED, PackageState.IMPORTING)
    response = render(
        request,
        "intake/package_detail.html",
        {
            "package": package,
            "rejections": rejections.object_list,
            "page": rejections,
            "running": running,
            "refresh_seconds": REFRESH_SECONDS,
        },
    )
    if running:
        # Understood by every browser, without JavaScript: the page reloads itself.
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@capability_required("intake.package.import")
@require_POST
def package_resume(request, package_id):
    package = package_get_for_actor(actor=request.user, package_id=package_id, log=False)
    try:
        package_import_resume(actor=request.user, package=package)
    except InvalidState as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "The import carries on from where it stopped.")
    return redirect("intake-package-detail", package.pk)


urlpatterns = [
    path("intake/packages/", package_index, name="intake-packages"),
    path("intake/packages/new/", package_create, name="intake-package-create"),
    path("intake/packages/<uuid:package_id>/", package_detail, name="intake-package-detail"),
    path("intake/packages/<uuid:package_id>/resume/", package_resume, name="intake-package-resume"),
]
