"""Numbers inside translated messages are written in Khmer digits on Khmer pages: in templates,
in code (`gettext`, `ngettext`, `lazy_gettext`, flashed messages, domain errors) and in WTForms'
own messages; codes and serials passed as text keep their digits."""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

import pytest
from flask import render_template_string
from flask_babel import force_locale, gettext, lazy_gettext, ngettext
from wtforms import IntegerField, StringField
from wtforms.validators import Length, NumberRange

from lms.errors import DomainError
from lms.forms import Form
from lms.i18n import interpolate, numbers_written

from .conftest import km
from .visible_digits import latin_numbers, visible_text


def test_numbers_are_written_by_their_own_specifier_then_in_khmer_digits():
    assert interpolate("%(n)s of %(total)s", {"n": 3, "total": 12}, "km") == "៣ of ១២"
    assert interpolate("at most %(max)d", {"max": 200.0}, "km") == "at most ២០០"
    assert interpolate(
        "%(share).1f%% · %(price)s", {"share": 12.345, "price": Decimal("2.50")}, "km"
    ) == ("១២.៣% · ២.៥០")
    assert interpolate("%s: %d of %s", ("BEMONC-2026-00003", 2, 7), "km") == (
        "BEMONC-2026-00003: ២ of ៧"
    )
    assert interpolate("%5d|%-4s|", (42, 7), "km") == "   ៤២|៧   |"


def test_text_booleans_and_english_keep_their_digits():
    values = {"code": "BEMONC-2026", "n": 15, "flag": True}
    assert interpolate("%(code)s %(flag)s", values, "km") == "BEMONC-2026 True"
    assert interpolate("%(code)s · %(n)s", values, "en") == "BEMONC-2026 · 15"
    assert interpolate("100%% of %(n)s", values, "km") == "100% of ១៥"  # the message's own text
    # Nothing to write: the message and its values go to `%` unchanged.
    assert numbers_written("plain", {"n": 1}, "km") == ("plain", {"n": 1})


def test_a_missing_value_still_fails_as_percent_formatting_would():
    with pytest.raises(KeyError):
        interpolate("%(missing)s", {"n": 1}, "km")
    with pytest.raises(TypeError):
        interpolate("%s and %s", (1,), "km")


@contextmanager
def _in(app, language: str, **request):
    # The app fixture's context stays pushed: the locale is forced, not read from a cookie.
    with app.test_request_context("/", **request), force_locale(language):
        yield


def test_code_side_messages_in_both_languages(app):
    with _in(app, "km"):
        assert gettext("Domain %(n)s of %(total)s", n=1, total=6) == km(
            "Domain %(n)s of %(total)s", n="១", total="៦"
        )
        lazy = lazy_gettext("The cohort is full (%(n)s places).", n=25)
        assert str(DomainError(lazy).message) == km("The cohort is full (%(n)s places).", n="២៥")
        plural = ngettext(
            "%(n)s person enrolled in %(cohort)s.",
            "%(n)s people enrolled in %(cohort)s.",
            3,
            n=3,
            cohort="C-2026-01",
        )
        assert "៣" in plural and "C-2026-01" in plural
    with _in(app, "en"):
        assert gettext("Domain %(n)s of %(total)s", n=1, total=6) == "Domain 1 of 6"


def test_template_messages_escape_and_write_khmer_digits(app):
    source = (
        "{{ _('Domain %(n)s of %(total)s', n=n, total=total) }}|"
        "{{ _('Round %(code)s was saved.', code=code) }}"
    )
    with _in(app, "km"):
        html = render_template_string(source, n=2, total=6, code="<b>2026-Q4</b>")
    assert km("Domain %(n)s of %(total)s", n="២", total="៦") in html
    assert "&lt;b&gt;2026-Q4&lt;/b&gt;" in html  # escaped, and a code keeps its digits
    with _in(app, "en"):
        assert render_template_string(source, n=2, total=6, code="X").startswith("Domain 2 of 6")


class _Sample(Form):
    class Meta:
        csrf = False

    name = StringField(validators=[Length(max=5)])
    count = IntegerField(validators=[NumberRange(min=1, max=10)])


@pytest.mark.parametrize("language", ["km", "en"])
def test_wtforms_messages_carry_their_numbers_in_the_readers_digits(app, language):
    with _in(app, language, method="POST", data={"name": "too long", "count": "40"}):
        form = _Sample()
        assert not form.validate()
        errors = form.name.errors + form.count.errors
    if language == "km":
        assert km("Number must be between %(min)s and %(max)s.", min=1, max=10) in errors
        assert any("៥" in e and "5" not in e for e in form.name.errors)
    else:
        assert "Number must be between 1 and 10." in errors
        assert "Field cannot be longer than 5 characters." in errors


def test_visible_digits_skip_codes_addresses_and_typed_values():
    html = """<p title="10 items">BEMONC-2026-00003 · TK-HC-PL · IPC-01 · https://x.org/a1
    · me@x9.org <code>2026-Q4</code> <input value="12"> <textarea>34</textarea>
    <script>var a = 56;</script> ១២ ចំណុច</p><svg><text>26-Q2</text></svg>"""
    assert "ចំណុច" in visible_text(html)
    assert latin_numbers(html) == ["10 items", "26-Q2"]
