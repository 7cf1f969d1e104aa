"""The registry's filters: choices to pick (curricula, councils, provinces, a facility found
by name or code, a status) rather than codes to type."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from ..forms import FilterForm, PickerField, choices, picked_id
from ..i18n import localised
from ..orgunits.forms import FacilityFinder
from ..orgunits.models import Facility
from ..text import code_as_typed
from .models import CertificateStatus


def _code(value) -> str | None:
    """A curriculum code as chosen or typed in a link (any case, Khmer digits)."""
    return (code_as_typed(value)[:40] or None) if value else None


class RegistryFilterForm(FilterForm):
    q = StringField(
        _l("Search"),
        validators=[Optional(), Length(max=100)],
        description=_l("Serial, or the holder's name in Khmer or Latin script"),
        render_kw={"type": "search"},
    )
    # Any code filters (an unknown one matches nothing): links may carry a code typed by hand.
    curriculum = SelectField(
        _l("Curriculum"), coerce=_code, validate_choice=False, validators=[Optional()]
    )
    council = SelectField(_l("Professional council"), coerce=picked_id, validators=[Optional()])
    province = SelectField(_l("Province"), coerce=picked_id, validators=[Optional()])
    facility = PickerField(_l("Workplace"), validators=[Optional()], blank=_l("Any workplace"))
    status = SelectField(
        _l("Status"),
        choices=[*choices((), _l("Any")), *CertificateStatus.choices()],
        validators=[Optional()],
    )
    expiring = BooleanField(_l("Only those expiring within 90 days"))

    def offer(self, curricula, councils, provinces) -> RegistryFilterForm:
        """Fill the choices: curricula (by code), councils, provinces and every facility."""
        self.curriculum.choices = choices(
            ((c.code, f"{c.code} · {localised(c, 'title')}") for c in curricula),
            _l("Any curriculum"),
        )
        self.council.choices = choices(
            ((c.id, localised(c, "name")) for c in councils), _l("Any council")
        )
        self.province.choices = choices(
            ((p.id, localised(p, "name")) for p in provinces), _l("Any province")
        )
        self.facility.offer(FacilityFinder(within=sa.select(Facility)))
        return self.read()
