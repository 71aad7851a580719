from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from improvement.concerns import selectors, services
from improvement.concerns.forms import ConcernUpdateForm
from improvement.concerns.models import Concern, ConcernStatus


@require_GET
def concern_queue(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("concerns.view_concern_queue"):
        raise PermissionDenied
    status = request.GET.get("status", "open")
    if status not in ("open", "", *ConcernStatus.values):
        status = "open"
    page = Paginator(selectors.concern_queue(user=request.user, status=status), 50).get_page(request.GET.get("page"))
    return render(request, "concerns/concern_queue.html", {
        "page": page, "status": status, "statuses": ConcernStatus.choices,
    })


@require_http_methods(["GET", "POST"])
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = (Concern.objects.visible_to(request.user).select_related("school", "source_visit", "raised_by")
               .filter(pk=pk).first())
    if concern is None:
        raise Http404("No such concern")
    if not request.user.has_perm("concerns.change_concern", concern):
        raise PermissionDenied
    form = ConcernUpdateForm(request.POST or None, initial={"status": concern.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_concern(actor=request.user, concern=concern, status=form.cleaned_data["status"],
                                    note=form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, "The concern has been updated.")
            return redirect("concerns:detail", pk=concern.pk)
    return render(request, "concerns/concern_detail.html", {
        "concern": concern, "form": form, "updates": list(concern.updates.select_related("actor")),
    }, status=400 if form.errors else 200)
