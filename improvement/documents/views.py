from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from improvement.core.forms import apply_errors
from improvement.core.permissions import require_perm
from improvement.documents import presenters, selectors, services
from improvement.documents.forms import DocumentUploadForm, WithdrawForm
from improvement.schools.selectors import school_for_user


@require_http_methods(["GET", "POST"])
def document_list(request: HttpRequest, urn: str) -> HttpResponse:
    school = school_for_user(user=request.user, urn=urn)
    require_perm(request, "documents.view_documents", school)
    can_upload = request.user.has_perm("documents.upload_document", school)
    form = DocumentUploadForm() if can_upload else None
    if request.method == "POST":
        require_perm(request, "documents.upload_document", school)
        form = DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = services.upload_document(
                    actor=request.user, school=school, kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"], uploaded_file=form.cleaned_data["file"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"{document.title} has been uploaded.")
                return redirect("documents:list", urn=school.urn)
    documents = list(selectors.school_documents(user=request.user, school=school))
    withdrawn = None
    if request.user.has_perm("documents.view_withdrawn_documents", school):
        withdrawn = list(selectors.withdrawn_documents(user=request.user, school=school))
    return render(request, "documents/document_list.html", {
        "school": school,
        "sections": presenters.document_sections(documents, user=request.user),
        "withdrawn": withdrawn,
        "form": form,
    }, status=400 if form is not None and form.errors else 200)


@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = selectors.document_for_user(user=request.user, pk=pk)
    require_perm(request, "documents.view_documents", document)
    try:
        handle = selectors.document_path(document).open("rb")
    except FileNotFoundError:
        raise Http404("The document's file is missing") from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_filename, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def document_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_for_user(user=request.user, pk=pk, include_withdrawn=True)
    require_perm(request, "documents.withdraw_document", document)
    if document.is_withdrawn:  # a second click, or someone else got there first
        messages.info(request, f"{document.title} had already been withdrawn.")
        return redirect("documents:list", urn=document.school.urn)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_document(actor=request.user, document=document, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{document.title} has been withdrawn.")
            return redirect("documents:list", urn=document.school.urn)
    return render(request, "documents/document_withdraw.html", {"document": document, "form": form},
                  status=400 if form.errors else 200)
