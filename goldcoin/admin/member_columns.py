"""Member ids shown as usernames in the lists over models that keep a bare
member id and name no relationship to the member (the ledger's, the audit
log's and tokens' models, which import no domain): one query per page, and
filters by username. Domain models name the relationship instead
(`SecureModelView.member_relations`)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from goldcoin.auth.models import User
from goldcoin.core.admin import ReadOnlyModelView, member_cell
from goldcoin.core.admin import username_filters as core_username_filters
from goldcoin.extensions import db


def usernames(ids):
    """{user id: username} of these ids, in one query."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())


def username_filters(column, name=_l("Member")):  # noqa: B008 - a lazy string, translated per request
    """The filters "equals" and "contains" on the username of a member id column."""
    return core_username_filters(column, name, User)


class MemberIdsView(ReadOnlyModelView):
    """A list over a model that keeps a bare member id and names no relationship
    (the ledger's, the audit log's and tokens' models): the page's usernames
    come in one query, and each id column in `member_id_columns` shows the
    username, linked to the member's admin page."""

    member_id_columns = ()

    def __init__(self, *args, **kwargs):
        self.column_formatters = {**{c: self._member_id_cell for c in self.member_id_columns},
                                  **(self.column_formatters or {})}
        super().__init__(*args, **kwargs)

    @staticmethod
    def _member_id_cell(view, context, model, name):
        user_id = getattr(model, name)
        return member_cell(user_id, context.get("member_names", {}).get(user_id))

    def render(self, template, **kwargs):
        rows = kwargs.get("data") or ([kwargs["model"]] if kwargs.get("model") is not None else [])
        kwargs["member_names"] = usernames(getattr(row, c) for row in rows for c in self.member_id_columns)
        return super().render(template, **kwargs)
