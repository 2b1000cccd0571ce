// Shared helpers for Gold Coin pages.
window.goldcoin = (function () {
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : '';
  }
  // JSON request to our API with the session cookie and CSRF header.
  function api(method, path, body, extraHeaders) {
    var headers = { 'Accept': 'application/json', 'X-CSRFToken': csrfToken() };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    Object.assign(headers, extraHeaders || {});
    return fetch(path, {
      method: method, headers: headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        return { ok: r.ok, status: r.status, data: data };
      });
    });
  }
  function setText(id, value) {
    var el = document.getElementById(id);
    if (el) el.textContent = value;
  }
  // The page's strings in its language (goldcoin/jsmessages.py), from <body data-i18n>.
  var texts = null;
  function t(key, values) {
    if (texts === null) {
      try { texts = JSON.parse(document.body.dataset.i18n || '{}'); } catch (e) { texts = {}; }
    }
    var text = texts[key] !== undefined ? texts[key] : key;
    return text.replace(/%\((\w+)\)s/g, function (all, name) {
      return values && values[name] !== undefined ? String(values[name]) : all;
    });
  }
  return { api: api, csrfToken: csrfToken, setText: setText, t: t };
})();

// A form with data-confirm="question" asks before it is sent (removing a post,
// spending coins): member pages allow no inline script, so one listener for all.
document.addEventListener('submit', function (e) {
  var question = e.target && e.target.getAttribute && e.target.getAttribute('data-confirm');
  if (question && !window.confirm(question)) e.preventDefault();
}, true);
