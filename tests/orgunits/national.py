"""The national dataset's places (lms/national): 25 provinces' operational districts and their
1,305 facilities, written in a blink, for tests of pages that must stay small at that size."""

import random

from lms.extensions import db
from lms.national.bulk import Writer
from lms.national.people import PeopleBuilder

from .. import clock

NATIONAL_FACILITIES = 1305


def national_places() -> None:
    """Write the national districts and facilities (as `flask national generate` does)."""
    writer = Writer(db.session.connection())
    PeopleBuilder(writer, random.Random(17), clock.today(), clock.now(), "-")._places()
    writer.finish()
    db.session.commit()
