"""Small, valid framework and curriculum files to vary in tests."""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path

import yaml

FRAMEWORK = {
    "kind": "framework",
    "code": "TST-FW",
    "version": 1,
    "status": "published",
    "title": {"km": "ក្របខណ្ឌសាកល្បង", "en": "Test framework"},
    "cadres": ["MIDWIFE"],
    "scale": {
        "title": {"km": "កម្រិត", "en": "Levels"},
        "proficient": 3,
        "levels": [
            {"value": 1, "title": {"km": "មិនទាន់", "en": "Not yet"}},
            {"value": 2, "title": {"km": "កំពុងរីកចម្រើន", "en": "Developing"}},
            {"value": 3, "title": {"km": "មានសមត្ថភាព", "en": "Competent"}},
        ],
    },
    "competencies": [
        {
            "code": "D1",
            "title": {"km": "ដែនទីមួយ", "en": "Domain one"},
            "children": [
                {
                    "code": "D1.1",
                    "title": {"km": "សមត្ថភាពមួយ", "en": "Competency one"},
                    "critical": True,
                    "children": [
                        {"code": "D1.1.1", "title": {"km": "លក្ខណៈវិនិច្ឆ័យ", "en": "Criterion"}}
                    ],
                },
                {"code": "D1.2", "title": {"km": "សមត្ថភាពពីរ", "en": "Competency two"}},
            ],
        },
        {"code": "D2", "title": {"km": "ដែនទីពីរ", "en": "Domain two"}},
    ],
}

CURRICULUM = {
    "kind": "curriculum",
    "code": "TST-CUR",
    "version": 1,
    "status": "published",
    "title": {"km": "វគ្គសាកល្បង", "en": "Test course"},
    "type": "in-service",
    "cadres": ["MIDWIFE"],
    "framework": {"code": "TST-FW", "version": 1},
    "cpd_credits": 5,
    "certificate_validity_months": 24,
    "completion": {
        "min_attendance_percent": 90,
        "competency_rule": "all_passed",
        "required_competencies": ["D1.1", "D1.2"],
    },
    "modules": [
        {
            "code": "M1",
            "title": {"km": "ម៉ូឌុលមួយ", "en": "Module one"},
            "hours": {"theory": 2, "practical": 3},
            "outcomes": [
                {"text": {"km": "លទ្ធផលមួយ", "en": "Outcome one"}, "competencies": ["D1.1", "D1.2"]}
            ],
        },
        {
            "code": "M2",
            "title": {"km": "ម៉ូឌុលពីរ", "en": "Module two"},
            "hours": {"clinical": 8},
            "outcomes": [],
        },
    ],
    "instruments": [
        {
            "code": "OSCE-1",
            "type": "osce",
            "module": "M1",
            "title": {"km": "ស្ថានីយ", "en": "Station"},
            "competencies": ["D1.1"],
            "pass_rule": {"min_share_percent": 80, "all_critical": True},
            "items": [
                {"text": {"km": "ជំហានមួយ", "en": "Step one"}, "critical": True},
                {"text": {"km": "ជំហានពីរ", "en": "Step two"}},
            ],
        },
        {
            "code": "KT",
            "type": "knowledge_test",
            "module": "M2",
            "title": {"km": "តេស្ត", "en": "Test"},
            "competencies": ["D1.2"],
            "pass_mark_percent": 80,
            "attempts": 2,
            "questions": [
                {
                    "text": {"km": "សំណួរ", "en": "Question"},
                    "options": [
                        {"text": {"km": "ត្រូវ", "en": "Right"}, "correct": True},
                        {"text": {"km": "ខុស", "en": "Wrong"}},
                    ],
                }
            ],
        },
        {
            "code": "LOG",
            "type": "logbook",
            "module": "M2",
            "title": {"km": "សៀវភៅកំណត់ហេតុ", "en": "Logbook"},
            "competencies": ["D1.2"],
            "case_types": [
                {
                    "code": "NVD",
                    "title": {"km": "ការសម្រាលធម្មតា", "en": "Normal birth"},
                    "min_count": 5,
                }
            ],
        },
    ],
}


def framework(**changes) -> dict:
    data = copy.deepcopy(FRAMEWORK)
    data.update(changes)
    return data


def curriculum(**changes) -> dict:
    data = copy.deepcopy(CURRICULUM)
    data.update(changes)
    return data


def write(folder: Path, name: str, data: dict | str) -> Path:
    path = folder / name
    text = (
        data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    )
    path.write_text(text, encoding="utf-8")
    return path


def publish(folder: Path, data: dict, now: datetime | None = None, name: str | None = None):
    """Import the curriculum `data` (written to `folder`, as `name` or after its code) and
    return its first version."""
    from lms.curricula.importer import import_paths
    from lms.curricula.services import find_curriculum
    from lms.database import utcnow

    path = write(folder, name or f"{data['code']}.yaml", data)
    import_paths(None, [path], now or utcnow())
    return find_curriculum(data["code"], 1)
