"""Model views of the foundation and the operations pages: members, ledger,
manual adjustments, tokens, audit log. Each domain adds its own views from
its `init_app` (`register_admin(site, db)`)."""
import uuid

from flask import flash, make_response, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.babel import gettext as admin_gettext
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, or_, select
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Regexp, ValidationError

from goldcoin.auth.models import ROLES, ApiToken, User
from goldcoin.auth.service import TOKEN_SCOPES, create_token, revoke_token
from goldcoin.core import audit
from goldcoin.core.admin import CSRFForm, SecureBaseView, SecureModelView, actor_id, member_cell
from goldcoin.core.audit import AdminAction
from goldcoin.extensions import db
from goldcoin.formats import LABELS, SCOPE_LABELS
from goldcoin.ledger import InsufficientFunds, LedgerError, balance_of, wallet_id
from goldcoin.ledger.models import WALLET, Account, Transfer

from .dashboard import DashboardDataView
from .member_columns import MemberIdsView, username_filters
from .service import adjust_member, reverse_transfer

MAX_ADJUSTMENT = 10_000_000


class UserView(SecureModelView):
    """Members: role and ban. Referral info: added by the earning package."""

    column_list = ("id", "username", "email", "role", "is_banned", "created_at")
    column_searchable_list = ("username", "email")
    column_filters = ("role", "is_banned")
    form_columns = ("role", "is_banned")
    form_choices = {"role": [(r, LABELS[r]) for r in ROLES]}
    can_create = False
    can_delete = False
    column_details_exclude_list = ("password_hash",)
    column_export_exclude_list = ("password_hash",)
    column_formatters = {
        "username": lambda view, context, model, name: Markup(
            '{} <a class="small" href="{}">adjust</a>'
        ).format(model.username, url_for("adjust.index", member=model.username)),
    }

    def audit_change(self, session, model, changes, is_created):
        target = f"user:{model.id}"
        if "role" in changes:
            old, new = changes.pop("role")
            audit.record(session, actor_id(), "member.role", target, username=model.username, old=old, new=new)
        if "is_banned" in changes:
            old, new = changes.pop("is_banned")
            audit.record(session, actor_id(), "member.ban" if new else "member.unban", target, username=model.username)
        if changes:
            super().audit_change(session, model, changes, is_created)

    def _set_banned(self, ids, banned):
        me = actor_id()
        users = db.session.scalars(select(User).where(User.id.in_([int(i) for i in ids]))).all()
        changed = 0
        for user in users:
            if user.id == me or user.is_banned == banned:
                continue  # an admin cannot ban themselves out of the admin
            user.is_banned = banned
            audit.record(db.session, me, "member.ban" if banned else "member.unban", f"user:{user.id}", username=user.username)
            changed += 1
        message = _("%(count)s member(s) banned.", count=changed) if banned else _("%(count)s member(s) unbanned.", count=changed)
        flash(message, "success")

    @action("ban", _l("Ban"), _l("Ban the selected members?"))
    def action_ban(self, ids):
        self._set_banned(ids, True)

    @action("unban", _l("Unban"), _l("Unban the selected members?"))
    def action_unban(self, ids):
        self._set_banned(ids, False)


def _account_balance(view, context, model, name):
    # A system account's stored figure is unused (0): its balance is derived from its transfers.
    return model.balance if model.kind == WALLET else balance_of(db.session, model.id)


class AccountView(MemberIdsView):
    member_id_columns = ("user_id",)
    column_list = ("id", "kind", "code", "user_id", "balance", "created_at")
    column_labels = {"user_id": _l("Member")}
    column_filters = ("kind", "code", *username_filters(Account.user_id))
    column_formatters = {"balance": _account_balance}
    column_descriptions = {"balance": _l("A member wallet's stored balance; a system account's credits minus debits.")}


class MemberFilter(BaseSQLAFilter):
    """Transfers into or out of a member's wallet, by username."""

    def apply(self, query, value, alias=None):
        wallets = (
            select(Account.id)
            .join(User, User.id == Account.user_id)
            .where(func.lower(User.username) == str(value).strip().lower())
        )
        return query.filter(or_(Transfer.from_account_id.in_(wallets), Transfer.to_account_id.in_(wallets)))

    def operation(self):
        return admin_gettext("equals")


def _account_cell(context, account_id):
    """A wallet as its member (linked), a system account as its code; the id in the tooltip."""
    owner = context.get("account_owners", {}).get(account_id)
    if owner is None:
        return account_id
    user_id, name = owner
    if user_id is not None:
        return member_cell(user_id, name)
    return Markup('<span title="#{}">{}</span>').format(account_id, name)


def _memo_cell(view, context, model, name):
    if not model.reference:
        return model.memo
    return Markup('{}<br><small class="text-muted">{}</small>').format(model.memo, model.reference)


