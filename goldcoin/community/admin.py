"""Admin views: sections, challenges (winners and prizes), entries, the EA
verification queue (moderators allowed), posts and bounties (read-only)."""
from flask import flash, url_for
from flask_admin.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from wtforms.validators import NumberRange, Optional

from goldcoin.core import audit
from goldcoin.core.admin import ReadOnlyModelView, SecureModelView, actor_id, member_cell
from goldcoin.core.time import utcnow
from goldcoin.extensions import db as _db
from goldcoin.formats import LABELS

from . import performance
from .bounties import resolve_expired
from .challenges import pay_challenge
from .eas import verify_ea
from .models import OPEN, PENDING, Bounty, BountyStatus, Challenge, ChallengeEntry, ExpertAdvisor, Post, Section
from .service import CommunityError


class SectionView(SecureModelView):
    column_list = ("position", "slug", "name", "is_commercial", "is_qa")
    form_columns = ("position", "slug", "name", "description", "is_commercial", "is_qa")


class ChallengeView(SecureModelView):
    column_list = ("id", "title", "prize_pool", "starts_at", "ends_at", "status")
    form_columns = ("title", "rules", "prize_pool", "starts_at", "ends_at")
    form_args = {"prize_pool": {"validators": [NumberRange(min=0)]}}
    can_delete = False

    @action("pay_winners", _l("Pay winners"), _l("Pay the prizes set on the entries of the selected challenges?"))
    def pay_winners(self, ids):
        for challenge in _db.session.scalars(select(Challenge).where(Challenge.id.in_([int(i) for i in ids]))):
            # One savepoint per challenge: a refused one leaves the others paid.
            try:
                with _db.session.begin_nested():
                    results = pay_challenge(_db.session, challenge, actor_id=current_user.id)
            except CommunityError as exc:
                flash(_("%(title)s: %(exc)s", title=challenge.title, exc=exc), "error")
                continue
            flash(_("%(title)s: paid %(coins)s coins to %(count)s winners.", title=challenge.title,
                    coins=sum(r.paid for r in results), count=len(results)), "success")


class EntryView(SecureModelView):
    """Admins pick winners by setting a prize on an entry, then use "Pay winners"."""

    member_relations = ("user",)
    column_list = ("id", "challenge", "user", "post_id", "ea_id", "note", "prize")
    column_filters = ("challenge_id",)
    form_columns = ("prize",)
    form_args = {"prize": {"validators": [Optional(), NumberRange(min=0)]}}
    can_create = False
    can_delete = False


def _proof_cell(view, context, ea, name):
    """Where the EA's figures come from, and the checks (the moderator's first question)."""
    perf = ea.performance
    if perf is None or not perf.machine_read:
        what = "report not readable" if perf is not None and perf.source == "unread" else "no report"
        return Markup('<span class="text-warning">{} (figures typed; override needed)</span>').format(what)
    checks = "checks passed" if perf.checks_passed else "CHECKS FAILED"
    return Markup("machine-read {} · {}").format(perf.format, checks)


def _figures_cell(view, context, ea, name):
    f = performance.shown(ea)
    unit = f" {f['unit']}" if f["unit"] else ""
    return (f"net {f['net_profit']}{unit} · PF {f['profit_factor']} · DD {f['max_drawdown_pct']} % · "
            f"{f['trades']} trades · win {f['win_rate']} %")


def _warnings_cell(view, context, ea, name):
    perf = ea.performance
    lines = [w["message"] for w in (perf.warnings if perf is not None else []) if w.get("code") != "profit_in_pips"]
    if perf is not None and perf.read_error:
        lines.append(perf.read_error)
    reused = performance.same_report(_db.session, ea)
    if reused:
        lines.insert(0, "REUSED REPORT, also on EA " + ", ".join(f"#{o.id} ({o.status})" for o in reused) +
                     ": a second verification pays nothing.")
    return Markup("<br>").join(lines)


