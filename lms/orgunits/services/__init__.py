"""Provinces, operational districts and facilities: reference data, edits and CSV imports.

Callers use this package as one module (`from lms.orgunits import services`); the rules live
in its parts: `places` (the shipped provinces, the rules for codes and names, saving a district
or a facility), `imports` (districts and facilities from CSV), `lists` (looking them up) and
`finding` (a facility by part of its name or code, for the pickers).
"""

from .finding import (
    active_facility_query,
    facilities_among,
    facility_among,
    facility_matches,
    find_facilities,
)
from .imports import (
    DISTRICT_COLUMNS,
    DISTRICT_OPTIONAL,
    FACILITY_COLUMNS,
    FACILITY_OPTIONAL,
    ImportResult,
    import_districts,
    import_facilities,
)
from .lists import (
    active_districts,
    active_facilities,
    district_query,
    districts_page,
    facilities_page,
    facility_query,
    province_summaries,
)
from .places import (
    CODE_RE,
    PROVINCES_CSV,
    DistrictData,
    FacilityData,
    check_code,
    check_names,
    may_change_places,
    provinces,
    save_district,
    save_facility,
    seed_provinces,
)

__all__ = [
    "CODE_RE",
    "DISTRICT_COLUMNS",
    "DISTRICT_OPTIONAL",
    "FACILITY_COLUMNS",
    "FACILITY_OPTIONAL",
    "PROVINCES_CSV",
    "DistrictData",
    "FacilityData",
    "ImportResult",
    "active_districts",
    "active_facilities",
    "active_facility_query",
    "check_code",
    "check_names",
    "district_query",
    "districts_page",
    "facilities_among",
    "facilities_page",
    "facility_among",
    "facility_matches",
    "facility_query",
    "find_facilities",
    "import_districts",
    "import_facilities",
    "may_change_places",
    "province_summaries",
    "provinces",
    "save_district",
    "save_facility",
    "seed_provinces",
]
