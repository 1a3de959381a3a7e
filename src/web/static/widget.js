// Groundswell widget: refreshes the server-rendered values in place. Values are placed with textContent
// and setAttribute only, never as markup.
const root = document.querySelector('.gs-widget');
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function percent(x) {
  return x === null ? '–' : `${Math.round(x * 100)}%`;
}

function shortTime(iso) {
  if (!iso) return 'no data yet';
  return `${Number(iso.slice(8, 10))} ${months[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}, ${iso.slice(11, 16)}`;
}

function field(name) {
  return root.querySelector(`[data-field="${name}"]`);
}

function render(s) {
  field('name').textContent = s.name;
  field('window').textContent = s.window;
  field('share').textContent = percent(s.share);
  field('interval').textContent =
    s.low === null || s.high === null
      ? 'no post took a side'
      : `95% interval ${percent(s.low)}–${percent(s.high)}`;
  const trend = field('trend');
  trend.textContent = s.trend.label;
  trend.setAttribute('data-direction', s.trend.direction);
  field('lowVolume').hidden = !s.lowVolume;
  field('sample').hidden = !s.sample;
  field('band').setAttribute('d', s.spark.band);
  field('line').setAttribute('d', s.spark.line);
  const last = field('lastDataAt');
  last.textContent = shortTime(s.lastDataAt);
  last.setAttribute('datetime', s.lastDataAt ?? '');
  field('updated').hidden = !s.updatedAt;
  const updated = field('updatedAt');
  updated.textContent = `${shortTime(s.updatedAt)} UTC`;
  updated.setAttribute('datetime', s.updatedAt ?? '');
  root.setAttribute('data-checked', new Date().toISOString());
}

// Tell an embedding page (embed.js) how tall the widget is, so its iframe fits without scrolling.
function reportHeight() {
  if (window.parent === window) return;
  window.parent.postMessage(
    {
      type: 'groundswell:height',
      height: Math.ceil(document.documentElement.getBoundingClientRect().height),
    },
    '*',
  );
}

let etag = null;
async function refresh() {
  try {
    const response = await fetch(root.dataset.endpoint, {
      headers: etag ? { 'If-None-Match': etag } : {},
      cache: 'no-cache',
    });
    if (response.status === 200) {
      etag = response.headers.get('ETag');
      render(await response.json());
      root.classList.remove('gs-stale');
    } else if (response.status !== 304) {
      root.classList.add('gs-stale');
    }
  } catch {
    root.classList.add('gs-stale');
  }
  reportHeight();
}

const seconds = Math.max(15, Number(root.dataset.refresh) || 300);
setInterval(() => void refresh(), seconds * 1000);
new ResizeObserver(reportHeight).observe(document.documentElement);
reportHeight();
