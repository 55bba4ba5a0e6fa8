"""The state of a questionnaire form while it is filled in, for questionnaire.js.

The script shows and hides questions whose enableWhen it can read. What it cannot work out
itself (an enableWhenExpression, a condition on a calculated score, the score itself) it asks
here: it POSTs the form's fields (what a submit would send, as a JSON object of name -> list
of values, with the form's CSRF token in the X-CSRFToken header) to `questionnaires:state`
and gets back

    {"enabled": [anchors of the item instances on this screen that apply],
     "calculated": {anchor: the calculated item's value as text, "" when there is none}}

The fields are read and judged by the same `QuestionnaireForm` a submit uses, so the page and
the stored response agree. Nothing is stored (not even the session draft) and nothing is
logged. A body that cannot be read gets a 4xx in the JSON APIs' shape,
{"errors": [{"field", "message"}]} (careguide.core.jsonapi), never a 5xx. JSON rather than a
form post, so that the body is read here and every refusal is JSON. Progressive enhancement:
without JavaScript the form never calls this.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse, QueryDict

from careguide.core import untrusted
from careguide.core.jsonapi import error_response, json_response, read_json_body

from .forms import QuestionnaireForm
from .views import QuestionnaireFillView

MAX_BODY_BYTES = 256 * 1024  # a long form's fields are a few KB


class FieldsRefused(ValueError):
    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(message)


def read_fields(data) -> QueryDict:
    """The form's fields from {"name": "value" or ["value", ...]}, as a submitted form's QueryDict."""
    if not isinstance(data, dict):
        raise FieldsRefused("(body)", "send the form's fields as a JSON object of names and values")
    fields = QueryDict(mutable=True)
    count = 0
    for name, value in data.items():
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in values):
            raise FieldsRefused(untrusted.printable(name)[:60], "each value must be text, or a list of texts")
        count += len(values)
        if count > settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:
            raise FieldsRefused("(body)", f"more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} values")
        fields.setlist(name, values)
    return fields


class FormStateView(QuestionnaireFillView):
    """POST a questionnaire form's fields; get back what is enabled and the calculated values."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            return error_response(404, [("(questionnaire)", "there is no such questionnaire to fill in")])

    def http_method_not_allowed(self, request, *args, **kwargs):
        response = error_response(405, [("(request)", f"use POST, not {request.method}")])
        response["Allow"] = "POST"
        return response

    def post(self, request, *args, **kwargs):
        data = read_json_body(request, MAX_BODY_BYTES, what="the form's fields")
        if isinstance(data, HttpResponse):
            return data
        try:
            fields = read_fields(data)
        except FieldsRefused as exc:
            return error_response(400, [(exc.field, exc.message)])
        return json_response(self.state_form(fields).state())

    def state_form(self, data) -> QuestionnaireForm:
        """The form as a submit of `data` would read it (a paged questionnaire's other steps come
        from the session draft, which is read and never written here)."""
        if not self.definition.is_paged:
            return QuestionnaireForm(self.definition, data, response=self.get_initial_response())
        draft = self.load_draft()
        index = self._valid_step(data.get("_step", draft.get("step", 0)), draft["response"])
        return QuestionnaireForm(self.definition, data, response=draft["response"],
                                 step=self.definition.steps[index])