class EAQueueView(ReadOnlyModelView):
    """The moderators' queue with each EA's proof. The "Verify" action pays
    only for a machine-read report; an override (with its written reason) is
    given on /community/eas/queue, where there is room to write it."""

    allow_moderators = True
    member_relations = ("author",)
    column_list = ("id", "name", "author", "status", "performance", "figures", "warnings", "created_at")
    column_labels = {"author": _l("Author"), "performance": _l("Proof"), "figures": _l("Figures"),
                     "warnings": _l("Warnings and reuse")}
    column_formatters = {"performance": _proof_cell, "figures": _figures_cell, "warnings": _warnings_cell}
    column_filters = ("status",)
    column_default_sort = ("id", False)

    def waiting(self):
        """For the moderators' dashboard: how many EAs wait for a verdict."""
        return _db.session.scalar(select(func.count()).select_from(ExpertAdvisor).where(ExpertAdvisor.status == PENDING))

    @action("verify", _l("Verify (+50 to author)"), _l("Verify the selected EAs?"))
    def verify(self, ids):
        paid = 0
        for ea in _db.session.scalars(select(ExpertAdvisor).where(ExpertAdvisor.id.in_([int(i) for i in ids]),
                                                                  ExpertAdvisor.status == PENDING)):
            try:
                with _db.session.begin_nested():  # a refused EA leaves the others verified
                    result = verify_ea(_db.session, current_user, ea)
            except CommunityError as exc:
                flash(_("%(name)s: %(exc)s (/community/eas/queue)", name=ea.name, exc=exc), "error")
                continue
            paid += result.paid
            if result.reason == "report_reused":
                flash(_("%(name)s: verified; nothing paid, its report already paid for another EA.", name=ea.name),
                      "warning")
        flash(_("Verified; %(paid)s coins paid to authors. Reject with a reason on /community/eas/queue.", paid=paid),
              "success")


def _thread_cell(view, context, bounty, name):
    url = url_for("community.thread", thread_id=bounty.thread_id)
    return Markup('<a href="{}">{}</a>').format(url, bounty.thread.title)


def _winner_cell(view, context, bounty, name):
    post = bounty.awarded_post
    return member_cell(post.author.id, post.author.username) if post is not None else ""


class BountyView(ReadOnlyModelView):
    """Bounties, read-only: coins move only through goldcoin.community.bounties.
    The one action resolves selected expired bounties as the timer would
    (resolve_expired: refund, or the top-voted answer by setting)."""

    member_relations = ("owner",)
    column_list = ("id", "thread", "owner", "amount", "status", "expires_at", "winner", "created_at", "resolved_at")
    column_labels = {"thread": _l("Question"), "owner": _l("Asker"), "expires_at": _l("Deadline"),
                     "winner": _l("Winner")}
    column_choices = {"status": [(s.value, LABELS[s.value]) for s in BountyStatus]}
    column_filters = ("status", "expires_at", "created_at", "amount")
    column_searchable_list = ("thread.title",)
    column_formatters = {"thread": _thread_cell, "winner": _winner_cell}
    column_details_list = column_list + ("awarded_post_id",)
    column_default_sort = ("id", True)

    def get_query(self):
        # The winner is the awarded post's author: joined too, not read per row.
        return super().get_query().options(joinedload(Bounty.awarded_post).joinedload(Post.author))

    @action("resolve_expired", _l("Resolve now (expired only)"),
            _l("Refund (or award, by the expiry setting) the selected bounties whose deadline has passed?"))
    def action_resolve_expired(self, ids):
        done, waiting = [], 0
        now = utcnow()
        for bounty in _db.session.scalars(select(Bounty).where(Bounty.id.in_([int(i) for i in ids]),
                                                               Bounty.status == OPEN).order_by(Bounty.id)):
            if bounty.expires_at > now:
                waiting += 1
                continue
            with _db.session.begin_nested():  # one bounty's failure leaves the others resolved
                outcome = resolve_expired(_db.session, bounty, now=now)
                if outcome:
                    audit.record(_db.session, actor_id(), "bounty.resolve", f"bounty:{bounty.id}", outcome=outcome)
                    done.append(f"#{bounty.id}: {LABELS[outcome]}")
        if done:
            flash(_("Resolved %(bounties)s", bounties=", ".join(done)), "success")
        if waiting:
            flash(_("%(count)s selected bounty(ies) still open before their deadline: left as they are.",
                    count=waiting), "info")
        if not done and not waiting:
            flash(_("None of the selected bounties is open."), "info")


def register_admin(site, db):
    site.add_view(SectionView(Section, db, name=_l("Sections"), endpoint="forum_sections", category=_l("Community")))
    site.add_view(ChallengeView(Challenge, db, name=_l("Challenges"), endpoint="challenges", category=_l("Community")))
    site.add_view(EntryView(ChallengeEntry, db, name=_l("Challenge entries"),
                            endpoint="challenge_entries", category=_l("Community")))
    site.add_view(EAQueueView(ExpertAdvisor, db, name=_l("EA verification"), endpoint="ea_queue", category=_l("Community")))
    site.add_view(BountyView(Bounty, db, name=_l("Bounties"), endpoint="bounties", category=_l("Community")))
