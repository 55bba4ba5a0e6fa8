"""The symptom diary's pages: home, choose symptoms, today's entry, an entry's result, trends,
CSV export and the PDF summary.

Thin views. A patient reaches their own diary through ``for_user``; a care-team member reaches
a team patient's trends, export, summary and entries through ``careteam.scoping`` (anyone
else gets 404), and each such read is audited with the patient. Every write goes through
``careguide.diary.services``.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Min
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from careguide.accounts.names import display_name
from careguide.audit import service as audit
from careguide.careteam import scoping
from careguide.core.http import private as _private
from careguide.sideeffects import guidance as side_effect_guidance
from careguide.triage.engine import InputError

from . import crosswalk, pdf, proctcae, services, trends, wording
from .forms import ChooseSymptomsForm, EntryForm, field_name
from .models import DiaryEntry, SymptomAnswer

CSV_COLUMNS = ("date", "symptom", "frequency", "severity", "interference", "present", "composite_grade", "disposition")



def _page(request, template, context, status=200):
    context.setdefault("private", True)
    return _private(render(request, template, context, status=status))



# --- whose diary -----------------------------------------------------------------------------

def _subject(request, patient_id):
    """The patient whose diary is asked for: the user, or a patient of their care team (404 for
    anyone else). Returns (patient, is_staff_read)."""
    if patient_id is None or patient_id == request.user.pk:
        return request.user, False
    patient = get_object_or_404(scoping.patients_visible_to(request.user), pk=patient_id)
    return patient, True


def _current_entries(request, patient):
    entries = DiaryEntry.objects.filter(superseded=False)
    if patient.pk == request.user.pk:
        return entries.for_user(request.user)
    return scoping.scope(entries.filter(patient=patient), request.user)


def _audit_read(request, patient, staff_read, what):
    if staff_read:
        audit.record(request.user, audit.READ, object_type="diary.diaryentry", patient=patient, detail=what)


def _urls(patient, staff_read):
    if staff_read:
        return {
            "trends": reverse("diary:patient_trends", args=[patient.pk]),
            "export": reverse("diary:patient_export", args=[patient.pk]),
            "summary": reverse("diary:patient_summary", args=[patient.pk]),
        }
    return {"trends": reverse("diary:trends"), "export": reverse("diary:export"), "summary": reverse("diary:summary")}


def _range(request, entries):
    choice = request.GET.get("range", trends.DEFAULT_RANGE)
    if choice not in trends.RANGES:
        choice = trends.DEFAULT_RANGE
    first = entries.aggregate(first=Min("date"))["first"]
    start, end = trends.date_range(choice, timezone.localdate(), first)
    return choice, start, end


def _series(patient, entries, start, end):
    in_range = entries.filter(date__range=(start, end))
    rows = (
        SymptomAnswer.objects.filter(entry__in=in_range)
        .order_by("entry__date", "pk")
        .values_list("entry__date", "term", "frequency", "severity", "interference", "present",
                     "composite_grade", "entry__disposition")
    )
    return trends.build_series(services.tracked_terms(patient), list(rows)), in_range


# --- patient pages ---------------------------------------------------------------------------

@login_required
def home(request):
    entries = DiaryEntry.objects.for_user(request.user).filter(superseded=False)
    context = {
        "tracked": [wording.label(t) for t in services.tracked_terms(request.user)],
        "today_entry": entries.filter(date=timezone.localdate()).first(),
        "recent": list(entries.order_by("-date")[:7]),
    }
    return _page(request, "diary/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def choose_symptoms(request):
    tracked = services.tracked_terms(request.user)
    if request.method == "POST":
        form = ChooseSymptomsForm(request.POST)
        if form.is_valid():
            services.set_tracked(request.user, form.cleaned_data["terms"])
            messages.success(request, "Your symptoms are saved. You can change them at any time.")
            return redirect("diary:today")
    else:
        form = ChooseSymptomsForm(initial={"terms": tracked or list(wording.DEFAULT_TERMS)})
    return _page(request, "diary/choose.html", {"form": form, "first_time": not tracked},
                 status=400 if form.errors else 200)


def _initial(entry: DiaryEntry) -> dict:
    """Today's saved answers, so a correction starts from what was said."""
    initial = {
        "temperature": entry.temperature_entered,
        "temperature_unit": entry.temperature_unit,
        "bleeding": str(entry.bleeding),
        **{n: "yes" if getattr(entry, n) else "no"
           for n in ("generally_unwell", "chest_pain", "saddle_numbness", "bladder_bowel_loss")},
    }
    for answer in entry.answers.all():
        for attribute in ("frequency", "severity", "interference"):
            value = getattr(answer, attribute)
            if value is not None:
                name = field_name(answer.term, "amount" if answer.term == "Hair Loss" else attribute)
                initial[name] = str(value)
        if answer.present is not None:
            initial[field_name(answer.term, "presence")] = "yes" if answer.present else "no"
    for name, value in entry.asked.items():
        initial[name] = ("yes" if value else "no") if isinstance(value, bool) else value
    if entry.antidiarrhoeal_failed:
        initial["antidiarrhoeal_failed"] = "yes"
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def today(request):
    terms = services.tracked_terms(request.user)
    if not terms:
        messages.info(request, "First, choose the symptoms you want to track.")
        return redirect("diary:symptoms")
    existing = DiaryEntry.objects.for_user(request.user).filter(date=timezone.localdate(), superseded=False).first()
    if request.method == "POST":
        form = EntryForm(request.POST, terms=terms)
        if form.is_valid():
            try:
                # The user model itself, not the request's lazy wrapper (the alerts service
                # locks the patient's row through ``type(patient).objects``).
                patient = get_user_model().objects.get(pk=request.user.pk)
                entry = services.save_entry(patient, form.to_input(),
                                            submission_key=form.cleaned_data["submission"])
            except InputError as exc:  # the form checks first; this is a safety net, never a 500
                for field, message in exc.problems:
                    form.add_error(None, f"{field}: {message}")
            else:
                return redirect("diary:entry", pk=entry.pk)
    else:
        form = EntryForm(terms=terms, initial=_initial(existing) if existing else None)
    context = {"form": form, "groups": form.layout(), "existing": existing, "day": timezone.localdate()}
    return _page(request, "diary/today.html", context, status=400 if form.errors else 200)


