"""One way to handle a form post on the signed-in pages.

Every form goes the same way: the CSRF token is checked (a stale one is shown as an error
on the form, so the person can send it again, not as a bare 403), the fields are checked,
the casework action runs, and then either the browser is sent on (303, usually with a
``done`` notice) or the form is shown again, with each error next to its field, as 422.
A refusal from an action rolls the session back first: the page shown after it reads the
case as it was, and nothing half-written is committed later.

A page's POST route reads::

    post = await FormPost.read(request, session, user, field="note")
    text = post.text("note")
    post.check(text, "note", post.gettext("Enter the note"))
    return post.run(
        lambda: do_add_note(session, user, app_id, text),
        done=lambda _note: redirect_to_case(request, app_id, "note-added"),
        page=lambda errors: case_page(request, session, user, app_id, errors),
    )
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from ruta.cases.errors import NotFoundError
from ruta.errors import RutaError
from ruta.web.i18n import request_language
from ruta.web.ui._forms import ErrorList, form_text, gettext_for, not_found_page, verify_csrf

__all__ = ["FormPost", "Refusal", "see_other"]

T = TypeVar("T")

#: What an action's refusal becomes: ``(field, message)`` on the form; None for the "not
#: found" page (a case out of the user's reach says no more than a missing one); or a
#: response of its own (a sign-in that must start again).
Refusal = Callable[[RutaError], "tuple[str, str] | Response | None"]


def see_other(url: str) -> RedirectResponse:
    """Go on after a successful post (POST/redirect/GET: a reload does not post again)."""
    return RedirectResponse(url, status_code=303)


class FormPost:
    """One posted form: its fields, the page's language and the errors found so far.

    Args:
        request: The request (its language, its CSRF cookie).
        session: The request's database session, rolled back when the action refuses.
        user: The signed-in user, for the "not found" page (None on anonymous pages).
        form: The posted fields.
        field: The field an expired form and, unless ``run`` is told otherwise, the action's
            refusals are shown at (the error summary links to it).
    """

    def __init__(
        self,
        request: Request,
        session: Session | None,
        user: Any,
        form: FormData,
        field: str,
    ) -> None:
        self.request = request
        self.session = session
        self.user = user
        self.form = form
        self.field = field
        self.gettext: Callable[[str], str] = gettext_for(request)
        #: The page's language, which the actions' refusals are said in.
        self.lang = request_language(request)
        self.errors: ErrorList = []
        #: Whether the CSRF token is right; when not, the first error says so.
        self.fresh = verify_csrf(request, form)
        if not self.fresh:
            self.errors.append((field, self.gettext("The form expired. Try again")))

    @classmethod
    async def read(
        cls, request: Request, session: Session | None, user: Any, *, field: str
    ) -> FormPost:
        """Read the posted form and check its CSRF token."""
        return cls(request, session, user, await request.form(), field)

    def text(self, name: str) -> str:
        """A text field, stripped; empty when absent."""
        return form_text(self.form, name)

    def extend(self, errors: ErrorList) -> None:
        """Note the errors a page's own validation found (none on an expired form)."""
        if self.fresh:
            self.errors.extend(errors)

    def check(self, ok: object, field: str, message: str) -> bool:
        """Note ``message`` at ``field`` unless ``ok`` holds; whether it held.

        An expired form gets no more errors than the one that says to send it again: the
        person reloads it anyway, and one clear sentence beats a list.
        """
        if not ok and self.fresh:
            self.errors.append((field, message))
        return bool(ok)

    @property
    def valid(self) -> bool:
        """Whether nothing is wrong so far (the token included)."""
        return not self.errors

    def said(self, exc: RutaError) -> str:
        """The action's refusal in the page's language."""
        return exc.say(self.lang)

    def refusal(self, exc: RutaError) -> tuple[str, str] | None:
        """The usual reading of a refusal: a case or record out of reach is the "not found"
        page; anything else shows the action's message at the form's field."""
        if isinstance(exc, NotFoundError):
            return None
        return (self.field, self.said(exc))

    def run(
        self,
        action: Callable[[], T],
        *,
        done: Callable[[T], Response],
        page: Callable[[ErrorList], Response],
        refusal: Refusal | None = None,
    ) -> Response:
        """Run the action when the form is valid, then go on (``done``) or show the form
        again with its errors (``page``, as 422).

        Args:
            action: Calls the casework action (it commits when it succeeds); a refusal is
                a :class:`~ruta.errors.RutaError` (bad input, a rule, a missing case).
            done: The response after success, given what the action returned.
            page: The form again with these errors.
            refusal: How to read the action's refusal (default :meth:`refusal`).
        """
        if not self.errors:
            try:
                result = action()
            except RutaError as exc:
                # Why roll back: the page below reads the case again in this session, and
                # must not see (or later commit) what the refused action left half done.
                if self.session is not None:
                    self.session.rollback()
                refused = (refusal or self.refusal)(exc)
                if refused is None:
                    return not_found_page(self.request, self.user)
                if isinstance(refused, Response):
                    return refused
                self.errors.append(refused)
            else:
                return done(result)
        return self.page(page)

    def page(self, page: Callable[[ErrorList], Response]) -> Response:
        """The form again with the errors found, as 422 (unless the page says more)."""
        response = page(self.errors)
        if self.errors and response.status_code == 200:
            response.status_code = 422
        return response
