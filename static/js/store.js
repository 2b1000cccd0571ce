// Reward store: the redeem modal and the redeem page. Talks to
// POST /api/v1/rewards/<id>/redeem through goldcoin.api (session + CSRF).
(function () {
  var BALANCE_IDS = ['total-coins', 'coin-balance', 'coins-count', 'header-balance', 'store-balance'];
  var MESSAGES = {
    insufficient_funds: function (name) { return 'Not enough coins for ' + name + '. Earn or recharge coins first.'; },
    out_of_stock: function (name) { return 'Sorry, ' + name + ' is out of stock.'; },
    limit_reached: function (name) { return 'You have reached the limit for ' + name + '.'; },
    not_found: function (name) { return name + ' is no longer available.'; },
    unauthorized: function () { return 'Please log in again.'; }
  };

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
    show(messageEl, 'Redeeming ' + name + '...', true);
    return goldcoin.api('POST', '/api/v1/rewards/' + rewardId + '/redeem', undefined, { 'Idempotency-Key': key })
      .then(function (res) {
        if (res.status >= 400 || res.status === 201) delete pending[rewardId];
        if (res.ok) {
          setBalance(res.data.balance);
          show(messageEl, 'You have successfully redeemed ' + name + '! New balance: ' + res.data.balance + ' coins.', true);
          return;
        }
        var code = res.data && res.data.error;
        var text = MESSAGES[code] ? MESSAGES[code](name) : ((res.data && res.data.message) || 'Something went wrong.');
        show(messageEl, text, false);
      })
      .catch(function () { show(messageEl, 'Network error; try again (you will not be charged twice).', false); })
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
      redeem(now.getAttribute('data-redeem-now'), now.textContent.replace(/ - \d+ Coins$/, ''),
        document.getElementById('redeem-message'), now);
    }
  });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape') closeModal(); });
  var submit = document.getElementById('redeem-submit');
  if (submit && select) {
    submit.addEventListener('click', function () {
      var option = select.options[select.selectedIndex];
      if (!option) return;
      redeem(option.value, option.textContent.trim().replace(/ - \d+ coins.*$/, ''),
        document.getElementById('redeem-modal-message'), submit);
    });
  }
  window.goldcoinStore = { open: openModal, close: closeModal, redeem: redeem };
})();
