"""The vault's tables as SQLAlchemy 2 typed declarative models (schema changes via Alembic)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Meta(Base):
    """Facts about the vault itself: id, created, generation."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SettingRow(Base):
    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON


class IncidentRow(Base):
    __tablename__ = "incident"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_on: Mapped[date] = mapped_column(Date)
    received_year: Mapped[int] = mapped_column(Integer)
    occurred_on: Mapped[date | None] = mapped_column(Date)
    occurred_time: Mapped[str | None] = mapped_column(String(5))
    occurred_until: Mapped[date | None] = mapped_column(Date)
    area: Mapped[str | None] = mapped_column(String(40))
    place_type: Mapped[str | None] = mapped_column(String(40))
    reporting_unit: Mapped[str | None] = mapped_column(String(40))
    reporter_role: Mapped[str | None] = mapped_column(String(40))
    environment: Mapped[str] = mapped_column(String(40))
    organisation: Mapped[str | None] = mapped_column(String(200))
    concerns_individual: Mapped[bool] = mapped_column(Boolean, default=False)
    age_band: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    consent: Mapped[str | None] = mapped_column(String(40))
    feedback_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="NY")
    retain_until: Mapped[date | None] = mapped_column(Date)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    types: Mapped[list[IncidentTypeRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="IncidentTypeRow.code"
    )
    actions: Mapped[list[IncidentActionRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="IncidentActionRow.code"
    )

    __table_args__ = (
        Index("ix_incident_received", "received_on", "id"),
        Index("ix_incident_year_env", "received_year", "environment"),
        # The lägesbild counts each dimension of a year from one of these alone.
        Index("ix_incident_year_area", "received_year", "area"),
        Index("ix_incident_year_unit", "received_year", "reporting_unit"),
        Index("ix_incident_year_day", "received_year", "received_on"),
        Index("ix_incident_area", "area"),
        Index("ix_incident_status", "status"),
        Index("ix_incident_retain", "retain_until"),
    )


class IncidentTypeRow(Base):
    __tablename__ = "incident_type"
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    __table_args__ = (Index("ix_incident_type_code", "code", "incident_id"),)


class IncidentActionRow(Base):
    __tablename__ = "incident_action"
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True)


class PlanRow(Base):
    __tablename__ = "action_plan"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(Text)
    district: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(Text, default="UTKAST", server_default="UTKAST")
    decided_on: Mapped[date | None] = mapped_column(Date)
    diarienummer: Mapped[str] = mapped_column(Text, default="", server_default="")


class SectionRow(Base):
    __tablename__ = "plan_section"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plan.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    __table_args__ = (UniqueConstraint("plan_id", "code"),)


class ActivityRow(Base):
    __tablename__ = "activity"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("plan_section.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(Text, default="")
    timeline: Mapped[str] = mapped_column(String(100), default="")
    followup: Mapped[str] = mapped_column(String(100), default="")
    retired_on: Mapped[date | None] = mapped_column(Date)


class FollowUpRow(Base):
    __tablename__ = "followup"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    period_kind: Mapped[str] = mapped_column(String(2))
    period_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(40))
    comment: Mapped[str] = mapped_column(Text, default="")
    noted_on: Mapped[date] = mapped_column(Date)
    __table_args__ = (
        CheckConstraint("period_kind IN ('T1','T2','VB')", name="ck_followup_period"),
        Index("ix_followup_activity", "activity_id", "period_year", "period_kind"),
    )


class CourseRow(Base):
    __tablename__ = "course"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(Text)
    provider: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    retired_on: Mapped[date | None] = mapped_column(Date)


class UnitRow(Base):
    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class TrainingCountRow(Base):
    __tablename__ = "training_count"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    relevant_staff: Mapped[int] = mapped_column(Integer)
    completed: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date)
    __table_args__ = (
        UniqueConstraint("unit_id", "course_id", "as_of"),
        CheckConstraint(
            "relevant_staff >= 0 AND completed >= 0 AND completed <= relevant_staff",
            name="ck_training_counts",
        ),
    )


class ContactRow(Base):
    __tablename__ = "contact"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(Text)
    phone: Mapped[str] = mapped_column(String(40), default="")
    hours: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    verified_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LegalReferenceRow(Base):
    __tablename__ = "legal_reference"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(Text)
    citation: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    verified: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditRow(Base):
    """Append-only; each row's hash covers the previous row's hash (see storage.audit)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class DraftRow(Base):
    """Unfinished work kept in the vault (encrypted with it): an open form, a call."""

    __tablename__ = "draft"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(64), default="")
    payload: Mapped[str] = mapped_column(Text)  # JSON
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("kind", "ref"),)


class RoutineDefinitionRow(Base):
    """A routine definition as loaded (TOML text), kept so old case logs name their version."""

    __tablename__ = "routine_definition"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    routine_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (UniqueConstraint("routine_id", "version"),)


class CaseLogRow(Base):
    """One call walked through the routine: answers with times, outcomes, notes."""

    __tablename__ = "case_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    routine_id: Mapped[str] = mapped_column(String(64))
    routine_version: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime] = mapped_column(DateTime)
    answers: Mapped[str] = mapped_column(Text)  # JSON list of {step, answer, at}
    outcomes: Mapped[str] = mapped_column(Text, default="")  # codes joined by ";"
    notes: Mapped[str] = mapped_column(Text, default="")
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incident.id", ondelete="SET NULL"), nullable=True
    )
    __table_args__ = (Index("ix_case_log_incident", "incident_id"),)


class ImportedFileRow(Base):
    """A filled-in form already imported, by content hash, so that it is not taken twice."""

    __tablename__ = "imported_file"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incident.id", ondelete="SET NULL"), nullable=True
    )


class DisclosureRow(Base):
    """The disclosure register: every file written out of the vault (PDF, sheet, backup)."""

    __tablename__ = "disclosure"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)
    recipient: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
