// Groundswell embed: turns every <div data-groundswell-topic="slug"> into the topic's widget (an iframe
// served by the same Groundswell as this script). Options as data attributes: data-interval, data-from,
// data-to, data-tz, data-sources, data-reposts, data-lang, data-version, data-theme, data-refresh.
(function () {
  var script = document.currentScript;
  var origin = new URL(script ? script.src : '/', window.location.href).origin;
  var options = ['interval', 'from', 'to', 'tz', 'sources', 'reposts', 'lang', 'version', 'theme', 'refresh'];
  var frames = [];

  function mount(el) {
    if (el.getAttribute('data-groundswell-mounted')) return;
    var slug = el.getAttribute('data-groundswell-topic');
    if (!slug || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) return;
    var query = new URLSearchParams();
    options.forEach(function (name) {
      var value = el.getAttribute('data-' + name);
      if (value) query.set(name, value);
    });
    var frame = document.createElement('iframe');
    var qs = query.toString();
    frame.src = origin + '/embed/' + encodeURIComponent(slug) + (qs ? '?' + qs : '');
    frame.title = 'Groundswell: support for ' + slug;
    frame.loading = 'lazy';
    frame.setAttribute('referrerpolicy', 'no-referrer');
    frame.style.cssText = 'width:100%;max-width:100%;height:190px;border:0;display:block;overflow:hidden';
    el.setAttribute('data-groundswell-mounted', 'true');
    el.appendChild(frame);
    frames.push(frame);
  }

  // The widget reports its height; only messages from our own frames, from our origin, are believed.
  window.addEventListener('message', function (event) {
    if (event.origin !== origin || !event.data || event.data.type !== 'groundswell:height') return;
    var height = Number(event.data.height);
    if (!(height > 0 && height < 2000)) return;
    frames.forEach(function (frame) {
      if (frame.contentWindow === event.source) frame.style.height = Math.ceil(height) + 'px';
    });
  });

  function mountAll() {
    document.querySelectorAll('[data-groundswell-topic]').forEach(mount);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mountAll);
  else mountAll();
})();
