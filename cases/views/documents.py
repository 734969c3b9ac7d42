"""Pages for a case's documents: attach one."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from cases import selectors
from cases.case_tabs import case_section_url
from cases.services import documents as document_services
from common.errors import FileTooLarge, UnsupportedFileType, ValidationError
from common.pages import capability_required, form_errors_from


class DocumentForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        required=False,
        help_text="For example, Victim statement. Leave it blank to use the name of the file.",
        error_messages={"max_length": "Title must be 200 characters or fewer."},
    )
    file = forms.FileField(
        label="Upload a document",
        help_text=(
            "PDF, plain text, Word (.docx) or OpenDocument text (.odt), up to 10 MB, "
            "without pictures in it."
        ),
        error_messages={
            "required": "Select a document to attach.",
            "empty": "The selected file is empty.",
            "invalid": "Select a document to attach.",
            "missing": "Select a document to attach.",
        },
    )


@capability_required("cases.document.add")
@require_http_methods(["GET", "POST"])
def document_create(request, case_id):
    case = selectors.case_get_for_actor(
        actor=request.user, case_id=case_id, action="cases.document.add", log=False
    )
    form = DocumentForm(request.POST, request.FILES) if request.method == "POST" else DocumentForm()
    if request.method == "POST" and form.is_valid():
        try:
            document = document_services.document_upload(
                actor=request.user,
                case=case,
                uploaded_file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except (FileTooLarge, UnsupportedFileType) as refusal:
            form.add_error("file", refusal.message)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, f"{document.title} is attached to {case.reference}.")
            return redirect(case_section_url(case.id, "documents"))
    return render(request, "cases/document_form.html", {"form": form, "case": case})


urlpatterns = [
    path(
        "cases/<uuid:case_id>/documents/new/",
        document_create,
        name="case-document-create",
    ),
]
