"""Languages (Flask-Babel): which one a request speaks, the catalogues, and
the switcher in the header. See docs/i18n.md.

API.md, Languages: the member's saved choice, else `?lang=` (which also
saves it in the session), else the session's, else `Accept-Language`, else
the site's default (`GOLDCOIN_DEFAULT_LOCALE`). Times are shown in the
member's time zone, else the site's (`GOLDCOIN_DEFAULT_TIMEZONE`).

The catalogues are kept as .po files in translations/ (reviewed text, in
git); the app compiles them to .mo in the instance folder when they are
missing or older than their .po, so a fresh clone needs no build step.
"""
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytz
from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, current_app, has_app_context, has_request_context, redirect, request, session, url_for
from flask_babel import Babel, get_locale, gettext, refresh
from flask_login import current_user

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "translations"

# Locale code -> the name the switcher shows (each in its own language).
LANGUAGES = {"en": "English", "zh_CN": "中文"}
# Locale code -> BCP 47 tag for <html lang> (Chromium picks CJK fonts by it).
HTML_LANG = {"en": "en", "zh_CN": "zh-CN"}
SESSION_KEY = "lang"
# Babel's name of each locale ("zh_Hans_CN") -> our code ("zh_CN").
_CODES = {str(Locale.parse(code)): code for code in LANGUAGES}

babel = Babel()
bp = Blueprint("i18n", __name__)


def supported(code):
    """The locale code as we spell it, or None: "zh-CN", "zh_cn" -> "zh_CN"."""
    if not code:
        return None
    wanted = str(code).replace("-", "_").lower()
    for known in LANGUAGES:
        if known.lower() == wanted:
            return known
    return None


def _member_choice():
    try:
        user = current_user._get_current_object()
    except Exception:  # no login manager in this context (a bare app context)
        return None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return supported(getattr(user, "language", None))


def select_locale():
    if not has_request_context():
        return current_app.config["GOLDCOIN_DEFAULT_LOCALE"]
    chosen = _member_choice()
    if chosen:
        return chosen
    asked = supported(request.args.get("lang"))
    if asked:
        session[SESSION_KEY] = asked
        return asked
    kept = supported(session.get(SESSION_KEY))
    if kept:
        return kept
    # "zh", "zh-TW" and "zh-Hans" fall back on the primary tag: zh_CN.
    best = request.accept_languages.best_match(["en", "zh-CN", "zh"])
    if best:
        return "zh_CN" if best.startswith("zh") else "en"
    return current_app.config["GOLDCOIN_DEFAULT_LOCALE"]


def select_timezone():
    if has_request_context():
        try:
            user = current_user._get_current_object()
        except Exception:
            user = None
        zone = getattr(user, "timezone", None) if user is not None and user.is_authenticated else None
        if zone:
            return zone
    return current_app.config["GOLDCOIN_DEFAULT_TIMEZONE"]


def current_language():
    """The locale code of this request ("en" or "zh_CN")."""
    return _CODES.get(str(get_locale() or "")) or current_app.config["GOLDCOIN_DEFAULT_LOCALE"]


def save_language(user, language, timezone=None):
    """Save the member's language (a code of LANGUAGES, checked by the caller)
    and, when given, IANA time zone; this request speaks them from here on."""
    if timezone is not None:
        if timezone not in pytz.all_timezones_set:
            from .core.errors import DomainError

            raise DomainError(gettext("Unknown time zone: %(zone)s.", zone=timezone))
        user.timezone = timezone
    user.language = language
    refresh()  # Flask-Babel cached this request's locale and zone


def language_of(session, user_id):
    """The language to write to a member in (a notification, an email): the
    member's saved choice; else this request's when it is the member's own;
    else, in a command, the language it runs in; else the site's default."""
    from sqlalchemy import select

    from .auth.models import User

    return language_for(user_id, session.scalar(select(User.language).where(User.id == user_id)))


def language_for(user_id, saved_language):
    """language_of, given the member's saved language (`users.language`), which
    a caller read with whatever else it needed in the same statement."""
    saved = supported(saved_language)
    if saved or not has_app_context():  # outside the app (a script), force_locale changes nothing
        return saved or "en"
    if has_request_context() and getattr(current_user, "is_authenticated", False) and current_user.id == user_id:
        return current_language()
    if not has_request_context():
        # A command: the site's default, or the language it runs in (the demo
        # created with --locale zh_CN tells its members in Chinese).
        return current_language()
    return current_app.config["GOLDCOIN_DEFAULT_LOCALE"]


def compile_catalogues(target):
    """Compile every translations/<locale>/LC_MESSAGES/*.po to .mo under
    `target` when the .mo is missing or older; each written under a temporary
    name and moved into place, so that processes starting together never
    read half a file. The compiled folder is named as Babel names the locale
    ("zh_CN" parses to zh_Hans_CN), which is where Flask-Babel looks, and
    also how Flask-Admin and WTForms name their own Chinese catalogues."""
    target = Path(target)
    for po in SOURCE_DIR.glob("*/LC_MESSAGES/*.po"):
        code = po.parts[-3]
        mo = target / str(Locale.parse(code)) / "LC_MESSAGES" / po.with_suffix(".mo").name
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=code)
        _write_atomically(mo, lambda out, catalog=catalog: write_mo(out, catalog))


def _write_atomically(path, write):
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    with temporary.open("wb") as out:
        write(out)
    os.replace(temporary, path)


def _safe_next(url):
    """Back to the page the switcher was on: a path on this site only."""
    parts = urlsplit(url or "")
    if parts.scheme or parts.netloc or not (url or "").startswith("/"):
        return url_for("web.home")
    return url


@bp.post("/language")
def choose():
    """The header switcher: a member's choice is saved on the member; anyone's
    is kept in the session. The profile's form also sends a time zone."""
    language = supported(request.form.get("language")) or current_language()
    session[SESSION_KEY] = language
    if current_user.is_authenticated:
        save_language(current_user, language, request.form.get("timezone") or None)
    return redirect(_safe_next(request.form.get("next")))


def _template_context():
    from .jsmessages import messages

    code = current_language()
    return {
        "current_language": code,
        "html_lang": HTML_LANG[code],
        "languages": LANGUAGES,
        "html_lang_of": HTML_LANG,
        "js_messages": messages,
    }


def init_app(app):
    app.config.setdefault("GOLDCOIN_DEFAULT_LOCALE", "en")
    app.config.setdefault("GOLDCOIN_DEFAULT_TIMEZONE", "UTC")
    if supported(app.config["GOLDCOIN_DEFAULT_LOCALE"]) is None:
        from .config import ConfigurationError

        raise ConfigurationError(
            f"GOLDCOIN_DEFAULT_LOCALE must be one of {', '.join(LANGUAGES)}, not {app.config['GOLDCOIN_DEFAULT_LOCALE']!r}"
        )
    compiled = os.path.join(app.instance_path, "translations")
    compile_catalogues(compiled)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = compiled
    app.config["BABEL_DEFAULT_LOCALE"] = supported(app.config["GOLDCOIN_DEFAULT_LOCALE"])
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["GOLDCOIN_DEFAULT_TIMEZONE"]
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.context_processor(_template_context)
    from . import formats

    formats.init_app(app)
    app.register_blueprint(bp)
