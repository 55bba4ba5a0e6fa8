"""An HTML form for any questionnaire, built from the parsed questionnaire and the POST.

`QuestionnaireForm` reads what a person submitted into a working QuestionnaireResponse
(`posted`), asks the engine what is enabled and what is wrong, and offers the template a
tree of `Field`s (`fields`, one per item instance) with their inputs, hints and errors. It
works without JavaScript: conditional questions are rendered with the `hidden` attribute
until the answers that enable them have been submitted, repeating groups grow with an
"Add another" submit button, and paged questionnaires show one step at a time.

Field names are the engine's anchors (the linkId, plus `@0.1` instance numbers inside
repeating groups), so a test or another app can post answers by linkId.
"""

from __future__ import annotations

import contextlib
import copy
import json
from dataclasses import dataclass

from .. import engine
from .fields import FieldBuilder, top_item
from .posted import PostedAnswers, add_blank_groups, not_an_input, read_action

NEW_QUESTIONS_NOTICE = "More questions have appeared based on your answers"


def empty_response() -> dict:
    return {"resourceType": "QuestionnaireResponse", "status": "in-progress"}


def initial_response(definition: engine.Questionnaire) -> dict:
    """A response holding the questionnaire's initial values (what a fresh form shows)."""

    def items_for(items) -> list[dict]:
        out = []
        for item in items:
            if item.is_display:
                continue
            node: dict = {"linkId": item.link_id}
            if item.is_group:
                node["item"] = items_for(item.children)
            else:
                answers = [dict(a) for a in item.initial]
                children = items_for(item.children)
                if answers and children:
                    answers[0]["item"] = children
                if answers:
                    node["answer"] = answers
            out.append(node)
        return out

    return {**empty_response(), "item": items_for(definition.items)}


def settled(definition: engine.Questionnaire, working: dict) -> dict:
    """The working response as the server will judge it once stored: answers to disabled items
    left out and the calculated items worked out from the rest, so what is enabled here
    (an enableWhen on a score, an enableWhenExpression) is what the stored response says.
    Empty items stay, so repeating-group instance numbers do not move."""
    if not definition.calculated_items:
        return engine.prune_disabled(definition, working, drop_empty=False)
    settled = working
    try:
        # Twice: the scores decide what is enabled, then they are worked out again from the
        # answers that still count (as the server does with the response this form sends).
        for _ in range(2):
            settled, _ = engine.calculate(definition, settled, drop_empty=False)
            settled = engine.prune_disabled(definition, settled, drop_empty=False)
    except Exception:  # a broken expression must not break the page  # noqa: BLE001
        return engine.prune_disabled(definition, working, drop_empty=False)
    return settled


@dataclass
class FormError:
    message: str
    target_id: str = ""
    anchor: str = ""


