// Recharge page and checkout page behaviour.
(function () {
  var gc = window.goldcoin;
  var t = gc.t;
  var message = document.getElementById('confirmationMessage');

  // ---- recharge page
  function payCurrency() {
    var checked = document.querySelector('input[name="payment-method"]:checked');
    return checked ? checked.value : undefined;
  }
  function order(body) {
    body.pay_currency = payCurrency();
    message.textContent = t('recharge.creating');
    gc.api('POST', '/api/v1/recharge/orders', body).then(function (r) {
      if (r.ok) {
        message.textContent = t('recharge.created');
        window.location.href = '/recharge/orders/' + r.data.id;
      } else {
        message.textContent = (r.data && r.data.message) || t('recharge.refused', { status: r.status });
        message.className = 'error';
      }
    }).catch(function () { message.textContent = t('recharge.network'); });
  }
  if (document.getElementById('recharge-page')) {
    document.querySelectorAll('#amount-options button.package').forEach(function (b) {
      b.addEventListener('click', function () { order({ package_id: parseInt(b.dataset.packageId, 10) }); });
    });
    document.getElementById('custom-buy').addEventListener('click', function () {
      // Number(), not parseInt(): "10.5" must be refused, not bought as 10.
      var input = document.getElementById('customAmount');
      var text = input.value.trim(), n = Number(text);
      var low = parseInt(input.min, 10), high = parseInt(input.max, 10);
      message.className = 'error';
      if (!text || input.validity.badInput) { message.textContent = t('recharge.enter_coins'); return; }
      if (!Number.isInteger(n)) { message.textContent = t('recharge.whole', { example: Math.floor(n) }); return; }
      if (n < low || n > high) { message.textContent = t('recharge.range', { low: low, high: high }); return; }
      message.className = '';
      order({ coins: n });
    });
  }

  // ---- checkout page
  var page = document.getElementById('checkout-page');
  if (!page) return;
  var orderId = parseInt(page.dataset.orderId, 10);
  document.querySelectorAll('button.copy').forEach(function (b) {
    b.addEventListener('click', function () {
      var done = function () { b.textContent = t('checkout.copied'); };
      if (navigator.clipboard) navigator.clipboard.writeText(b.dataset.copy).then(done, function () {});
    });
  });
  var expires = page.dataset.expiresAt ? new Date(page.dataset.expiresAt) : null;
  function tick() {
    if (!expires) return;
    var left = Math.max(0, Math.floor((expires - new Date()) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
    gc.setText('countdown', (h ? h + ':' : '') + String(m).padStart(2, '0') + ':' + String(s).padStart(2, '0'));
  }
  tick();
  setInterval(tick, 1000);

  // Decimal strings ("0.00012345") subtracted exactly, as scaled BigInts.
  function minus(a, b) {
    var places = Math.max((a.split('.')[1] || '').length, (b.split('.')[1] || '').length);
    var scale = function (v) { var p = v.split('.'); return BigInt(p[0] + (p[1] || '').padEnd(places, '0')); };
    var d = (scale(a) - scale(b)).toString().padStart(places + 1, '0');
    var text = places ? d.slice(0, -places) + '.' + d.slice(-places) : d;
    return text.indexOf('.') >= 0 ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  }
  function showOwed(received, due) {
    var owed = document.getElementById('still-owed');
    if (!owed || !received || !due || Number(received) <= 0 || Number(received) >= Number(due)) return;
    gc.setText('received-amount', received);
    gc.setText('owed-amount', minus(due, received));
    owed.hidden = false;
  }

  var shown = page.dataset.status;
  function show(status) {
    if (status === 'completed') { window.location.reload(); return; }  // the server renders the confirmation
    if (status !== shown && status !== 'pending') { window.location.reload(); return; }
  }
  function refresh() {
    gc.api('GET', '/api/v1/recharge/orders/' + orderId).then(function (r) {
      if (!r.ok) return;
      var o = r.data;
      gc.setText('order-status', t('status.' + o.status));
      page.dataset.liveStatus = o.status;
      gc.setText('order-status-text', o.status_text || '');
      gc.setText('confirms', o.received_confirms || 0);
      showOwed(o.received_amount, o.pay_amount);
      var bar = document.getElementById('confirms-progress');
      if (bar) bar.value = o.received_confirms || 0;
      show(o.status);
    });
  }
  if (shown === 'pending') {
    // live.js (Socket.IO) dispatches goldcoin:payment when the order changes.
    document.addEventListener('goldcoin:payment', function (e) {
      if (e.detail && e.detail.order_id === orderId) refresh();
    });
    // On every (re)connect: whatever changed while no socket listened.
    document.addEventListener('goldcoin:connected', refresh);
    // The server's message queue came back after an outage: a push may be lost.
    document.addEventListener('goldcoin:resync', refresh);
    // Polling is only the fallback while the live connection is down.
    setInterval(function () {
      if (document.body.dataset.live !== 'connected') refresh();
    }, 5000);
  }
})();
