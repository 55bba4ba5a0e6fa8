"""Filling a questionnaire's HTML form as a browser without JavaScript would: read the form's
controls, give the answers a person gives to the questions on the screen, press the buttons a
person presses ("Add another", "Continue", "Submit"), and follow the redirects."""

from __future__ import annotations

from bs4 import BeautifulSoup
from conformance_support import RESPONSE_PATH, Control, FillError, Leaf, Repeat, leaves_of, plan

MAX_ROUNDS = 15
TEXT_TYPES = {"text", "date", "time", "datetime-local", "url", "number", "email", "tel"}


def controls_of(form) -> list[Control]:
    """The enabled controls of a parsed <form>, as a person sees them."""
    controls = []
    for tag in form.select("input[name], select[name], textarea[name]"):
        if tag.has_attr("disabled"):
            continue
        name = tag["name"]
        label = _label(form, tag)
        if tag.name == "select":
            options = [(o.get("value", o.get_text()), o.get_text(strip=True)) for o in tag.select("option")]
            selected = next((o.get("value", "") for o in tag.select("option") if o.has_attr("selected")), "")
            controls.append(Control(name, "select", tag.get("id", ""), selected, label, options))
        elif tag.name == "textarea":
            controls.append(Control(name, "text", tag.get("id", ""), tag.get_text(), label))
        else:
            kind = tag.get("type", "text")
            if kind in ("radio", "checkbox"):
                controls.append(Control(name, kind, tag.get("id", ""), tag.get("value", "on"), label,
                                        checked=tag.has_attr("checked")))
            elif kind == "hidden":
                controls.append(Control(name, "hidden", tag.get("id", ""), tag.get("value", "")))
            elif kind in TEXT_TYPES:
                controls.append(Control(name, "text", tag.get("id", ""), tag.get("value", ""), label))
    return controls


def _label(form, tag) -> str:
    if tag.get("id"):
        found = form.select_one(f'label[for="{tag["id"]}"]')
        if found is not None:
            return found.get_text(" ", strip=True)
    return ""


def form_data(controls: list[Control]) -> dict[str, list[str]]:
    """What the browser would send for these controls as they stand."""
    data: dict[str, list[str]] = {}
    for c in controls:
        if c.kind in ("radio", "checkbox"):
            if c.checked:
                data.setdefault(c.name, []).append(c.value)
        else:
            data.setdefault(c.name, []).append(c.value)
    return data


class NoJavaScriptPerson:
    """Fills one form at `url` with the Django test `client`."""

    def __init__(self, client, url: str, answers: dict):
        self.client = client
        self.url = url
        self.leaves, self.repeats = leaves_of(answers)

    def fill(self) -> str:
        """Fill in and send the form; returns the stored response's id."""
        response = self.client.get(self.url)
        assert response.status_code == 200, f"the form did not open ({response.status_code})"
        for _ in range(MAX_ROUNDS):
            soup = BeautifulSoup(response.content.decode(), "html.parser")
            form = soup.select_one("form[data-questionnaire]")
            assert form is not None, "no questionnaire form on the page"
            controls = controls_of(form)
            add = self._repeat_to_add(controls)
            action = ("_add", add) if add else ("_action", "continue")
            data = self._answer(controls)
            if action[0] == "_action":
                for leaf in self.leaves:
                    if any(c.name == leaf.name for c in controls) and not self._needs_add(leaf, controls):
                        leaf.done = True
            data[action[0]] = [action[1]]
            response = self.client.post(self.url, data)
            if response.status_code == 303:
                location = response["Location"]
                match = RESPONSE_PATH.search(location)
                if match:
                    missing = [leaf.name for leaf in self.leaves if not leaf.done]
                    if missing:
                        raise FillError(f"stored before these questions were offered: {missing}")
                    return match.group(1)
                response = self.client.get(location)
                continue
            assert response.status_code == 200, f"unexpected status {response.status_code}"
            if action[0] == "_action":
                self._raise_on_errors(response)
        raise FillError("the form never finished")

    def _needs_add(self, leaf: Leaf, controls) -> bool:
        actions = plan(controls, leaf)
        return bool(actions) and actions[0][0] == "add"

    def _repeat_to_add(self, controls) -> str:
        for repeat in self.repeats:
            counts = [c for c in controls if c.name == repeat.name + "__count"]
            if counts and int(counts[0].value or 1) < repeat.count:
                return repeat.name
        for leaf in self.leaves:
            if any(c.name == leaf.name for c in controls) and self._needs_add(leaf, controls):
                return leaf.name
        return ""

    def _answer(self, controls: list[Control]) -> dict[str, list[str]]:
        data = form_data(controls)
        for leaf in self.leaves:
            actions = plan(controls, leaf)
            if not actions or actions[0][0] == "add":
                continue
            filled: dict[str, list[str]] = {}
            for action in actions:
                kind, control = action[0], action[1]
                if kind == "check":
                    if control.kind == "radio":
                        filled[control.name] = [control.value]
                    else:
                        filled.setdefault(control.name, []).append(control.value)
                elif kind == "select":
                    filled[control.name] = [action[2]]
                elif kind == "fill":
                    filled.setdefault(control.name, []).append(action[2])
            data.update(filled)
        return data

    @staticmethod
    def _raise_on_errors(response):
        soup = BeautifulSoup(response.content.decode(), "html.parser")
        if soup.select_one(".q-notice"):
            return  # new questions appeared: the next round answers them
        summary = soup.select(".error-summary__list li")
        messages = [a.get_text(" ", strip=True) for a in summary]
        raise FillError(f"the form was shown again: {messages or 'no message'}")


__all__ = ["NoJavaScriptPerson", "Repeat", "controls_of"]