class QuestionnaireForm:
    """A questionnaire (or one step of it) as an HTML form.

    `data` is the POST (a QueryDict); `response` is what is known already (a paged
    questionnaire's session draft, or a response to show again); `step` limits the form to
    one screen of a paged questionnaire. Answers outside the step come from `response`.
    """

    def __init__(self, definition: engine.Questionnaire, data=None, *, response: dict | None = None,
                 step: engine.Step | None = None):
        self.definition = definition
        self.data = data
        self.step = step
        self.step_link_ids = {i.link_id for i in step.items} if step is not None else None
        self.base = copy.deepcopy(response) if response is not None else initial_response(definition)
        self.posted = PostedAnswers(definition, data, self.base, self._items())
        self.action, self.action_target = read_action(data)
        self.working = self.posted.read() if data is not None else copy.deepcopy(self.base)
        add_blank_groups(definition.items, self.working.setdefault("item", []))
        self.posted.apply_repeat_action(self.action, self.action_target, self.working)
        self.pruned = settled(definition, self.working)
        self._visits = {v.anchor: v for v in engine.walk(definition, engine.read_response(self.pruned))}
        self.errors: list[FormError] = []
        self.warnings: list[FormError] = []  # targetConstraint warnings: shown once, then let through
        self.notice = ""
        self._validated = False
        builder = FieldBuilder(definition, step=step, step_link_ids=self.step_link_ids, working=self.working,
                               pruned=self.pruned, visits=self._visits, raw=self.posted.raw)
        self.fields = builder.build(self._items(), self.working.get("item") or [], (), True)

    @property
    def parse_errors(self) -> dict[str, list[str]]:
        """What could not be read, by anchor."""
        return self.posted.parse_errors

    def _items(self):
        if self.step_link_ids is None:
            return self.definition.items
        return tuple(i for i in self.definition.items if i.link_id in self.step_link_ids)

    # --- validation ----------------------------------------------------------------------

    def is_valid(self) -> bool:
        """Whether the answers on this screen can be kept; fills `errors` and `notice`."""
        if not self._validated:
            self._validate()
        return not self.errors and not self.notice and not self._unconfirmed_warnings()

    def _unconfirmed_warnings(self) -> bool:
        """Warnings this person has not yet been shown (they go on by sending the form again)."""
        try:
            confirmed = set(json.loads(self.data.get("_warned", "[]"))) if self.data is not None else set()
        except (TypeError, ValueError, RecursionError):
            confirmed = set()
        return any(key not in confirmed for key in self.warning_keys)

    @property
    def warning_keys(self) -> list[str]:
        return [f"{w.anchor}|{w.message}" for w in self.warnings]

    @property
    def warned_json(self) -> str:
        return json.dumps(self.warning_keys, separators=(",", ":"))

    def _validate(self):
        self._validated = True
        if self.data is None:
            return
        by_anchor: dict[str, list[str]] = {a: list(m) for a, m in self.parse_errors.items()}
        checked = {**self.pruned, "status": "completed"}
        # Rules (targetConstraint) may read calculated answers: work them out first. A broken
        # expression must not break the page (calculate reports its own failures).
        with contextlib.suppress(Exception):
            checked = engine.calculate(self.definition, checked)[0]
        issues = engine.validate_response(self.definition, checked)
        newly_shown = self._newly_shown()
        appeared = False
        warnings: dict[str, list[str]] = {}
        for issue in issues:
            item = self.definition.by_link_id.get(issue.link_id or "")
            if item is not None and item.is_calculated and issue.code != "invariant":
                continue  # worked out when the response is stored
            if not self._on_this_screen(item):
                continue
            if issue.anchor in newly_shown and issue.code == "required":
                appeared = True
                continue
            if issue.anchor in self.parse_errors:
                continue  # the typing error says more than "enter an answer"
            if not issue.is_error:
                warnings.setdefault(issue.anchor or "", []).append(issue.message)
                continue
            by_anchor.setdefault(issue.anchor or "", []).append(issue.message)
        if not appeared:
            appeared = any(self._unanswered(a) for a in newly_shown)
        if appeared:
            self.notice = NEW_QUESTIONS_NOTICE
        self._attach_errors(by_anchor)
        self._attach(warnings, "warnings", self.warnings)

    def _on_this_screen(self, item) -> bool:
        if item is None or self.step_link_ids is None:
            return True
        return top_item(item).link_id in self.step_link_ids

    def _newly_shown(self) -> set[str]:
        """Questions that were hidden when the form was shown and are enabled now."""
        try:
            hidden = set(json.loads(self.data.get("_hidden", "[]")))
        except (TypeError, ValueError, RecursionError):  # a hand-made post: show no notice
            return set()
        return {a for a in hidden if a in self._visits and self._visits[a].enabled and self._active(a)}

    def _active(self, anchor_name) -> bool:
        visit = self._visits.get(anchor_name)
        while visit is not None:
            if not visit.enabled:
                return False
            visit = visit.parent
        return True

    def _unanswered(self, anchor_name) -> bool:
        visit = self._visits.get(anchor_name)
        if visit is None or not visit.item.is_question or not_an_input(visit.item):
            return False
        return visit.node is None or not visit.node.values

    def _attach_errors(self, by_anchor: dict[str, list[str]]):
        self._attach(by_anchor, "errors", self.errors)

    def _attach(self, by_anchor: dict[str, list[str]], kind: str, found: list[FormError]):
        """Put each message beside its field (`kind`: errors or warnings) and into `found`, which
        the summary at the top lists (a repeating group's links to the group, not its first input)."""
        placed = set()

        def visit(fields):
            for f in fields:
                if f.anchor in by_anchor:
                    setattr(f, kind, by_anchor[f.anchor])
                    placed.add(f.anchor)
                    target = f.html_id if f.kind == "repeat" else f.target_id
                    found.extend(FormError(m, target, f.anchor) for m in by_anchor[f.anchor])
                visit(f.children)
                visit(f.instances)

        visit(self.fields)
        for anchor_name, messages in by_anchor.items():
            if anchor_name not in placed:
                found.extend(FormError(m, "", anchor_name) for m in messages)

    # --- what the template and the view use ---------------------------------------------

    @property
    def hidden_json(self) -> str:
        """The anchors of questions not shown now (so the next POST can tell what appeared)."""
        hidden = []

        def visit(fields, shown):
            for f in fields:
                active = shown and f.active
                if f.item.is_question and not active:
                    hidden.append(f.anchor)
                visit(f.children, active)
                visit(f.instances, active)

        visit(self.fields, True)
        return json.dumps(hidden, separators=(",", ":"))

    def _all_fields(self, fields=None):
        for f in self.fields if fields is None else fields:
            yield f
            yield from self._all_fields(f.children)
            yield from self._all_fields(f.instances)

    @property
    def asks_server(self) -> bool:
        """Whether the script needs the server to keep this screen up to date while it is
        filled in (a condition only the server can judge, or a calculated value)."""
        return any(f.enabled_by_server or f.kind == "calculated" for f in self._all_fields())

    def state(self) -> dict:
        """What the script shows while the form is filled in: the item instances on this screen
        that apply (their anchors), and each calculated value as text."""
        enabled, calculated = [], {}
        for f in self._all_fields():
            if f.active and f.kind != "repeat-instance":
                enabled.append(f.anchor)
            if f.kind == "calculated":
                calculated[f.anchor] = f.display
        return {"enabled": enabled, "calculated": calculated}

    def response(self) -> dict:
        """The answers as a QuestionnaireResponse: disabled items and empty items removed.
        What is disabled is judged with the scores worked out (`settled`); the scores
        themselves are left for the server, which works them out again as it stores."""
        answers = copy.deepcopy(self.pruned)
        if self.definition.calculated_items:
            for visit in engine.walk(self.definition, engine.read_response(answers)):
                if visit.item.is_calculated and visit.node is not None:
                    visit.node.raw.pop("answer", None)
        return engine.without_empty_items(answers)

    def draft(self) -> dict:
        """What to keep between steps: everything answered so far, disabled answers kept
        (a person going back and changing an answer gets theirs back)."""
        return engine.without_empty_items(copy.deepcopy(self.working))

    def add_errors(self, issues: list[engine.Issue]):
        """Errors found later (e.g. by the final check of a paged questionnaire)."""
        by_anchor: dict[str, list[str]] = {}
        for issue in issues:
            by_anchor.setdefault(issue.anchor or "", []).append(issue.message)
        self._validated = True
        self._attach_errors(by_anchor)
