"""What is next in assessing, for the home page (each function takes the user and `now` and
returns `Todo` items in a fixed number of queries): `trainees` (a trainee's open tests,
logbook cases and competencies still to show), `instructors` (trainees to assess and the
queue), and `standing` (where many enrolments stand at once, which the certificates' list
decides eligibility from)."""

from .instructors import instructor
from .standing import Logbook, Standing, Test, standing_of
from .trainees import current_enrolments, trainee

__all__ = [
    "Logbook",
    "Standing",
    "Test",
    "current_enrolments",
    "instructor",
    "standing_of",
    "trainee",
]
