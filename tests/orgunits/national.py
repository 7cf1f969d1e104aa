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


def options(html: str, name: str) -> list[str]:
    """The values of the `<select>` named `name`, in order."""
    select = html.split(f'name="{name}"', 1)[1].split("</select>")[0]
    return [part.split('"')[0] for part in select.split('<option value="')[1:]]


def admin_page(client, login_as, url: str, lang: str):
    """`url` as an administrator reading `lang` gets it on a second visit (the first reads
    what is cached): the response, and the queries it took."""
    from lms.auth.roles import Role

    from ..conftest import count_queries

    login_as(Role.ADMIN)
    client.set_cookie("lang", lang)
    client.get(url)
    with count_queries() as queries:
        response = client.get(url)
    return response, queries
