"""The two signatures Discourse speaks, both HMAC-SHA256 with a shared secret.

- Webhooks: `X-Discourse-Event-Signature: sha256=<hex HMAC of the raw body>`
  (discourse/discourse, app/jobs/regular/emit_web_hook_event.rb,
  build_webhook_headers).
- DiscourseConnect: `sso` is the base64 of a query string and `sig` the hex
  HMAC of that base64 text (lib/discourse_connect_base.rb, `sign`/`parse`).

Comparisons are constant-time, so the answer's timing says nothing about how
much of a forged signature was right.
"""
import base64
import binascii
import hashlib
import hmac
from urllib.parse import parse_qsl, urlencode

from .errors import ConnectRefused


def hex_hmac(secret, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hmac.new(secret.encode("utf-8"), data, hashlib.sha256).hexdigest()


def webhook_signature(secret, raw):
    return "sha256=" + hex_hmac(secret, raw)


def _same(a, b):
    # compare_digest on str refuses non-ASCII; bytes compare anything.
    return hmac.compare_digest(a.encode("utf-8", "replace"), b.encode("utf-8", "replace"))


def webhook_is_authentic(secret, raw, header):
    if not secret or not header:
        return False
    return _same(header.strip().lower(), webhook_signature(secret, raw))


def connect_payload(secret, fields):
    """(sso, sig) carrying `fields`, as either side of DiscourseConnect sends them."""
    sso = base64.b64encode(urlencode(fields).encode("utf-8")).decode("ascii")
    return sso, hex_hmac(secret, sso)


def connect_fields(secret, sso, sig):
    """The fields of a signed DiscourseConnect payload; ConnectRefused unless
    the signature matches and the payload decodes."""
    if not isinstance(sso, str) or not isinstance(sig, str) or not sso or not sig or len(sso) > 8192:
        raise ConnectRefused("The forum's answer is missing its signed payload.")
    if not _same(sig.strip().lower(), hex_hmac(secret, sso)):
        raise ConnectRefused("The forum's answer is not signed with this site's DiscourseConnect secret.")
    try:
        decoded = base64.b64decode(sso.encode("ascii"), validate=False).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise ConnectRefused("The forum's answer does not decode.") from None
    return dict(parse_qsl(decoded, keep_blank_values=True))
