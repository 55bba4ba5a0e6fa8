"""Prepare for your procedure: the list of checklists, one checklist, and its printable PDF.

Public pages: anyone can read a checklist. A signed-in patient also gets their own ticks, date
and reminder choice, looked up by ``request.user`` only (no ids in the URLs), so nobody can see
or change another person's checklist. Writes go through ``services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from careguide.accounts.roles import is_patient
from careguide.core.context_processors import organization
from careguide.core.http import private as _private

from . import checklists, pdf, services
from .forms import UNKNOWN_ITEM, ProgressForm
from .models import SavedChecklist


def _checklist(slug):
    checklist = checklists.get(slug)
    if checklist is None:
        raise Http404("No such checklist")
    return checklist


def _respond(request, response):
    return _private(response) if request.user.is_authenticated else response


@require_GET
def index(request):
    patient = is_patient(request.user)
    saved = {}
    if patient:
        saved = {s.slug: s for s in SavedChecklist.objects.for_user(request.user)}
    rows = []
    for checklist in checklists.registry().values():
        mine = saved.get(checklist.slug)
        rows.append({
            "checklist": checklist,
            "saved": mine,
            "done": checklist.done(mine.ticked) if mine else 0,
            "total": len(checklist.tick_ids()),
        })
    return _respond(request, render(request, "procedures/index.html", {"rows": rows, "is_patient": patient}))


def _error_links(form, checklist):
    """(anchor, message) for the error summary: each links to the field it is about."""
    anchors = {"ticked": f"item-{checklist.tick_ids()[0]}", "procedure_date": "id_procedure_date",
               "remind": "id_remind"}
    return [(anchors.get(name, "id_procedure_date"), error) for name, errors in form.errors.items() for error in errors]


@require_http_methods(["GET", "POST"])
def detail(request, slug):
    checklist = _checklist(slug)
    patient = is_patient(request.user)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not patient:
            return _private(render(request, "procedures/forbidden.html", {"checklist": checklist}, status=403))

    saved = services.saved_for(request.user, checklist) if patient else None
    form = None
    if patient:
        kwargs = {"checklist": checklist, "today": timezone.localdate(),
                  "saved_date": saved.procedure_date if saved else None, "email": request.user.email}
        if request.method == "POST":
            form = ProgressForm(request.POST, **kwargs)
            if form.is_valid():
                services.save_progress(request.user, checklist, ticked=form.cleaned_data["ticked"],
                                       procedure_date=form.cleaned_data["procedure_date"],
                                       remind=form.cleaned_data["remind"])
                messages.success(request, "Your checklist is saved.")
                return _private(redirect(reverse("procedures:detail", args=[checklist.slug]) + "#progress"))
        else:
            initial = {}
            if saved:
                initial = {"ticked": saved.ticked, "procedure_date": saved.procedure_date, "remind": saved.remind}
            form = ProgressForm(initial=initial, **kwargs)

    if form is not None and form.is_bound:
        ticked = set(request.POST.getlist("ticked"))
    else:
        ticked = set(saved.ticked) if saved else set()
    sections = [
        {"key": key, "heading": heading, "hint": hint,
         "items": [{"item": item, "ticked": item.id in ticked} for item in items]}
        for key, heading, hint, items in checklist.sections_list()
    ]
    context = {
        "checklist": checklist,
        "sections": sections,
        "is_patient": patient,
        "form": form,
        "errors": _error_links(form, checklist) if form is not None and form.is_bound else [],
        "saved": saved,
        "done": checklist.done(saved.ticked) if saved else 0,
        "total": len(checklist.tick_ids()),
    }
    status = 400 if context["errors"] else 200
    return _respond(request, render(request, "procedures/detail.html", context, status=status))


TICK_STATES = {"true": True, "false": False}


@require_POST
def tick(request, slug):
    """One tick or untick, saved as the patient makes it (procedures/checklist.js). Answers JSON:
    the new "N of M" on success, or ``errors`` naming the field. The page's own button still
    saves everything without JavaScript."""
    checklist = _checklist(slug)
    if not is_patient(request.user):
        return _private(JsonResponse({"errors": {"(user)": "Sign in with a patient account to save your ticks."}},
                                     status=403))
    item, state = request.POST.get("item", ""), request.POST.get("ticked", "")
    errors = {}
    if item not in checklist.tick_ids():
        errors["item"] = UNKNOWN_ITEM
    if state not in TICK_STATES:
        errors["ticked"] = "ticked must be true or false"
    if errors:
        return _private(JsonResponse({"errors": errors}, status=400))
    saved = services.set_tick(request.user, checklist, item, TICK_STATES[state])
    done, total = checklist.done(saved.ticked), len(checklist.tick_ids())
    return _private(JsonResponse({
        "item": item, "ticked": TICK_STATES[state], "done": done, "total": total,
        "message": f"Saved. You have done {done} of {total} things on this list.",
    }))


@require_GET
def checklist_pdf(request, slug):
    checklist = _checklist(slug)
    saved = services.saved_for(request.user, checklist) if is_patient(request.user) else None
    org = organization(request)["org"]
    content = pdf.build(
        checklist,
        ticked=saved.ticked if saved else (),
        procedure_date=saved.procedure_date if saved else None,
        printed_on=timezone.localdate(),
        phones=pdf.Phones.from_org(org),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="prepare-{checklist.slug}.pdf"'
    return _respond(request, response)
