"""Staff assignments: who worked where, and from when to when."""

from __future__ import annotations

from datetime import date

from ..models import StaffAssignment, User


def move_workplace(user: User, facility_id: int | None, day: date) -> None:
    """End the open staff assignment on `day` and start one at the new workplace."""
    for assignment in user.assignments if user.id is not None else []:
        if assignment.ended_on is None:
            if assignment.started_on >= day:
                user.assignments.remove(assignment)
            else:
                assignment.ended_on = day
    if facility_id is not None:
        user.assignments.append(StaffAssignment(facility_id=facility_id, started_on=day))
