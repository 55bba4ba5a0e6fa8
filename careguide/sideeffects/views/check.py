"""The side-effect check: the paged questions, the result, and a patient's past checks.

Anyone may answer. The questionnaire is bound to the side-effect rules (``..binding``), so
however the answers arrive, a signed-in patient's check is stored (response, SideEffectCheck,
audit, care-team alert) in one transaction and an anonymous visitor's result stays in their
session, with the page saying plainly that no one has been told. An emergency or red answer
shows the advice at once (``QuestionnaireFillView.stop_early``); the rest may be added after.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from careguide.audit import service as audit
from careguide.careteam.scoping import scope, teams_for_patient
from careguide.core.http import private as _private
from careguide.questionnaires import engine
from careguide.questionnaires.forms import QuestionnaireForm, initial_response
from careguide.questionnaires.models import Questionnaire
from careguide.questionnaires.views import QuestionnaireFillView

from .. import guidance, services
from ..binding import ANONYMOUS_RESULT_KEY, CHECK_URL, SideEffectBinding
from ..models import SideEffectCheck
from ..profile import triage_context

CONTEXT_STEP = "treatment"



def _set_answer(items: list, link_id: str, answer: dict) -> bool:
    for node in items:
        if node.get("linkId") == link_id:
            node["answer"] = [answer]
            return True
        if _set_answer(node.get("item") or [], link_id, answer):
            return True
    return False


class CheckView(QuestionnaireFillView):
    template_name = "sideeffects/check.html"

    def get_questionnaire(self):
        questionnaire = Questionnaire.objects.current(CHECK_URL)
        if questionnaire is None:
            raise Http404("The side-effect questions are not loaded. Run `careguide load-content`.")
        return questionnaire

    def get_initial_response(self):
        """A signed-in patient starts with the context questions answered from their profile."""
        if not self.request.user.is_authenticated or services.profile_for(self.request.user) is None:
            return None
        response = initial_response(self.definition)
        for field, value in triage_context(self.request.user).items():
            link_id = f"context.{field}"
            option = self.definition.by_link_id[link_id].option_by_token("yes" if value else "no")
            _set_answer(response["item"], link_id, dict(option.answer))
        return response

    def get_context_data(self, **kwargs):
        step = kwargs.get("step")
        on_context_step = bool(step and step.items and step.items[0].link_id == CONTEXT_STEP)
        prefilled = on_context_step and self.request.user.is_authenticated and \
            services.profile_for(self.request.user) is not None
        return super().get_context_data(on_context_step=on_context_step, prefilled=prefilled, **kwargs)

    # --- answers the rules cannot use, shown on the question --------------------------------

    def _top(self, link_id):
        item = self.definition.by_link_id.get(link_id)
        while item is not None and item.parent is not None:
            item = item.parent
        return item.link_id if item is not None else None

    def answer_issues(self, response: dict, step=None) -> list[engine.Issue]:
        """Problems with answers (on ``step``, or anywhere) that the mapping or the rules refuse."""
        problems = SideEffectBinding().problems(response, self.definition)
        on_step = {i.link_id for i in step.items} if step is not None else None
        return [engine.Issue(message, link_id=link_id or None, code="value", anchor=link_id or None)
                for link_id, message in problems if on_step is None or self._top(link_id) in on_step]

    def post(self, request, *args, **kwargs):
        replay = self._already_done(request)
        if replay is not None:
            return replay
        draft = self.load_draft()
        index = self._valid_step(request.POST.get("_step", draft.get("step", 0)), draft["response"])
        step = self.definition.steps[index]
        form = QuestionnaireForm(self.definition, request.POST, response=draft["response"], step=step)
        if form.action not in ("add", "remove", "back") and form.is_valid():
            issues = self.answer_issues(form.response(), step)
            if issues:
                form.add_errors(issues)
                return self.render_form(form, index)
        return super().post(request, *args, **kwargs)


@login_required
def result(request, pk):
    """One stored check, for its patient and their care team; anyone else gets 404."""
    check = scope(SideEffectCheck.objects.select_related("response", "patient"), request.user).filter(pk=pk).first()
    if check is None:
        raise Http404("No such check")
    if check.patient_id != request.user.pk:
        audit.record(request.user, audit.READ, check, patient=check.patient)
    built = guidance.build(services.check_result(check), check.contract_input, check.notes)
    return _private(render(request, "sideeffects/result.html", {
        "check": check,
        "guidance": built,
        "own": check.patient_id == request.user.pk,
        "has_care_team": teams_for_patient(check.patient).exists(),
        "stopped_early": not check.complete,
    }))


def anonymous_result(request):
    data = request.session.get(ANONYMOUS_RESULT_KEY)
    if not isinstance(data, dict) or "result" not in data:
        return redirect("sideeffects:check")
    built = guidance.build(services.result_from_data(data["result"]), data.get("contract_input"), data.get("notes"))
    return _private(render(request, "sideeffects/result.html", {
        "guidance": built,
        "anonymous": True,
        "rule_set_version": data["result"].get("rule_set_version", ""),
        "questionnaire_version": data.get("questionnaire_version", ""),
        "stopped_early": data.get("complete") is False,
    }))


@login_required
def history(request):
    """The signed-in patient's own checks, newest first."""
    checks = scope(SideEffectCheck.objects.filter(patient=request.user), request.user)
    rows = [(c, guidance.heading_for(c.disposition)) for c in checks[:200]]
    return _private(render(request, "sideeffects/history.html", {"rows": rows}))
