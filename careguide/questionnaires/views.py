"""Filling in a questionnaire in HTML, and seeing a stored response.

`QuestionnaireFillView` is the reusable view: other apps subclass it and override
`get_questionnaire()`, `template_name`, `compute_outcome()` and `get_success_url()`.
A paged questionnaire (top-level groups with itemControl `page`) is filled one step at a
time; the answers so far live in the session draft between steps, and the whole response
is checked again before it is stored.
"""

from __future__ import annotations

import uuid

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from careguide.audit import service as audit
from careguide.careteam.scoping import scope
from careguide.core.http import private as _private

from . import bindings, engine, services
from .forms import QuestionnaireForm, initial_response
from .models import Questionnaire, QuestionnaireResponse
from .presenters import response_sections, scores

DRAFTS_SESSION_KEY = "careguide_questionnaire_drafts"
# Forms already stored from this browser: {draft key: {"token", "path"}}, so pressing submit
# twice (or going back and submitting again) leads to the same result, stored once.
DONE_SESSION_KEY = "careguide_questionnaire_done"
SUBMISSION_SYSTEM = "urn:careguide:submission"
TOKEN_FIELD = "_submission"  # noqa: S105 - a form field's name, not a secret



class QuestionnaireFillView(View):
    """Show a questionnaire as a form, check the answers, store a QuestionnaireResponse.

    Hooks for subclasses:
      get_questionnaire() -> Questionnaire         which questionnaire (default: by fhir_id in the URL)
      template_name                                the full page (extends base.html, includes the form)
      compute_outcome(parsed, response) -> str     e.g. a score, stored as response.outcome (a
                                                   questionnaire bound to a triage tool gets the
                                                   tool's disposition instead: bindings.py)
      get_success_url(response) -> str             where to go after storing (default: the triage
                                                   result page of a bound questionnaire, else the answers)
      response_saved(response)                     anything else to do after storing
      get_initial_response() -> dict | None        answers to start from
    `?fragment=1` renders only the form (for a script that shows it in a dialog).
    """

    template_name = "questionnaires/fill.html"
    fragment_template_name = "questionnaires/includes/form.html"

    # --- hooks -------------------------------------------------------------------------------

    def get_questionnaire(self) -> Questionnaire:
        # A version waiting for clinical review is not there for anyone to answer yet.
        return get_object_or_404(Questionnaire.objects.live(), fhir_id=self.kwargs["fhir_id"])

    def compute_outcome(self, parsed_questionnaire: engine.Questionnaire, response_resource: dict) -> str:
        return ""

    def get_success_url(self, response_model: QuestionnaireResponse) -> str:
        submission = getattr(self, "submission", None)
        if submission is not None and submission.result_path:
            return submission.result_path
        return reverse("questionnaires:response", args=[response_model.fhir_id])

    def response_saved(self, response_model: QuestionnaireResponse) -> None:
        pass

    def get_initial_response(self) -> dict | None:
        return None

    def get_context_data(self, **kwargs) -> dict:
        return {"questionnaire": self.questionnaire, "definition": self.definition, **kwargs}

    # --- plumbing ------------------------------------------------------------------------------

    def dispatch(self, request, *args, **kwargs):
        self.questionnaire = self.get_questionnaire()
        # With the signed-in person's starting values and options (SDC launchContext, ADR 0032).
        self.definition = services.definition_for(self.questionnaire, request)
        self.binding = bindings.for_questionnaire(self.questionnaire)
        return super().dispatch(request, *args, **kwargs)

    @property
    def fragment(self) -> bool:
        return self.request.GET.get("fragment") == "1"

    def draft_key(self) -> str:
        return f"{self.questionnaire.fhir_id}:{self.questionnaire.version_id}"

    def load_draft(self) -> dict:
        drafts = self.request.session.get(DRAFTS_SESSION_KEY, {})
        draft = drafts.get(self.draft_key())
        if not isinstance(draft, dict) or not isinstance(draft.get("response"), dict):
            start = self.get_initial_response() or initial_response(self.definition)
            draft = {"response": start, "step": 0}
        if not isinstance(draft.get("token"), str):
            draft = {**draft, "token": uuid.uuid4().hex}
        self.draft = draft
        return draft

    def save_draft(self, response: dict, step: int, **extra):
        drafts = dict(self.request.session.get(DRAFTS_SESSION_KEY, {}))
        current = getattr(self, "draft", None) or {}
        kept = {k: current[k] for k in ("token", "continuing", "locked") if k in current}
        drafts[self.draft_key()] = {**kept, **extra, "response": response, "step": step}
        self.draft = drafts[self.draft_key()]
        self.request.session[DRAFTS_SESSION_KEY] = drafts

    def clear_draft(self):
        drafts = dict(self.request.session.get(DRAFTS_SESSION_KEY, {}))
        if drafts.pop(self.draft_key(), None) is not None:
            self.request.session[DRAFTS_SESSION_KEY] = drafts

    def _enabled_indexes(self, response: dict) -> list[int]:
        return [s.index for s in engine.enabled_steps(self.definition, response)]

    def _here(self) -> str:
        return self.request.path + ("?fragment=1" if self.fragment else "")

    def render_form(self, form: QuestionnaireForm, step_index: int = 0, response: dict | None = None, status=200):
        enabled = self._enabled_indexes(response if response is not None else form.response())
        if step_index not in enabled:
            enabled = sorted({*enabled, step_index})
        position = enabled.index(step_index)
        paged = self.definition.is_paged
        draft = getattr(self, "draft", None) or {}
        locked = draft.get("locked", -1) if draft.get("continuing") else -1
        context = self.get_context_data(
            form=form,
            step=self.definition.steps[step_index] if paged else None,
            step_index=step_index,
            step_number=position + 1,
            step_count=len(enabled),
            paged=paged,
            # After an early result the steps already sent stay as they were.
            has_back=paged and position > 0 and enabled[position - 1] > locked,
            continuing=bool(draft.get("continuing")),
            submit_label="Continue" if paged and position < len(enabled) - 1 else "Submit",
            form_action=self._here(),
            state_url=reverse("questionnaires:state", args=[self.questionnaire.fhir_id]) if form.asks_server else "",
            fragment=self.fragment,
            submission_token=draft.get("token") or uuid.uuid4().hex,
            token_field=TOKEN_FIELD,
        )
        template = self.fragment_template_name if self.fragment else self.template_name
        return _private(render(self.request, template, context, status=status))

    def get(self, request, *args, **kwargs):
        if self.definition.is_paged:
            if request.GET.get("restart") == "1":
                self.clear_draft()
            draft = self.load_draft()
            index = self._valid_step(draft.get("step", 0), draft["response"])
            step = self.definition.steps[index]
            form = QuestionnaireForm(self.definition, response=draft["response"], step=step)
            return self.render_form(form, index, draft["response"])
        form = QuestionnaireForm(self.definition, response=self.get_initial_response())
        return self.render_form(form)

    def _valid_step(self, index, response) -> int:
        enabled = self._enabled_indexes(response)
        try:
            index = int(index)
        except (TypeError, ValueError):
            index = 0
        draft = getattr(self, "draft", None) or {}
        if draft.get("continuing"):
            # After an early result: only the steps not yet sent.
            later = [i for i in enabled if i > draft.get("locked", -1)]
            enabled = later or enabled
        if index in enabled:
            return index
        earlier = [i for i in enabled if i <= index]
        return earlier[-1] if earlier else (enabled[0] if enabled else 0)

    def _already_done(self, request):
        """The result of this very form, if it was stored already (a second press of submit)."""
        token = request.POST.get(TOKEN_FIELD)
        done = request.session.get(DONE_SESSION_KEY, {}).get(self.draft_key())
        if token and isinstance(done, dict) and done.get("token") == token and done.get("path"):
            return HttpResponseRedirect(done["path"], status=303)
        return None

    def post(self, request, *args, **kwargs):
        replay = self._already_done(request)
        if replay is not None:
            return replay
        if not self.definition.is_paged:
            form = QuestionnaireForm(self.definition, request.POST, response=self.get_initial_response())
            if form.action in ("add", "remove") or not form.is_valid():
                return self.render_form(form)
            token = request.POST.get(TOKEN_FIELD, "")
            self.draft = {"token": token if _is_token(token) else uuid.uuid4().hex}
            return self.store(form, form.response())
        draft = self.load_draft()
        index = self._valid_step(request.POST.get("_step", draft.get("step", 0)), draft["response"])
        form = QuestionnaireForm(self.definition, request.POST, response=draft["response"],
                                 step=self.definition.steps[index])
        if form.action in ("add", "remove"):
            self.save_draft(form.draft(), index)
            return self.render_form(form, index)
        enabled = self._enabled_indexes(form.response())
        if form.action == "back":
            first = draft.get("locked", -1) if draft.get("continuing") else -1
            earlier = [i for i in enabled if first < i < index]
            self.save_draft(form.draft(), earlier[-1] if earlier else index)
            return HttpResponseRedirect(self._here(), status=303)
        if not form.is_valid():
            return self.render_form(form, index)
        later = [i for i in enabled if i > index]
        if later:
            stopped = self.stop_early(form, index, later[0])
            if stopped is not None:
                return stopped
            self.save_draft(form.draft(), later[0])
            return HttpResponseRedirect(self._here(), status=303)
        # The last step: check the whole response before storing it.
        response = form.response()
        issues = [i for i in engine.validate_response(self.definition, {**response, "status": "completed"})
                  if i.is_error and not self._is_calculated(i)]
        if issues:
            return self._show_first_step_with(issues, form.draft())
        return self.store(form, response)

    def stop_early(self, form: QuestionnaireForm, index: int, next_index: int):
        """Store the answers so far and show the advice now when they already reach one of the
        binding's most urgent dispositions: more answers can only add to it (the rules only
        rise). The person may then answer the rest, which adds to the same response."""
        if self.binding is None or not self.binding.stop_at:
            return None
        partial = {**form.response(), "status": "in-progress"}
        try:
            triage = self.binding.evaluate(partial, user=self.request.user, definition=self.definition)
        except bindings.BindingError:
            return None  # the step's own checks name the problem; the last step stores nothing wrong
        continuing = self._continuing_record()
        if triage.disposition not in self.binding.stop_at:
            return None
        if continuing is not None and continuing.outcome and \
                self._rank(triage.disposition) >= self._rank(continuing.outcome):
            return None  # already stored and acted on at this level
        response = self._with_token({**form.response(), "status": "in-progress"})
        try:
            if continuing is not None:
                self.submission = services.add_to_stored_response(
                    continuing, response, user=self.request.user, request=self.request, complete=False)
            else:
                self.submission = services.submit_response(
                    self.questionnaire, response, user=self.request.user, request=self.request)
        except services.ResponseInvalid:
            return None
        record = self.submission.record
        self.save_draft(form.draft(), next_index, continuing=str(record.fhir_id), locked=index)
        self.response_saved(record)
        return HttpResponseRedirect(self.submission.result_path or self.get_success_url(record), status=303)

    def _rank(self, disposition: str) -> int:
        order = getattr(self.binding, "stop_at", ())
        return order.index(disposition) if disposition in order else len(order)

    def _continuing_record(self) -> QuestionnaireResponse | None:
        """The response stored at an early result that this draft adds to, if any."""
        draft = getattr(self, "draft", None) or {}
        fhir_id = draft.get("continuing")
        if not fhir_id:
            return None
        visible = QuestionnaireResponse.objects.for_user(self.request.user) | \
            QuestionnaireResponse.objects.for_session(self.request)
        return visible.filter(fhir_id=fhir_id, questionnaire=self.questionnaire).first()

    def _with_token(self, response: dict) -> dict:
        token = (getattr(self, "draft", None) or {}).get("token")
        if token:
            response = {**response, "identifier": {"system": SUBMISSION_SYSTEM, "value": token}}
        return response

    def _is_calculated(self, issue) -> bool:
        item = self.definition.by_link_id.get(issue.link_id or "")
        return item is not None and item.is_calculated

    def _show_first_step_with(self, issues, draft_response):
        for step in self.definition.steps:
            link_ids = {i.link_id for i in step.items}
            mine = [i for i in issues if self._top_link_id(i.link_id) in link_ids]
            if mine:
                self.save_draft(draft_response, step.index)
                form = QuestionnaireForm(self.definition, response=draft_response, step=step)
                form.add_errors(mine)
                return self.render_form(form, step.index, draft_response)
        form = QuestionnaireForm(self.definition, response=draft_response, step=self.definition.steps[0])
        form.add_errors(issues)
        return self.render_form(form, 0, draft_response)

    def _top_link_id(self, link_id):
        item = self.definition.by_link_id.get(link_id or "")
        while item is not None and item.parent is not None:
            item = item.parent
        return item.link_id if item is not None else None

    def store(self, form: QuestionnaireForm, response: dict):
        response = self._with_token({
            "resourceType": "QuestionnaireResponse",
            "questionnaire": services.canonical(self.questionnaire),
            "status": "completed",
            **{k: v for k, v in response.items() if k not in ("resourceType", "id", "status", "questionnaire")},
        })
        continuing = self._continuing_record() if self.definition.is_paged else None
        try:
            if continuing is not None:
                self.submission = services.add_to_stored_response(
                    continuing, response, user=self.request.user, request=self.request)
            else:
                outcome = ""
                if self.binding is None:
                    completed, _ = engine.calculate(self.definition, response)
                    outcome = self.compute_outcome(self.definition, completed)
                self.submission = services.submit_response(self.questionnaire, response, user=self.request.user,
                                                           request=self.request, outcome=outcome or "")
        except services.ResponseInvalid as exc:
            form.add_errors(exc.issues)
            if self.definition.is_paged:
                return self._show_first_step_with(exc.issues, form.draft())
            return self.render_form(form)
        record = self.submission.record
        token = (getattr(self, "draft", None) or {}).get("token")
        self.clear_draft()
        if not self.submission.replayed:
            self.response_saved(record)
        path = self.get_success_url(record)
        if token:
            done = dict(self.request.session.get(DONE_SESSION_KEY, {}))
            done[self.draft_key()] = {"token": token, "path": path}
            self.request.session[DONE_SESSION_KEY] = done
        return HttpResponseRedirect(path, status=303)


