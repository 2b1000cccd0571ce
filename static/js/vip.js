// The VIP section and its "members only" page: once the VIP reward is
// redeemed from the modal, reload, so that the section (or its new end date)
// shows without the member looking for it.
(function () {
  var page = document.querySelector('[data-vip-reward]');
  if (!page || !page.dataset.vipReward) return;
  var reward = Number(page.dataset.vipReward);
  document.addEventListener('goldcoin:redeemed', function (e) {
    if (e.detail && e.detail.reward_id === reward) {
      // A moment to read the modal's "redeemed" line first.
      window.setTimeout(function () { window.location.reload(); }, 1200);
    }
  });
})();
