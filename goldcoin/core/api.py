"""The one blueprint of the public JSON API at /api/v1 (see API.md).

Each domain adds its routes to it in its own `api` module; the app registers
it once, after every domain has been imported."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app):
    app.register_blueprint(bp)
