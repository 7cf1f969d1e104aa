"""`flask --app wsgi national generate`: the synthetic national dataset for load tests."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from .. import web
from ..database import utcnow
from ..i18n import local_today
from ..setup import prepare_database
from .generate import PASSWORD, Size, generate

national_cli = AppGroup("national", help="A synthetic national dataset for load tests.")


@national_cli.command("generate")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The dataset's today (default: today in Phnom Penh).",
)
@click.option(
    "--scale",
    type=click.FloatRange(0.001, 10),
    default=1.0,
    show_default=True,
    help="People and training as a share of the national size.",
)
@click.option("--password", default=PASSWORD, show_default=True, help="Every account's password.")
def generate_command(seed: int, as_of, scale: float, password: str) -> None:
    """Migrate, then fill an empty database with 25 provinces, about 100 operational districts,
    1,300 facilities, 40,000 health workers, 2,000 cohorts, 150,000 enrolments, 2 million
    assessment records, 100,000 certificates and 8 rounds of quality assessments."""
    prepare_database(utcnow())
    day: date = as_of.date() if as_of else local_today()
    counts = web.command(lambda: generate(seed, day, Size().scaled(scale), password, click.echo))
    width = max(len(name) for name in counts)
    for name in sorted(counts):
        click.echo(f"  {name:<{width}} {counts[name]:>10,}")
    click.echo(
        f"Accounts: national.admin, officer.<province code>, quality.<province>.<1|2>, "
        f"every health worker (login names in the users table); password {password!r}."
    )
