"""Forum sections, threads (discussions and questions), posts, votes, the EA
library, bounties and challenges."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from goldcoin.auth.models import User
from goldcoin.core.time import utcnow
from goldcoin.core.types import BigId, UtcDateTime
from goldcoin.extensions import db

from .status import BountyStatus, EAStatus

DISCUSSION = "discussion"
QUESTION = "question"


class Section(db.Model):
    __tablename__ = "forum_sections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(255), default="", server_default="")
    # Posting here is a privilege (permissions.may_post_commercial).
    is_commercial: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Threads started here are questions (answers, accept, bounties).
    is_qa: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def __str__(self):
        return self.name


class Thread(db.Model):
    __tablename__ = "forum_threads"
    __table_args__ = (CheckConstraint("kind IN ('discussion', 'question')", name="kind_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("forum_sections.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default=DISCUSSION)
    # The accepted answer's post id (no foreign key: threads and posts would
    # reference each other, and a post is never deleted, only marked removed).
    accepted_post_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    section = relationship(Section)
    author = relationship(User)

    def __str__(self):
        return self.title


class Post(db.Model):
    """A post in a thread. The first post of a question is the question; the
    others are its answers."""

    __tablename__ = "forum_posts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_threads.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removal_reason: Mapped[str | None] = mapped_column(String(255))

    thread = relationship(Thread, foreign_keys=[thread_id])
    author = relationship(User, foreign_keys=[author_id])

    def __str__(self):
        return f"post #{self.id}"


class Vote(db.Model):
    """An upvote. One per member and post (unique)."""

    __tablename__ = "forum_votes"
    __table_args__ = (UniqueConstraint("post_id", "user_id", name="uq_forum_votes_post_user"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    post_id: Mapped[int] = mapped_column(BigId, ForeignKey("forum_posts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


# The statuses and the moves between them: .status.
PENDING, VERIFIED, REJECTED = EAStatus.PENDING, EAStatus.VERIFIED, EAStatus.REJECTED


class ExpertAdvisor(db.Model):
    __tablename__ = "expert_advisors"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'verified', 'rejected')", name="status_known"),
        CheckConstraint("price_coins >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # Stored file names under UPLOAD_FOLDER/eas (random, never the uploader's).
    file_name: Mapped[str] = mapped_column(String(120))
    original_name: Mapped[str] = mapped_column(String(200))
    report_file_name: Mapped[str | None] = mapped_column(String(120))
    report_original_name: Mapped[str | None] = mapped_column(String(200))
    symbol: Mapped[str] = mapped_column(String(20))
    timeframe: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(60))
    net_profit: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    profit_factor: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    max_drawdown_pct: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    trades: Mapped[int] = mapped_column(Integer)
    win_rate: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    price_coins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_premium: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    status: Mapped[str] = mapped_column(String(16), default=PENDING, server_default=PENDING)
    reject_reason: Mapped[str | None] = mapped_column(String(255))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    author = relationship(User, foreign_keys=[author_id])

    def __str__(self):
        return self.name


# Where an EA's figures come from (EAPerformance.source).
REPORT_READ, REPORT_UNREAD, FIGURES_TYPED = "report", "unread", "typed"


class EAPerformance(db.Model):
    """An EA's proof of performance: what the report reader made of the report
    attached at upload (one row per EA; a resubmitted EA's new report replaces it).

    `source` says how far the proof goes: "report" (machine-read: `figures`,
    `balance_curve` and `warnings` are the reader's JSON, decimal strings
    exactly as the report states them), "unread" (a report was attached but
    the reader refused it: `read_error` says why) or "typed" (no report; the
    author typed the EA's figures). Only "report" pays on verification
    without a moderator's override."""

    __tablename__ = "ea_performance"
    __table_args__ = (CheckConstraint("source IN ('report', 'unread', 'typed')", name="source_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ea_id: Mapped[int] = mapped_column(ForeignKey("expert_advisors.id"), unique=True)
    source: Mapped[str] = mapped_column(String(10))
    read_error: Mapped[str | None] = mapped_column(String(500))
    format: Mapped[str | None] = mapped_column(String(20))
    encoding: Mapped[str | None] = mapped_column(String(40))
    # The reader's fingerprint (same trades, same key) and the file's SHA-256
    # (the same unreadable file twice): how a reused report is recognised.
    fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)
    report_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    balance_curve: Mapped[list] = mapped_column(JSON, default=list)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    checks_passed: Mapped[bool | None] = mapped_column(Boolean)
    # Sort keys of the EA list (NULL where the proof does not state them).
    profit_factor: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    max_drawdown_pct: Mapped[Decimal | None] = mapped_column(Numeric(10, 4))
    # A verification without a machine-read report (also in the audit log).
    override_reason: Mapped[str | None] = mapped_column(String(255))
    override_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    ea = relationship(ExpertAdvisor, backref=backref("performance", uselist=False))

    @property
    def machine_read(self):
        return self.source == REPORT_READ


class PaidReport(db.Model):
    """A report whose EA verification paid. The key is the primary key, so a
    second EA carrying the same report cannot be paid for it: of two
    concurrent verifications the second insert waits for the first and then
    fails (see eas.verify_ea)."""

    __tablename__ = "ea_paid_reports"

    # "trades:<fingerprint>" for a machine-read report, "file:<sha256>" otherwise.
    key: Mapped[str] = mapped_column(String(72), primary_key=True)
    ea_id: Mapped[int] = mapped_column(ForeignKey("expert_advisors.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


OPEN, AWARDED, REFUNDED = BountyStatus.OPEN, BountyStatus.AWARDED, BountyStatus.REFUNDED


class Bounty(db.Model):
    """Coins a member put on a question, held in `escrow` until it resolves once."""

    __tablename__ = "bounties"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("status IN ('open', 'awarded', 'refunded')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_threads.id"), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    amount: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=OPEN, server_default=OPEN)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    awarded_post_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("forum_posts.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    thread = relationship(Thread)
    # Read-only, for the admin list of bounties (asker and winner by name).
    owner = relationship(User, foreign_keys=[owner_id], viewonly=True)
    awarded_post = relationship(Post, foreign_keys=[awarded_post_id], viewonly=True)


class Challenge(db.Model):
    __tablename__ = "challenges"
    __table_args__ = (
        CheckConstraint("prize_pool >= 0", name="prize_pool_not_negative"),
        CheckConstraint("status IN ('open', 'paid')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    rules: Mapped[str] = mapped_column(Text, default="")
    prize_pool: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def __str__(self):
        return self.title


class ChallengeEntry(db.Model):
    __tablename__ = "challenge_entries"
    __table_args__ = (
        UniqueConstraint("challenge_id", "user_id", name="uq_challenge_entries_challenge_user"),
        CheckConstraint("prize IS NULL OR prize >= 0", name="prize_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    post_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("forum_posts.id"))
    ea_id: Mapped[int | None] = mapped_column(ForeignKey("expert_advisors.id"))
    note: Mapped[str] = mapped_column(String(255), default="")
    # Set by an admin when picking winners; paid by pay_challenge().
    prize: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    challenge = relationship(Challenge, backref="entries")
    user = relationship(User)

    def __str__(self):
        return f"entry #{self.id}"