class TransferView(MemberIdsView):
    """The ledger, read-only. Each row has a Reverse button (a POST with CSRF
    and a reason) that posts the reversing transfer; nothing is edited."""

    list_template = "admin/transfers_list.html"
    # Fits 1280 px: accounts by name (the id in the tooltip), the reference
    # under the memo. The CSV has every raw column.
    member_id_columns = ("actor_id",)
    column_list = ("id", "created_at", "kind", "from_account_id", "to_account_id", "amount", "memo", "reverses_id",
                   "actor_id")
    column_labels = {"from_account_id": _l("From"), "to_account_id": _l("Into"), "memo": _l("Memo"),
                     "reverses_id": _l("Reverses"), "actor_id": _l("By")}
    column_export_list = ("id", "created_at", "kind", "from_account_id", "to_account_id", "amount", "memo",
                          "reference", "reverses_id", "actor_id", "idempotency_key")
    column_filters = (
        MemberFilter(Transfer.id, _l("Member (username)")),
        "kind",
        "created_at",
        "reference",
        "from_account_id",
        "to_account_id",
        *username_filters(Transfer.actor_id, _l("By")),
    )
    column_searchable_list = ("memo", "reference")
    column_default_sort = ("id", True)
    can_export = True
    export_types = ["csv"]

    column_formatters = {
        "from_account_id": lambda view, context, model, name: _account_cell(context, model.from_account_id),
        "to_account_id": lambda view, context, model, name: _account_cell(context, model.to_account_id),
        "memo": _memo_cell,
    }
    column_formatters_export = {}  # the CSV keeps the raw ledger values

    def render(self, template, **kwargs):
        rows = kwargs.get("data")
        if rows:
            # What the page shows besides raw ids, in a few queries per page:
            # which rows were reversed (they say so instead of offering a
            # Reverse button), and who owns each account.
            ids = [row.id for row in rows]
            kwargs["reversed_by"] = dict(
                db.session.execute(select(Transfer.reverses_id, Transfer.id).where(Transfer.reverses_id.in_(ids))).all()
            )
            account_ids = {row.from_account_id for row in rows} | {row.to_account_id for row in rows}
            kwargs["account_owners"] = {
                account_id: (user_id, username or code)
                for account_id, user_id, username, code in db.session.execute(
                    select(Account.id, Account.user_id, User.username, Account.code)
                    .outerjoin(User, User.id == Account.user_id)
                    .where(Account.id.in_(account_ids))
                )
            }
        kwargs.setdefault("reversed_by", {})  # the row template reads it on every page
        return super().render(template, **kwargs)

    @expose("/reverse/<int:transfer_id>", methods=("POST",))
    def reverse_view(self, transfer_id):
        form = ReverseForm(request.form)
        back = request.form.get("next") or self.get_url(".index_view")
        if not back.startswith("/"):
            back = self.get_url(".index_view")
        if not form.validate():
            flash(_("A reversal needs a reason. %(errors)s", errors=_errors(form)), "error")
            return redirect(back)
        try:
            with db.session.begin_nested():  # a refused reversal leaves nothing behind
                posting = reverse_transfer(db.session, transfer_id, reason=form.reason.data, actor_id=actor_id())
        except LedgerError as exc:
            flash(_("Transfer %(transfer_id)s was not reversed: %(message)s", transfer_id=transfer_id, message=exc.message),
                  "error")
            return redirect(back)
        if posting.replayed:
            flash(_("Transfer %(transfer_id)s was already reversed by transfer %(id)s.",
                    transfer_id=transfer_id, id=posting.transfer.id), "info")
        else:
            flash(_("Transfer %(transfer_id)s reversed by transfer %(id)s.", transfer_id=transfer_id, id=posting.transfer.id),
                  "success")
        return redirect(back)


class ReverseForm(CSRFForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=255)])