@login_required
def entry(request, pk):
    """One saved entry with the guidance it gave: the patient's own, or a team patient's."""
    entry = get_object_or_404(
        scoping.scope(DiaryEntry.objects.select_related("patient"), request.user), pk=pk
    )
    staff_read = entry.patient_id != request.user.pk
    if staff_read:
        audit.record(request.user, audit.READ, entry, patient=entry.patient, detail="diary entry viewed")
    answers = list(entry.answers.all())
    context = {
        "entry": entry,
        "staff_read": staff_read,
        "patient_name": display_name(entry.patient),
        "answers": [_answer_row(a) for a in answers],
        "guidance": side_effect_guidance.build(
            entry.result(), entry.contract_input,
            {"temperature_not_checked": entry.temperature_unit == DiaryEntry.Temperature.NOT_CHECKED,
             "other": _outside_the_rules(answers)},
        ),
        "urls": _urls(entry.patient, staff_read),
    }
    return _page(request, "diary/entry.html", context)


ATTRIBUTE_WORDS = {"frequency": "How often", "severity": "How bad", "interference": "Got in the way",
                   "amount": "How much"}


def _answer_row(answer: SymptomAnswer) -> dict:
    """One symptom of an entry in words: each answer and the overall level."""
    details = []
    for attribute in proctcae.term(answer.term).attributes:
        if attribute == proctcae.PRESENCE:
            continue
        value = getattr(answer, proctcae.INTERFERENCE if attribute == proctcae.AMOUNT else attribute)
        if value is not None:
            details.append(f"{ATTRIBUTE_WORDS[attribute]}: {wording.SCALES[attribute][value].lower()}")
    if answer.composite_grade is not None:
        level = wording.level_word(answer.composite_grade)
    else:
        level = "Yes" if answer.present else "No"
    return {"label": wording.label(answer.term), "details": details, "level": level, "grade": answer.composite_grade}


def _outside_the_rules(answers) -> str:
    """Symptoms the patient has that the triage rules do not cover, for the guidance's "you also
    told us" note: never silently ignored."""
    cw = crosswalk.crosswalk()
    told = [
        f"{wording.label(a.term).lower()} ({wording.level_word(a.composite_grade).lower()})"
        for a in answers
        if a.term in cw.not_in_contract and a.composite_grade
    ]
    return "; ".join(told)


@login_required
def trends_page(request, patient_id=None):
    patient, staff_read = _subject(request, patient_id)
    entries = _current_entries(request, patient)
    choice, start, end = _range(request, entries)
    series, in_range = _series(patient, entries, start, end)
    _audit_read(request, patient, staff_read, "diary trends viewed")
    urls = _urls(patient, staff_read)
    context = {
        "patient": patient,
        "patient_name": display_name(patient),
        "staff_read": staff_read,
        "charts": [trends.TrendChart(s, start, end) for s in series],
        "start": start,
        "end": end,
        "range": choice,
        "ranges": [(key, label, f"{urls['trends']}?range={key}") for key, label in trends.RANGE_LABELS.items()],
        "range_query": f"?range={choice}",
        "entry_count": in_range.count(),
        "urls": urls,
    }
    return _page(request, "diary/trends.html", context)


@login_required
def export_csv(request, patient_id=None):
    patient, staff_read = _subject(request, patient_id)
    entries = _current_entries(request, patient)
    choice, start, end = _range(request, entries)
    rows = (
        SymptomAnswer.objects.filter(entry__in=entries.filter(date__range=(start, end)))
        .order_by("entry__date", "pk")
        .values_list("entry__date", "term", "frequency", "severity", "interference", "present",
                     "composite_grade", "entry__disposition")
    )
    _audit_read(request, patient, staff_read, "diary exported as CSV")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="symptom-diary-{start}-to-{end}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for day, term, frequency, severity, interference, present, grade, disposition in rows:
        writer.writerow([
            day.isoformat(), term, _blank(frequency), _blank(severity), _blank(interference),
            "" if present is None else ("yes" if present else "no"), _blank(grade), disposition,
        ])
    return _private(response)


def _blank(value):
    return "" if value is None else value


@login_required
def summary_pdf(request, patient_id=None):
    patient, staff_read = _subject(request, patient_id)
    entries = _current_entries(request, patient)
    choice, start, end = _range(request, entries)
    series, in_range = _series(patient, entries, start, end)
    call_days = list(
        in_range.filter(disposition__in=("emergency", "red")).order_by("date").values_list("date", "disposition")
    )
    content = pdf.build(
        name=display_name(patient), start=start, end=end, series=series, call_days=call_days,
        entry_days=in_range.count(),
    )
    _audit_read(request, patient, staff_read, "diary summary PDF")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="symptom-diary-summary-{end}.pdf"'
    return _private(response)
