"""Asking once before a consequential act, on a page that works without JavaScript.

A route calls `ask_first(...)` before it acts: when the form does not carry `confirmed=1`,
the answer is a page that says what will happen, with the same form (its fields kept hidden,
a fresh CSRF token) and one button to go ahead, and a link back. The buttons that lead to such
acts post to the route as before; the act happens on the second post only.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request

CONFIRMED = "confirmed"
_NOT_CARRIED = {"csrf_token", CONFIRMED}


@dataclass(frozen=True)
class Confirmation:
    question: str  # "Withdraw Sok Dara from BEMONC Takeo 1?"
    consequence: str  # what will happen, and what can (not) be undone
    button: str  # the go-ahead, a verb: "Withdraw"
    back: str  # where "Cancel" goes
    danger: bool = True
    # Places to look before going ahead, as (label, address): the questions left unanswered.
    links: tuple[tuple[str, str], ...] = ()


def confirmed() -> bool:
    return request.form.get(CONFIRMED) == "1"


def ask_first(confirmation: Confirmation):
    """None when the person already confirmed; else the page that asks (status 200)."""
    if confirmed():
        return None
    fields = [
        (name, value)
        for name, values in request.form.lists()
        if name not in _NOT_CARRIED
        for value in values
    ]
    return render_template(
        "confirm.html", c=confirmation, fields=fields, action=request.full_path.rstrip("?")
    )
