"""The admin index (the economy dashboard) and its JSON data; the charts are
drawn in the browser by static/js/admin-dashboard.js."""
from flask import jsonify, request
from flask_admin import expose
from flask_login import current_user

from goldcoin.core.admin import SecureBaseView, SecureIndexView
from goldcoin.extensions import db

from . import economy

MAX_DAYS = 365


def _days():
    try:
        days = int(request.args.get("days", 30))
    except ValueError:
        days = 30
    return min(max(days, 1), MAX_DAYS)


def dashboard_figures():
    # The alert thresholds are the farming_* settings (Earning > Settings).
    return economy.dashboard_data(db.session, days=_days())


class DashboardIndexView(SecureIndexView):
    """Moderators may open the index (their views hang off its menu); the
    economy figures on it are for admins only."""

    allow_moderators = True

    @expose("/")
    def index(self):
        if current_user.is_admin:
            return self.render("admin/index.html", data=dashboard_figures(), moderation=None)
        # A moderator sees what they may open, with what waits for them there,
        # and nothing that would fetch the admins' figures (data.json is 403).
        return self.render("admin/index.html", data=None, moderation=self._moderation())

    def _moderation(self):
        rows = []
        for view in self.admin._views:
            if view is self or not view.is_visible() or not view.is_accessible():
                continue
            waiting = view.waiting() if hasattr(view, "waiting") else None
            url = view.get_url(f"{view.endpoint}.{view._default_view}")
            rows.append({"name": view.name, "category": view.category, "url": url, "waiting": waiting})
        return rows


class DashboardDataView(SecureBaseView):
    """/admin/dashboard/data.json: admins only, not in the menu."""

    allow_moderators = False

    def is_visible(self):
        return False

    @expose("/")
    def page(self):
        from flask import redirect, url_for

        return redirect(url_for("admin.index"))

    @expose("/data.json")
    def data(self):
        return jsonify(dashboard_figures())
