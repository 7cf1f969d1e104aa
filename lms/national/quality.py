"""Quarterly quality assessments of every facility a tool applies to, scored as the app scores
them, with workforce indicators computed from the generated staff and certificates."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from ..extensions import db
from ..quality import scoring
from ..quality import services as quality_services
from ..quality.computed import StaffMember, evaluate
from ..quality.models import (
    AssessmentRound,
    ImprovementAction,
    QualityAnswer,
    QualityAssessment,
    QualityTool,
    assessment_assessors,
)
from ..quality.services import applicable, load_tool
from ..quality.spec import AnswerType
from .bulk import Writer
from .people import Country


class QualityBuilder:
    def __init__(self, writer: Writer, rng, as_of: date, country: Country, held):
        self.w, self.rng, self.as_of, self.c = writer, rng, as_of, country
        self.held = held  # holder id -> [(curriculum code, issued, expires, revoked)]

    def build(self, rounds: int) -> None:
        w, rng, c = self.w, self.rng, self.c
        round_id = w.next_id(AssessmentRound.__table__)
        periods = []
        for data in quality_services.quarters(self.as_of, rounds):
            periods.append((round_id, data.starts_on, data.ends_on))
            w.write(
                AssessmentRound.__table__,
                ["id", "code", "title_km", "title_en", "starts_on", "ends_on"],
                [
                    (
                        round_id,
                        data.code,
                        data.title_km,
                        data.title_en,
                        w.day(data.starts_on),
                        w.day(data.ends_on),
                    )
                ],
            )
            round_id += 1
        tools = {}
        for tool_id in db.session.scalars(
            sa.select(QualityTool.id)
            .where(QualityTool.status == "published")
            .order_by(QualityTool.code, QualityTool.version)
        ):
            tool = load_tool(tool_id)
            for kind in tool.facility_types:
                domains = applicable(tool, kind)
                by_code = {i.code: i for d in domains for i in d.indicators}
                tools[kind] = (tool, domains, by_code)
        assessment_id = w.next_id(QualityAssessment.__table__)
        assessments, answers, teams, actions = [], [], [], []
        for fid in sorted(c.facilities):
            kind, province = c.facilities[fid]
            if kind.value not in tools:
                continue
            tool, domains, by_code = tools[kind.value]
            level = rng.uniform(0.5, 0.9)
            team = c.assessors[province]
            for n, (rid, start, end) in enumerate(periods):
                last = n == len(periods) - 1
                day = start + timedelta(days=rng.randrange(min(80, (self.as_of - start).days + 1)))
                if last and rng.random() < 0.05:
                    continue  # not visited yet this quarter
                status = "validated"
                if last:
                    roll = rng.random()
                    status = "draft" if roll < 0.1 else "submitted" if roll < 0.25 else "validated"
                p = min(0.98, level + 0.02 * n)
                # The rules of StaffAssignment.covering and Certificate.valid_on, in memory
                # (asking the database would take some 20,000 queries).
                members = [
                    StaffMember(uid, cadre, sex)
                    for uid, cadre, sex, s, e in c.staff.get(fid, [])
                    if s <= day and (e is None or e > day)
                ]
                held = {
                    m.user_id: {
                        code
                        for code, issued, expires, revoked in self.held.get(m.user_id, [])
                        if issued <= day
                        and (expires is None or expires >= day)
                        and (revoked is None or revoked > day)
                    }
                    for m in members
                }
                given = {}
                for domain in domains:
                    for indicator in domain.indicators:
                        choice, value, detail = self._answer(indicator, p, members, held)
                        given[indicator.code] = (choice, value)
                        answers.append((assessment_id, indicator.id, choice, value, detail))
                result = scoring.score(domains, given, tool.critical_cap_percent)
                at = self.w.moment(datetime.combine(day, datetime.min.time()) + timedelta(hours=9))
                done = status != "draft"
                assessments.append(
                    (
                        assessment_id,
                        fid,
                        rid,
                        tool.id,
                        1,
                        status,
                        w.day(day),
                        team[0],
                        at,
                        at,
                        at if done else None,
                        team[0] if done else None,
                        at if status == "validated" else None,
                        team[-1] if status == "validated" else None,
                        result.overall if done else None,
                        result.raw if done else None,
                        w.flag(result.capped and done),
                        json.dumps(result.domains) if done else None,
                    )
                )
                teams.extend((assessment_id, uid) for uid in dict.fromkeys(team))
                if status == "validated" and not last and rng.random() < 0.3:
                    for code in result.failing[:2]:
                        due = end + timedelta(days=60)
                        state = "done" if due < self.as_of - timedelta(days=90) else "in_progress"
                        actions.append(
                            (
                                fid,
                                assessment_id,
                                by_code[code].id,
                                "កែលម្អតាមការណែនាំ",
                                "Improve as advised",
                                "Facility manager",
                                w.day(due),
                                state,
                                periods[n + 1][0] if state == "done" else None,
                                team[0],
                                at,
                            )
                        )
                assessment_id += 1
            if len(answers) > 100_000:
                self._flush(assessments, answers, teams, actions)
        self._flush(assessments, answers, teams, actions)

    def _answer(self, indicator, p: float, members, held):
        rng = self.rng
        kind = indicator.answer_type
        if kind == AnswerType.COMPUTED:
            value, detail = evaluate(indicator, members, held)
            return None, value, json.dumps(detail)
        if indicator.allow_na and rng.random() < 0.03:
            return "na", None, None
        roll = rng.random()
        if kind == AnswerType.NUMBER:
            met, partial = indicator.met, indicator.partial
            if roll < p or partial is None:
                value = met if roll < p else (met * 0.5 if indicator.higher_is_better else met * 2)
            else:
                value = (
                    partial
                    if roll < p + (1 - p) / 2
                    else (partial * 0.5 if indicator.higher_is_better else partial * 2)
                )
            return None, float(round(value, 1)), None
        if roll < p:
            return "yes", None, None
        if kind == AnswerType.YES_PARTIAL_NO and roll < p + (1 - p) * 0.6:
            return "partial", None, None
        return "no", None, None

    def _flush(self, assessments, answers, teams, actions) -> None:
        w = self.w
        w.write(
            QualityAssessment.__table__,
            [
                "id",
                "facility_id",
                "round_id",
                "tool_id",
                "version",
                "status",
                "assessed_on",
                "created_by_id",
                "created_at",
                "updated_at",
                "submitted_at",
                "submitted_by_id",
                "validated_at",
                "validated_by_id",
                "overall_score",
                "raw_score",
                "capped",
                "domain_scores_json",
            ],
            assessments,
        )
        w.write(
            QualityAnswer.__table__,
            ["assessment_id", "indicator_id", "choice", "value", "detail_json"],
            answers,
        )
        w.write(assessment_assessors, ["assessment_id", "user_id"], teams)
        w.write(
            ImprovementAction.__table__,
            [
                "facility_id",
                "assessment_id",
                "indicator_id",
                "title_km",
                "title_en",
                "responsible_name",
                "due_on",
                "status",
                "reviewed_round_id",
                "created_by_id",
                "created_at",
            ],
            actions,
        )
        for rows in (assessments, answers, teams, actions):
            rows.clear()
