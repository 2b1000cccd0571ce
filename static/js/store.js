// Reward store: the redeem modal and the redeem page. Talks to
// POST /api/v1/rewards/<id>/redeem through goldcoin.api (session + CSRF).
(function () {
  var BALANCE_IDS = ['total-coins', 'coin-balance', 'coins-count', 'header-balance', 'store-balance'];
  var t = goldcoin.t;
  // Refusals we word ourselves (with the reward's name); others show the server's message.
  var WORDED = ['insufficient_funds', 'out_of_stock', 'limit_reached', 'not_found', 'unauthorized'];

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
  }

  function setBalance(value) {
    BALANCE_IDS.forEach(function (id) { goldcoin.setText(id, value); });
  }

  function show(el, text, ok) {
    if (!el) return;
    el.textContent = text;
    el.className = 'redeem-message ' + (ok ? 'ok' : 'error');
  }

  // One key per intended redemption: a retry after a network error reuses it,
  // so a lost answer can never charge twice.
  var pending = {};

  function redeem(rewardId, name, messageEl, button) {
    var key = pending[rewardId] || (pending[rewardId] = newKey());
    if (button) button.disabled = true;
    show(messageEl, t('redeem.pending', { name: name }), true);
    return goldcoin.api('POST', '/api/v1/rewards/' + rewardId + '/redeem', undefined, { 'Idempotency-Key': key })
      .then(function (res) {
        if (res.status >= 400 || res.status === 201) delete pending[rewardId];
        if (res.ok) {
          setBalance(res.data.balance);
          show(messageEl, t('redeem.done', { name: name, balance: res.data.balance }), true);
          // Pages that show what a reward opens (the VIP section) refresh themselves.
          document.dispatchEvent(new CustomEvent('goldcoin:redeemed', { detail: { reward_id: Number(rewardId) } }));
          return;
        }
        var code = res.data && res.data.error;
        var text = WORDED.indexOf(code) >= 0 ? t('redeem.' + code, { name: name })
          : ((res.data && res.data.message) || t('error.generic'));
        show(messageEl, text, false);
      })
      .catch(function () { show(messageEl, t('redeem.network'), false); })
      .then(function () { if (button) button.disabled = false; });
  }

  var modal = document.getElementById('redeem-modal');
  var select = document.getElementById('redeem-reward');
  function openModal(rewardId) {
    if (!modal) { window.location.href = '/store'; return; }
    if (rewardId && select) select.value = rewardId;
    goldcoin.setText('redeem-modal-message', '');
    modal.hidden = false;
    modal.classList.add('open');
    if (select) select.focus();
  }
  function closeModal() {
    if (!modal) return;
    modal.hidden = true;
    modal.classList.remove('open');
  }
  document.addEventListener('click', function (e) {
    var opener = e.target.closest('[data-open-redeem]');
    if (opener) { e.preventDefault(); openModal(opener.getAttribute('data-open-redeem')); return; }
    if (e.target.closest('[data-close-redeem]') || e.target === modal) { closeModal(); return; }
    var now = e.target.closest('[data-redeem-now]');
    if (now) {
      // One click spends coins: ask first (data-confirm names the price).
      var question = now.getAttribute('data-confirm');
      if (question && !window.confirm(question)) return;
      redeem(now.getAttribute('data-redeem-now'), now.getAttribute('data-name'),
        document.getElementById('redeem-message'), now);
    }
  });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape') closeModal(); });
  var submit = document.getElementById('redeem-submit');
  if (submit && select) {
    submit.addEventListener('click', function () {
      var option = select.options[select.selectedIndex];
      if (!option) return;
      redeem(option.value, option.getAttribute('data-name'),
        document.getElementById('redeem-modal-message'), submit);
    });
  }
  window.goldcoinStore = { open: openModal, close: closeModal, redeem: redeem };
})();
