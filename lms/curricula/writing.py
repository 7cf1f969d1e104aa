"""Writing a curriculum as the data of its file (see curricula/README.md for the format)."""

from __future__ import annotations

from ..frameworks.files import header_data, text_data
from .spec import QUESTIONS_PER_PAGE, CurriculumSpec, InstrumentType, ReviewPolicy


def curriculum_to_data(spec: CurriculumSpec) -> dict:
    """A curriculum as the data of its YAML file, in the documented order."""
    data = header_data("curriculum", spec)
    data["type"] = spec.kind.value
    if spec.cadres:
        data["cadres"] = list(spec.cadres)
    data["framework"] = {"code": spec.framework_code, "version": spec.framework_version}
    data["cpd_credits"] = (
        int(spec.cpd_credits) if float(spec.cpd_credits).is_integer() else spec.cpd_credits
    )
    if spec.validity_months:
        data["certificate_validity_months"] = spec.validity_months
    if spec.renewed_by:
        data["renewed_by"] = spec.renewed_by
    if spec.renewal_cpd_credits:
        credits = spec.renewal_cpd_credits
        data["renewal_cpd_credits"] = int(credits) if float(credits).is_integer() else credits
    data["completion"] = {
        "min_attendance_percent": spec.min_attendance_percent,
        "competency_rule": spec.competency_rule.value,
        "required_competencies": list(spec.required_competencies),
    }

    def hours(value: float):
        return int(value) if float(value).is_integer() else value

    data["modules"] = []
    for m in spec.modules:
        module = {"code": m.code, "title": text_data(m.title)}
        if m.description:
            module["description"] = text_data(m.description)
        module["hours"] = {
            "theory": hours(m.hours_theory),
            "practical": hours(m.hours_practical),
            "clinical": hours(m.hours_clinical),
        }
        module["outcomes"] = [
            {"text": text_data(o.text), "competencies": list(o.competencies)} for o in m.outcomes
        ]
        data["modules"].append(module)
    data["instruments"] = []
    for i in spec.instruments:
        item = {"code": i.code, "type": i.type.value, "title": text_data(i.title)}
        if i.description:
            item["description"] = text_data(i.description)
        if i.module:
            item["module"] = i.module
        item["competencies"] = list(i.competencies)
        if i.second_assessor:
            item["second_assessor"] = True
        if i.type.has_checklist:
            item["pass_rule"] = {
                "min_share_percent": i.min_share_percent,
                "all_critical": i.all_critical,
            }
            item["items"] = [
                {"text": text_data(x.text), **({"critical": True} if x.critical else {})}
                for x in i.items
            ]
        elif i.type is InstrumentType.KNOWLEDGE_TEST:
            item["pass_mark_percent"] = i.pass_mark_percent
            item["attempts"] = i.attempts
            # Written only when set, so that files written before these existed keep their hash.
            if i.time_limit_minutes:
                item["time_limit_minutes"] = i.time_limit_minutes
            if i.questions_per_page != QUESTIONS_PER_PAGE:
                item["questions_per_page"] = i.questions_per_page
            if i.review != ReviewPolicy.SCORE:
                item["review"] = i.review.value
            item["questions"] = [
                {
                    "text": text_data(q.text),
                    "options": [
                        {"text": text_data(o.text), **({"correct": True} if o.correct else {})}
                        for o in q.options
                    ],
                }
                for q in i.questions
            ]
        else:
            item["case_types"] = [
                {"code": c.code, "title": text_data(c.title), "min_count": c.min_count}
                for c in i.case_types
            ]
        data["instruments"].append(item)
    return data
