"""Users, roles, cadres and councils: validation, administration and CSV import.

Callers use this package as one module (`from lms.users import services`); the rules live in
its parts: `accounts` (an account's values; create, update, deactivate, reset the password),
`assignments` (who worked where, when), `imports` (accounts from CSV), `handouts` (their
temporary passwords, printed and downloaded once; `lms.sealing` holds them meanwhile),
`professions` (cadres and councils) and `search` (the list of users and its counts).
"""

from .accounts import (
    EMAIL_RE,
    LANGUAGE_NAMES,
    LANGUAGES,
    PHONE_RE,
    USERNAME_RE,
    UserData,
    check_user_fields,
    create_user,
    language_name,
    reset_password,
    set_active,
    set_preferred_language,
    update_user,
)
from .assignments import move_workplace
from .handouts import (
    HELD_FOR,
    Access,
    Part,
    Slip,
    end_expired,
    find_handout,
    handout_access,
    handout_accounts,
    import_accounts,
    mark_handed_out,
    reset_again,
    reveal,
    still_temporary,
)
from .imports import USER_COLUMNS, USER_OPTIONAL, import_template, import_users
from .professions import (
    CADRES,
    COUNCILS,
    CadreData,
    cadres,
    councils,
    save_cadre,
    save_council,
    seed_councils_and_cadres,
)
from .search import count_by_sex, listing, user_query, users_page

__all__ = [
    "CADRES",
    "HELD_FOR",
    "COUNCILS",
    "EMAIL_RE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "PHONE_RE",
    "USERNAME_RE",
    "USER_COLUMNS",
    "USER_OPTIONAL",
    "Access",
    "CadreData",
    "Part",
    "Slip",
    "UserData",
    "cadres",
    "check_user_fields",
    "councils",
    "count_by_sex",
    "create_user",
    "end_expired",
    "find_handout",
    "handout_access",
    "handout_accounts",
    "import_accounts",
    "import_template",
    "import_users",
    "language_name",
    "listing",
    "mark_handed_out",
    "move_workplace",
    "reset_again",
    "reset_password",
    "reveal",
    "save_cadre",
    "save_council",
    "seed_councils_and_cadres",
    "set_active",
    "set_preferred_language",
    "still_temporary",
    "update_user",
    "user_query",
    "users_page",
]
