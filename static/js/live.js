// Live updates for logged-in members: one Socket.IO connection per page,
// same origin, authenticated by the session cookie. Every received event is
// re-dispatched as a document-level CustomEvent `goldcoin:<name>` (detail =
// payload) so any page can react, e.g. the checkout page on goldcoin:payment.
(function () {
  if (typeof io === 'undefined' || !document.body.dataset.userId) return;
  var setText = window.goldcoin.setText;

  function dispatch(name, detail) {
    document.dispatchEvent(new CustomEvent('goldcoin:' + name, { detail: detail }));
  }

  function renderList(list, items) {
    // Build nodes with textContent: usernames are user input.
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!items.length) {
      var empty = document.createElement('li');
      empty.className = 'empty';
      empty.textContent = window.goldcoin.t('leaderboard.empty');
      list.appendChild(empty);
      return;
    }
    items.forEach(function (row) {
      var li = document.createElement('li');
      li.dataset.userId = row.user_id;
      var rank = document.createElement('span');
      rank.className = 'rank';
      rank.textContent = '#' + row.rank;
      var link = document.createElement('a');
      link.href = '/u/' + encodeURIComponent(row.username);
      link.textContent = row.username;
      var coins = document.createElement('span');
      coins.className = 'coins';
      coins.textContent = row.coins;
      li.appendChild(rank); li.appendChild(document.createTextNode(' '));
      li.appendChild(link); li.appendChild(document.createTextNode(' '));
      li.appendChild(coins);
      list.appendChild(li);
    });
  }

  function ownProfile() {
    var widget = document.getElementById('profile-widget');
    return !!widget && widget.dataset.username === document.body.dataset.username;
  }

  function showMe(me) {
    setText('header-balance', me.balance);
    if (ownProfile()) {
      setText('coins-count', me.balance);
      setText('earned-total', me.earned_total);
      setText('coins-rank', me.rank_month ? window.goldcoin.t('rank.this_month', { rank: me.rank_month })
        : window.goldcoin.t('rank.none'));
    }
  }

  function refreshMe() {
    return window.goldcoin.api('GET', '/api/v1/me').then(function (r) {
      if (r.ok) { showMe(r.data); dispatch('me', r.data); }
    });
  }

  function refreshBoards() {
    var page = document.getElementById('leaderboard-list');
    if (page) {
      window.goldcoin.api('GET', '/api/v1/leaderboard?period=' + page.dataset.period + '&limit=' + (page.dataset.limit || 10))
        .then(function (r) { if (r.ok) renderList(page, r.data.items); });
    }
    var widget = document.getElementById('leaderboard');
    if (widget) {
      window.goldcoin.api('GET', '/api/v1/leaderboard?period=all&limit=10')
        .then(function (r) { if (r.ok) renderList(widget, r.data.items); });
    }
  }

  var socket = io({ transports: ['websocket', 'polling'], withCredentials: true });
  window.goldcoin.socket = socket;
  var connectedBefore = false;

  socket.on('connect', function () {
    document.body.dataset.live = 'connected';
    // After a reconnect something may have been missed: ask again.
    if (connectedBefore) { refreshMe(); refreshBoards(); }
    connectedBefore = true;
    dispatch('connected', {});
  });
  socket.on('disconnect', function () { document.body.dataset.live = 'disconnected'; });
  // The server's message queue (Redis) was down and is back: pushes may have
  // been lost while this connection stayed up. Re-read what the page shows;
  // pages with more state (the checkout) listen for goldcoin:resync.
  socket.on('resync', function (data) {
    refreshMe(); refreshBoards();
    document.body.dataset.resynced = String(Number(document.body.dataset.resynced || 0) + 1);
    dispatch('resync', data);
  });

  socket.on('balance', function (data) {
    setText('header-balance', data.balance);
    if (ownProfile()) {
      setText('coins-count', data.balance);
      // Earned total and monthly rank depend on the kind: ask the server.
      if (String(data.kind || '').indexOf('earn.') === 0) refreshMe();
    }
    dispatch('balance', data);
  });
  socket.on('payment', function (data) { dispatch('payment', data); });
  socket.on('notification', function (data) { dispatch('notification', data); });
  socket.on('leaderboard', function (data) {
    var page = document.getElementById('leaderboard-list');
    if (page && page.dataset.period === data.period) {
      // The push carries the top 10; a longer page asks for its whole list.
      if (Number(page.dataset.limit || 10) <= data.items.length) renderList(page, data.items);
      else refreshBoards();
    }
    var widget = document.getElementById('leaderboard');
    if (widget && data.period === 'all') renderList(widget, data.items);
    dispatch('leaderboard', data);
  });
})();
