"""Questionnaire forms: any questionnaire as an HTML form that works without JavaScript.

- `form`: `QuestionnaireForm` (reads a POST, validates, gives the response) and the
  starting responses (`empty_response`, `initial_response`).
- `posted`: reading a POST into a working QuestionnaireResponse; "Add another"/"Remove".
- `coercion`: typed text to FHIR answer values and back.
- `fields`: the `Field` tree the template renders.
"""

from .form import FormError, QuestionnaireForm, empty_response, initial_response

__all__ = ["FormError", "QuestionnaireForm", "empty_response", "initial_response"]
