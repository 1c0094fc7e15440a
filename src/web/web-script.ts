/**
 * The UI's one script. It only moves server-made HTML around (it never builds markup from data):
 * the iframe dialog; expand and collapse all; the open timeline's live update, which keeps the
 * reader where they are (the event at the top of the screen stays there, open details stay open,
 * focus stays put) and says how many events arrived; and the template page's live preview.
 */
export const JS = `
'use strict';
(function () {
  var dialog = document.getElementById('iframe-dialog');
  var section = document.getElementById('timeline');
  var status = document.getElementById('live-status');
  var expandedAll = false;

  document.addEventListener('click', function (event) {
    var target = event.target;
    var button = target.closest && target.closest('.iframe-link');
    if (button && dialog) {
      var frame = dialog.querySelector('iframe');
      dialog.querySelector('#iframe-title').textContent = button.dataset.title || button.textContent;
      frame.width = button.dataset.width; frame.height = button.dataset.height;
      frame.src = button.dataset.url;
      dialog.showModal();
      return;
    }
    if (target.matches && target.matches('[data-close]') && dialog) { dialog.close(); return; }
    var toggle = target.closest && target.closest('[data-details]');
    if (toggle && section) {
      expandedAll = toggle.dataset.details === 'open';
      section.querySelectorAll('details').forEach(function (d) { d.open = expandedAll; });
    }
  });
  if (dialog) dialog.addEventListener('close', function () { dialog.querySelector('iframe').src = 'about:blank'; });

  // An empty filter field leaves no empty parameter in the URL: the link stays as short as the filter.
  document.querySelectorAll('form.filters, form.search').forEach(function (form) {
    form.addEventListener('formdata', function (event) {
      Array.from(event.formData.keys()).forEach(function (name) {
        if (event.formData.getAll(name).every(function (value) { return value === ''; })) event.formData.delete(name);
      });
    });
  });

  var toolbar = document.querySelector('.toolbar');
  if (toolbar && section) toolbar.hidden = false;

  // The template page's preview follows its form as it is typed in.
  var previewForm = document.querySelector('form[data-preview]');
  var preview = document.getElementById('preview');
  if (previewForm && preview) {
    var timer = null;
    var asked = 0;
    var refresh = function () {
      var query = new URLSearchParams(new FormData(previewForm)).toString();
      var ticket = ++asked;
      fetch(previewForm.dataset.preview + '?' + query, { credentials: 'same-origin', cache: 'no-store' })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null || ticket !== asked) return;
          // Server-rendered and escaped, like the page it came with.
          preview.innerHTML = html;
          history.replaceState(null, '', previewForm.getAttribute('action') + '?' + query);
        })
        .catch(function () {});
    };
    var schedule = function () { clearTimeout(timer); timer = setTimeout(refresh, 250); };
    previewForm.addEventListener('input', schedule);
    previewForm.addEventListener('change', schedule);
  }

  if (!section || !section.dataset.poll) return;

  function articleOf(node) { return node && node.closest ? node.closest('article[data-key]') : null; }

  /** The first event still on screen, and where it is. */
  function anchor() {
    var articles = section.querySelectorAll('article[data-key]');
    for (var i = 0; i < articles.length; i++) {
      var box = articles[i].getBoundingClientRect();
      if (box.bottom > 0) return { key: articles[i].dataset.key, top: box.top };
    }
    return null;
  }

  function byKey(key) { return section.querySelector('article[data-key="' + CSS.escape(key) + '"]'); }

  function update(html, top) {
    var before = {};
    section.querySelectorAll('article[data-key]').forEach(function (a) { before[a.dataset.key] = true; });
    var open = Array.prototype.map.call(section.querySelectorAll('details[open]'), function (d) {
      return articleOf(d).dataset.key;
    });
    var focused = section.contains(document.activeElement) ? document.activeElement : null;
    var focusArticle = articleOf(focused);
    var focus = focusArticle && {
      key: focusArticle.dataset.key,
      index: Array.prototype.indexOf.call(focusArticle.querySelectorAll('a, button, summary'), focused),
    };
    var kept = window.scrollY > 0 ? anchor() : null;
    // Server-rendered and escaped, like the page it came with.
    section.innerHTML = html;
    section.dataset.top = top;
    var arrived = 0;
    section.querySelectorAll('article[data-key]').forEach(function (a) {
      if (!before[a.dataset.key]) arrived++;
      var details = a.querySelector('details');
      if (details && (expandedAll || open.indexOf(a.dataset.key) !== -1)) details.open = true;
    });
    if (focus) {
      var article = byKey(focus.key);
      var target = article && article.querySelectorAll('a, button, summary')[focus.index];
      if (target) target.focus({ preventScroll: true });
    }
    if (kept) {
      var again = byKey(kept.key);
      if (again) window.scrollBy(0, again.getBoundingClientRect().top - kept.top);
    }
    if (status && arrived > 0) status.textContent = arrived === 1 ? '1 new event' : arrived + ' new events';
  }

  function poll() {
    if (document.hidden) { setTimeout(poll, 1500); return; }
    // The newest event seen: while it is still the newest, the server answers 204 and reads no more.
    var url = section.dataset.poll + '&seen=' + encodeURIComponent(section.dataset.seen || '');
    fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
      if (response.status !== 200) return;
      section.dataset.seen = response.headers.get('x-timeline-seen') || '';
      var top = response.headers.get('x-timeline-top') || '';
      if (top === section.dataset.top) return;
      return response.text().then(function (html) { update(html, top); });
    }).catch(function () {}).then(function () { setTimeout(poll, 1500); });
  }
  setTimeout(poll, 1500);
})();
`;