def _triage_summary(record: QuestionnaireResponse, request) -> dict | None:
    """The triage result a bound response carries, for its answers page: what to do, and a link
    to the page that says it in full (a path on this site only)."""
    found = bindings.result_of(record.resource)
    if not found or not found.get("disposition"):
        return None
    binding = bindings.for_url(record.questionnaire_url)
    stored = binding.stored_for(record, request=request) if binding is not None else None
    return {"display": found.get("display") or found["disposition"], "guidance": stored.result_path if stored else ""}


def _is_token(value: str) -> bool:
    try:
        return uuid.UUID(value).hex == value
    except (ValueError, AttributeError, TypeError):
        return False


class ResponseDetailView(View):
    """A stored response, for the person who made it (signed in, or the same browser session)
    and for the members of their care teams (careguide.careteam.scoping). Anyone else, admins
    included, gets the same 404 as for an id that does not exist."""

    template_name = "questionnaires/response_detail.html"

    def get(self, request, response_id):
        visible = scope(QuestionnaireResponse.objects.all(), request.user, patient_field="subject") | (
            QuestionnaireResponse.objects.for_session(request)
        )
        record = visible.select_related("questionnaire", "subject").filter(fhir_id=response_id).first()
        if record is None:
            raise Http404("No such response")
        read_by_care_team = record.subject_id is not None and record.subject_id != request.user.pk
        audit.record(request.user, audit.READ, record, patient=record.subject,
                     detail="read by care team" if read_by_care_team else "")
        definition = services.parsed(record.questionnaire)
        context = {
            "record": record,
            # A care-team member reads someone else's answers: the page can say whose.
            "read_by_care_team": read_by_care_team,
            "questionnaire": record.questionnaire,
            "definition": definition,
            "sections": response_sections(definition, record.resource),
            "scores": scores(definition, record.resource),
            "triage": _triage_summary(record, request),
        }
        return _private(render(request, self.template_name, context))
