"""A test client that posts only what the page it is on rendered.

Page tests used to post field names written by hand, so a template and its handler could
drift apart while every test passed (issue 15: the request-information textarea was named
``reason-information_requested`` and the handler read ``reason``). :class:`RenderedFormsClient`
remembers the last HTML page it received and refuses a form post that no form on that page
could have sent, as a browser would: the form's ``action`` must be the URL posted to, every
posted field must be a control of that form, hidden fields keep their rendered values, and a
radio, checkbox or select value must be one of its options. Tests that forge a request on
purpose (a missing CSRF token, a tampered hidden field) say so with ``forged=True``.

The check reads the page with lxml, an HTML parser independent of the templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from fastapi.testclient import TestClient

__all__ = [
    "RenderedForm",
    "RenderedFormsClient",
    "form_values",
    "forms_on",
    "rendered_form_problem",
]

# Fields the client adds to every form: the CSRF token is checked by the service itself.
_FREE = {"csrf_token"}


@dataclass
class RenderedForm:
    """The controls of one ``<form>`` as the page rendered it."""

    action: str
    method: str
    #: name -> values a hidden input carries (a form may repeat a name)
    hidden: dict[str, set[str]] = field(default_factory=dict)
    #: name -> allowed values for radios, checkboxes and selects
    choices: dict[str, set[str]] = field(default_factory=dict)
    #: names of free-text controls (text inputs, textareas, files ...)
    free: set[str] = field(default_factory=set)

    def names(self) -> set[str]:
        return set(self.hidden) | set(self.choices) | self.free

    def problem(self, data: Mapping[str, Any]) -> str | None:
        """Why this form could not have sent ``data``, or None when it could."""
        for name, raw in data.items():
            if name in _FREE:
                continue
            values = [str(v) for v in raw] if isinstance(raw, list | tuple) else [str(raw)]
            if name in self.free:
                continue
            if name in self.choices:
                # An empty value stands for a radio group left unchosen (a browser omits it).
                wrong = [v for v in values if v and v not in self.choices[name]]
                if wrong:
                    options = sorted(self.choices[name])
                    return f"{name}={wrong[0]!r} is not one of its options {options}"
                continue
            if name in self.hidden:
                wrong = [v for v in values if v not in self.hidden[name]]
                if wrong:
                    return f"hidden {name}={wrong[0]!r} was rendered as {sorted(self.hidden[name])}"
                continue
            return f"has no field {name!r} (fields: {sorted(self.names())})"
        return None


def forms_on(html: str, base_path: str = "/") -> list[RenderedForm]:
    """Every form of a page, with its action resolved to a path."""
    if not html.strip():
        return []
    document = lxml.html.document_fromstring(html)
    forms: list[RenderedForm] = []
    for element in document.forms:
        action = element.get("action") or base_path
        form = RenderedForm(
            action=urlsplit(action).path or base_path,
            method=(element.get("method") or "get").lower(),
        )
        for control in element.iter("input", "textarea", "select", "button"):
            name = control.get("name")
            if not name:
                continue
            kind = (control.get("type") or "").lower()
            if control.tag == "input" and kind == "hidden":
                form.hidden.setdefault(name, set()).add(control.get("value") or "")
            elif control.tag == "input" and kind in {"radio", "checkbox"}:
                form.choices.setdefault(name, set()).add(control.get("value") or "on")
            elif control.tag == "select":
                options = {
                    (o.get("value") if o.get("value") is not None else (o.text or "").strip())
                    for o in control.iter("option")
                }
                form.choices.setdefault(name, set()).update(options)
            elif control.tag == "button" or kind == "submit":
                form.choices.setdefault(name, set()).add(control.get("value") or "")
            else:
                form.free.add(name)
        forms.append(form)
    return forms


def form_values(html: str, action: str) -> dict[str, str | list[str]]:
    """What a browser would send from the form posting to ``action`` as the page shows it
    (text as typed, the selected options, checked boxes; buttons excluded)."""
    document = lxml.html.document_fromstring(html)
    for element in document.forms:
        if urlsplit(element.get("action") or "").path == urlsplit(action).path:
            values: dict[str, str | list[str]] = {}
            for name, value in element.form_values():
                if name in values:
                    previous = values[name]
                    values[name] = (
                        [*previous, value] if isinstance(previous, list) else [previous, value]
                    )
                else:
                    values[name] = value
            return values
    raise AssertionError(f"no form posts to {action}")


def rendered_form_problem(html: str | None, url: str, data: Mapping[str, Any]) -> str | None:
    """Why no form of ``html`` could post ``data`` to ``url``; None when one could."""
    path = urlsplit(str(url)).path
    if html is None:
        return f"POST {path}: the client has not received any page yet"
    candidates = [f for f in forms_on(html) if f.action == path and f.method == "post"]
    if not candidates:
        actions = sorted({f.action for f in forms_on(html) if f.method == "post"})
        return f"POST {path}: the last page has no form posting there (it posts to {actions})"
    problems = [p for p in (f.problem(data) for f in candidates) if p is not None]
    if len(problems) < len(candidates):
        return None
    return f"POST {path}: the rendered form " + "; another form ".join(problems)


class RenderedFormsClient(TestClient):
    """A TestClient whose form posts must match a form on the last page it received."""

    last_html: str | None = None
    _forged = False

    def post(self, url: Any, *args: Any, forged: bool = False, **kwargs: Any) -> Any:  # type: ignore[override]
        """Post as TestClient does; ``forged=True`` for a request no page rendered."""
        self._forged = forged
        try:
            return super().post(url, *args, **kwargs)
        finally:
            self._forged = False

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        data = kwargs.get("data")
        if method.upper() == "POST" and not self._forged and isinstance(data, Mapping):
            problem = rendered_form_problem(self.last_html, str(url), data)
            assert problem is None, problem
        response = super().request(method, url, *args, **kwargs)
        if response.headers.get("content-type", "").startswith("text/html"):
            self.last_html = response.text
        return response
