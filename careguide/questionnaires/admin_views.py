"""Admin screens where clinical reviewers decide whether a new questionnaire version goes live.

A new version of a triage-bound questionnaire (the side-effect check, the back-pain gate) that
came in through the FHIR API or `careguide import-questionnaire` waits here. The reviewer sees
what changed against the live version and what the tool's safety checks find (run again on
every view), and approves (only when the checks pass) or turns it down with a reason. Clinical
reviewers and superusers see the list; only clinical reviewers decide (versions.may_review).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views import View

from . import bindings, services, versions
from .models import Questionnaire


def can_see(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or versions.may_review(user)))


class _ReviewerOnly(View):
    def dispatch(self, request, *args, **kwargs):
        if not can_see(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ReviewListView(_ReviewerOnly):
    def get(self, request):
        rows = Questionnaire.objects.select_related("submitted_by", "reviewed_by").order_by("url", "-created_at")
        waiting = [q for q in rows if q.review_status == Questionnaire.Review.PENDING]
        return TemplateResponse(request, "questionnaires/admin/review_list.html", {
            "waiting": waiting,
            "others": [q for q in rows if q.review_status != Questionnaire.Review.PENDING],
            "bound": {q.pk for q in rows if bindings.is_bound(q.url)},
        })


def _shape(questionnaire: Questionnaire) -> dict[str, tuple]:
    """linkId -> what a person sees and answers (type, text, required, conditions, answer codes)."""
    definition = services.parsed(questionnaire)
    return {
        item.link_id: (
            item.type, item.label, item.required,
            tuple((w.question, w.operator, repr(w.value)) for w in item.enable_when),
            tuple(o.value.get("code", repr(o.value)) if isinstance(o.value, dict) else repr(o.value)
                  for o in item.options or ()),
        )
        for item in definition.all_items()
    }


def changes(old: Questionnaire | None, new: Questionnaire) -> list[str]:
    """Plain lines saying which questions were added, removed or changed between two versions."""
    if old is None:
        return []
    before, after = _shape(old), _shape(new)
    lines = [f"Added: {link} ({after[link][1]})" for link in after if link not in before]
    lines += [f"Removed: {link} ({before[link][1]})" for link in before if link not in after]
    names = ("type", "wording", "required", "conditions", "answers")
    for link in after:
        if link in before and before[link] != after[link]:
            what = [name for name, a, b in zip(names, before[link], after[link], strict=True) if a != b]
            lines.append(f"Changed: {link} ({', '.join(what)})")
    return lines


class ReviewView(_ReviewerOnly):
    template_name = "questionnaires/admin/review.html"

    def _context(self, questionnaire, **extra):
        live = Questionnaire.objects.current(questionnaire.url) if questionnaire.url else None
        live = live if live is not None and live.pk != questionnaire.pk else None
        return {
            "questionnaire": questionnaire,
            "live": live,
            "changes": changes(live, questionnaire),
            "problems": versions.safety_problems(questionnaire.url, services.parsed(questionnaire)),
            "bound": bindings.is_bound(questionnaire.url),
            "may_decide": versions.may_review(self.request.user)
            and questionnaire.review_status == Questionnaire.Review.PENDING,
            **extra,
        }

    def get(self, request, pk):
        questionnaire = get_object_or_404(Questionnaire, pk=pk)
        return TemplateResponse(request, self.template_name, self._context(questionnaire))

    def post(self, request, pk):
        questionnaire = get_object_or_404(Questionnaire, pk=pk)
        if not versions.may_review(request.user):
            raise PermissionDenied
        decision, note = request.POST.get("decision"), request.POST.get("note", "")
        try:
            if decision == "approve":
                versions.approve(questionnaire, request.user, note)
                messages.success(request, f"Version {questionnaire.version} of “{questionnaire}” is now live.")
            elif decision == "reject":
                versions.reject(questionnaire, request.user, note)
                messages.success(request, f"Version {questionnaire.version} of “{questionnaire}” was not approved.")
            else:
                raise versions.ReviewRefused(["Choose Approve or Do not approve."])
        except versions.ReviewRefused as exc:
            questionnaire.refresh_from_db()
            return TemplateResponse(request, self.template_name,
                                    self._context(questionnaire, errors=exc.problems, note=note), status=400)
        return redirect("questionnaire_review", pk=questionnaire.pk)
