// The invite page's "Copy link" button. The link is shown in full (it wraps
// on a phone); copying uses the clipboard API, and where the page is not
// allowed it (plain http on another host) it selects the link so the member
// can copy it by hand. Strings come from goldcoin/jsmessages.py.
(function () {
  var button = document.getElementById('referral-copy');
  if (!button) return;
  var source = document.getElementById(button.dataset.copyFrom);
  var status = document.getElementById('referral-copy-status');
  var t = window.goldcoin.t;

  function say(text) { status.textContent = text; }

  function selectLink() {
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function byHand() {
    selectLink();
    var copied = false;
    try { copied = document.execCommand('copy'); } catch (e) { copied = false; }
    say(copied ? t('referral.copied') : t('referral.copy_by_hand'));
  }

  button.addEventListener('click', function () {
    var text = source.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { say(t('referral.copied')); }, byHand);
    } else {
      byHand();
    }
  });
})();
