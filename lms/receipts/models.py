"""One receipt per idempotency key an account sent."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class SubmissionReceipt(db.Model):
    """What a post with this key (unique per account) did: the address it was sent to, a
    SHA-256 of its fields, and the redirect it answered, to answer again for a repeat."""

    __tablename__ = "submission_receipts"
    __table_args__ = (sa.UniqueConstraint("user_id", "key", name="uq_submission_receipts_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(36))
    endpoint: Mapped[str] = mapped_column(sa.String(500))
    digest: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[int]
    location: Mapped[str] = mapped_column(sa.String(2000))
    created_at: Mapped[datetime] = mapped_column(index=True)