class TokenForm(CSRFForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    scope = SelectField(_l("Scope"), choices=[(s, SCOPE_LABELS.get(s, s)) for s in TOKEN_SCOPES])


class TokenView(MemberIdsView):
    """Bearer tokens: create (the plaintext is shown once) and revoke."""

    member_id_columns = ("created_by_id",)
    column_list = ("id", "name", "scope", "created_by_id", "created_at", "last_used_at", "revoked_at")
    column_labels = {"created_by_id": _l("Created by")}
    column_exclude_list = ("token_hash",)
    column_details_exclude_list = ("token_hash",)
    column_export_exclude_list = ("token_hash",)
    can_create = True  # through create_view below, never Flask-Admin's model form

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        form = TokenForm(request.form if request.method == "POST" else None)
        if request.method == "POST" and form.validate():
            session = db.session
            token, plaintext = create_token(session, form.name.data.strip(), form.scope.data, created_by_id=actor_id())
            audit.record(session, actor_id(), "token.create", f"token:{token.id}", name=token.name, scope=token.scope)
            response = make_response(self.render("admin/token_created.html", token=token, plaintext=plaintext))
            response.headers["Cache-Control"] = "no-store"
            return response
        return self.render("admin/token_form.html", form=form)

    @action("revoke", _l("Revoke"), _l("Revoke the selected tokens? Their holders are refused at once."))
    def action_revoke(self, ids):
        revoked = 0
        for token_id in ids:
            token = db.session.get(ApiToken, int(token_id))
            if token is None or token.revoked_at is not None:
                continue
            revoke_token(db.session, token.id)
            audit.record(db.session, actor_id(), "token.revoke", f"token:{token.id}", name=token.name, scope=token.scope)
            revoked += 1
        flash(_("%(revoked)s token(s) revoked.", revoked=revoked), "success")


def _errors(form):
    return " ".join(f"{form[name].label.text}: {'; '.join(errs)}" for name, errs in form.errors.items())


def _nonzero(form, field):
    if field.data == 0:
        raise ValidationError(_("Must not be zero."))


class AdjustmentForm(CSRFForm):
    member = StringField(_l("Member (username)"), validators=[DataRequired(), Length(max=32)])
    amount = IntegerField(
        _l("Amount (coins; negative takes coins back)"),
        validators=[DataRequired(message=_l("A non-zero whole number.")), NumberRange(-MAX_ADJUSTMENT, MAX_ADJUSTMENT), _nonzero],
    )
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=255)])
    # Generated when the form is rendered: submitting the same form twice
    # posts one transfer (the ledger key is derived from it).
    key = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{32}$")])


class AdjustmentView(SecureBaseView):
    """Manual adjustments, always a ledger transfer against `adjustments`."""

    @expose("/", methods=("GET", "POST"))
    def index(self):
        form = AdjustmentForm(request.form if request.method == "POST" else None)
        if request.method == "GET":
            form.key.data = uuid.uuid4().hex
            form.member.data = request.args.get("member", "")
            return self.render("admin/adjust.html", form=form)
        if not form.validate():
            return self.render("admin/adjust.html", form=form), 400
        session = db.session
        user = session.scalar(select(User).where(func.lower(User.username) == form.member.data.strip().lower()))
        if user is None:
            form.member.errors = list(form.member.errors) + [_("No such member.")]
            return self.render("admin/adjust.html", form=form), 400
        try:
            with session.begin_nested():  # a refused adjustment leaves nothing behind
                posting = adjust_member(
                    session, user, form.amount.data, reason=form.reason.data, actor_id=actor_id(), key=form.key.data
                )
            balance = balance_of(session, wallet_id(session, user.id))
        except LedgerError as exc:
            message = (
                _("%(username)s does not hold %(coins)s coins.", username=user.username, coins=abs(form.amount.data))
                if isinstance(exc, InsufficientFunds)
                else exc.message
            )
            flash(_("Not adjusted: %(message)s", message=message), "error")
            return self.render("admin/adjust.html", form=form), 409
        if posting.replayed:
            flash(_("This adjustment was already posted (transfer %(id)s); nothing changed.", id=posting.transfer.id),
                  "info")
        else:
            signed = f"{form.amount.data:+d}"  # outside _(): the catalogue's extractor warns on an f-string there
            flash(
                _("Adjusted %(username)s by %(coins)s coins (transfer %(id)s); balance now %(balance)s.",
                  username=user.username, coins=signed, id=posting.transfer.id, balance=int(balance)),
                "success",
            )
        return redirect(self.get_url(".index"))


class AdminActionView(MemberIdsView):
    member_id_columns = ("actor_id",)
    column_list = ("id", "at", "actor_id", "action", "target", "details")
    column_labels = {"actor_id": _l("By")}
    column_filters = ("action", "target", "at", *username_filters(AdminAction.actor_id, _l("By")))
    column_formatters_export = {}  # the CSV keeps the raw values
    column_default_sort = ("id", True)
    can_export = True
    export_types = ["csv"]


def register(admin, db):  # noqa: F811 - the db handed in is goldcoin.extensions.db
    admin.add_view(UserView(User, db, name=_l("Members"), endpoint="members"))
    admin.add_view(AccountView(Account, db, name=_l("Accounts"), endpoint="accounts", category=_l("Ledger")))
    admin.add_view(TransferView(Transfer, db, name=_l("Transfers"), endpoint="transfers", category=_l("Ledger")))
    admin.add_view(AdjustmentView(name=_l("Adjust a balance"), endpoint="adjust", url="/admin/adjust", category=_l("Ledger")))
    admin.add_view(TokenView(ApiToken, db, name=_l("Tokens"), endpoint="tokens"))
    admin.add_view(AdminActionView(AdminAction, db, name=_l("Audit log"), endpoint="audit"))
    admin.add_view(DashboardDataView(name=_l("Dashboard data"), endpoint="dashboard", url="/admin/dashboard"))

