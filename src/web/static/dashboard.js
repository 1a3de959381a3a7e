// Groundswell dashboard. Plain ES module, no dependencies. Every piece of data reaches the page through
// textContent or setAttribute (see h()), never as markup: post text is untrusted.

const API = '/api/v1';
const KEY_STORAGE = 'groundswell.apiKey';
const STANCES = ['support', 'oppose', 'neutral'];
const INTERVALS = ['15m', 'hour', 'day', 'week'];
const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') || '';
const baseUrl = (meta('groundswell-base-url') || window.location.origin).replace(/\/$/, '');
const main = document.getElementById('main');

// ---------- DOM helpers ----------

/** h('a', { href, class: 'x', onclick }, 'text', child…): attributes via setAttribute, strings as text nodes. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'value') el.value = value;
    else if (name === 'checked') el.checked = Boolean(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function clear(el) {
  el.replaceChildren();
  return el;
}

function toast(message, kind = 'info') {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.dataset.kind = kind;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (el.hidden = true), 6000);
}

const percent = (x) => (x === null || x === undefined ? '–' : `${Math.round(x * 1000) / 10}%`);
const number = (x) => (x === null || x === undefined ? '–' : Number(x).toLocaleString('en-GB'));

// ---------- API ----------

function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE) || '';
}

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  const key = apiKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path.startsWith('/') ? path : `${API}/${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      // not problem+json
    }
    throw new ApiError(response.status, problem);
  }
  return response;
}

const getJson = async (path) => (await request('GET', path)).json();
const sendJson = async (method, path, body) => {
  const response = await request(method, path, body);
  return response.status === 204 ? null : response.json();
};

function problemText(error) {
  if (!(error instanceof ApiError)) return String(error?.message ?? error);
  const fields = (error.problem?.errors ?? []).map((e) => `${e.field}: ${e.message}`);
  const hint =
    error.status === 401 ? ' Enter a key above.' : error.status === 403 ? ' This needs the admin key.' : '';
  return [error.message + hint, ...fields].join('\n');
}

function errorBox(error) {
  return h('pre', { class: 'error', role: 'alert' }, problemText(error));
}

/** Fetches a file with the key, then saves it under the name the server gave (Content-Disposition). */
async function download(path) {
  try {
    const response = await request('GET', path);
    const disposition = response.headers.get('Content-Disposition') || '';
    const name = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
    const plain = /filename="([^"]+)"/.exec(disposition)?.[1];
    const blob = await response.blob();
    const url = URL.createObjectURL(blob);
    const a = h('a', {
      href: url,
      download: name ? decodeURIComponent(name) : plain || 'groundswell-export',
    });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    toast(problemText(error), 'error');
  }
}

// ---------- key form ----------

function setupKeyForm() {
  const form = document.getElementById('key-form');
  const input = document.getElementById('api-key');
  const state = document.getElementById('key-state');
  const readKeysRequired = meta('groundswell-read-keys') === 'required';
  const show = () =>
    (state.textContent = apiKey()
      ? 'key set for this browser session'
      : readKeysRequired
        ? 'this server needs a key to read: enter a read or admin key'
        : 'no key (reads are public)');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim()) sessionStorage.setItem(KEY_STORAGE, input.value.trim());
    input.value = '';
    show();
    void route();
  });
  document.getElementById('key-forget').addEventListener('click', () => {
    sessionStorage.removeItem(KEY_STORAGE);
    show();
    void route();
  });
  show();
}

// ---------- routing ----------

function parseHash() {
  const [path, query = ''] = window.location.hash.replace(/^#/, '').split('?');
  return {
    parts: path.split('/').filter(Boolean).map(decodeURIComponent),
    params: new URLSearchParams(query),
  };
}

async function route() {
  const { parts, params } = parseHash();
  await loadTopicList(parts[1]);
  try {
    if (parts[0] === 'new') return renderEditor(null);
    if (parts[0] === 'topics' && parts[1] && parts[2] === 'edit')
      return renderEditor(await getJson(`topics/${encodeURIComponent(parts[1])}`));
    if (parts[0] === 'topics' && parts[1]) return renderTopic(parts[1], params);
    return renderHome();
  } catch (error) {
    clear(main).append(errorBox(error));
  }
}

let topicsCache = [];
async function loadTopicList(current) {
  const list = clear(document.getElementById('topic-list'));
  try {
    topicsCache = await getJson('topics');
  } catch (error) {
    list.append(h('li', { class: 'error' }, problemText(error)));
    return;
  }
  for (const t of topicsCache) {
    list.append(
      h(
        'li',
        {},
        h(
          'a',
          {
            href: `#/topics/${encodeURIComponent(t.slug)}`,
            'aria-current': t.slug === current ? 'page' : null,
          },
          t.name,
        ),
        t.paused ? h('span', { class: 'badge' }, 'paused') : null,
      ),
    );
  }
}

function renderHome() {
  clear(main).append(
    h('h1', {}, 'Topics'),
    topicsCache.length
      ? h(
          'ul',
          { class: 'cards' },
          topicsCache.map((t) =>
            h(
              'li',
              { class: 'card' },
              h('a', { href: `#/topics/${encodeURIComponent(t.slug)}` }, h('strong', {}, t.name)),
              h('p', { class: 'muted' }, queryText(t.query)),
              t.description ? h('p', {}, t.description) : null,
            ),
          ),
        )
      : h('p', {}, 'No topics yet. ', h('a', { href: '#/new' }, 'Create one'), ' with the admin key.'),
  );
}

function queryText(query) {
  const tags = (query?.hashtags ?? []).map((t) => `#${t}`);
  const words = (query?.keywords ?? []).map((k) => `"${k}"`);
  return [...tags, ...words].join(' · ') || 'no query';
}

// ---------- topic view ----------

const VIEW_KEYS = ['interval', 'from', 'to', 'tz', 'sources', 'reposts', 'lang', 'version'];

function viewQuery(view) {
  const q = new URLSearchParams();
  for (const k of VIEW_KEYS) if (view[k]) q.set(k, view[k]);
  return q;
}

function setHashView(slug, view) {
  const q = viewQuery(view).toString();
  const next = `#/topics/${encodeURIComponent(slug)}${q ? `?${q}` : ''}`;
  if (window.location.hash !== next) history.replaceState(null, '', next);
}

/** For archives whose newest post is old, start on the week before that post rather than an empty week. */
async function initialRange(slug, view) {
  if (view.from || view.to) return;
  try {
    const page = await getJson(`topics/${encodeURIComponent(slug)}/posts?limit=1&sort=recent`);
    const newest = page.items?.[0]?.createdAt;
    if (!newest) return;
    const newestMs = Date.parse(newest);
    if (Date.now() - newestMs < 6 * 86_400_000) return;
    const to = new Date(newestMs + 86_400_000).toISOString().slice(0, 10);
    const from = new Date(newestMs - 6 * 86_400_000).toISOString().slice(0, 10);
    Object.assign(view, { from, to });
  } catch {
    // no posts route or no posts: keep the server's default range
  }
}

async function renderTopic(slug, params) {
  const topic = await getJson(`topics/${encodeURIComponent(slug)}`);
  const view = Object.fromEntries(VIEW_KEYS.map((k) => [k, params.get(k) || '']));
  view.interval ||= 'hour';
  await initialRange(slug, view);
  setHashView(slug, view);

  const chartBox = h('figure', { class: 'chart', id: 'chart-box' });
  const headline = h('section', { class: 'headline', id: 'headline' });
  const coverage = h('section', { class: 'coverage', id: 'coverage' });
  const exportsBox = h('section', { class: 'exports', id: 'exports' });
  const annotationsBox = h('section', { class: 'annotations', id: 'annotations' });
  const postsBox = h('section', { class: 'posts', id: 'posts' });
  const agreementBox = h('section', { class: 'agreement', id: 'agreement' });
  const runsBox = h('section', { class: 'runs', id: 'runs' });

  const filters = filterForm(topic, view, () => {
    setHashView(slug, view);
    void refresh();
  });

  clear(main).append(
    h(
      'div',
      { class: 'topic-head' },
      h(
        'div',
        {},
        h('h1', {}, topic.name),
        h('p', { class: 'muted' }, queryText(topic.query), ` · ${topic.timezone}`),
      ),
      h('a', { class: 'button', href: `#/topics/${encodeURIComponent(slug)}/edit` }, 'Edit topic'),
    ),
    topic.description ? h('p', {}, topic.description) : null,
    filters,
    headline,
    chartBox,
    coverage,
    exportsBox,
    annotationsBox,
    h('h2', {}, 'Sample posts by stance'),
    postsBox,
    h('div', { class: 'two' }, agreementBox, runsBox),
  );

  async function refresh() {
    const q = viewQuery(view);
    let series;
    try {
      series = await getJson(`topics/${encodeURIComponent(slug)}/series?${q}`);
    } catch (error) {
      clear(headline).append(errorBox(error));
      clear(chartBox);
      return;
    }
    renderHeadline(headline, topic, series);
    void renderChart(chartBox, slug, view, series);
    renderCoverage(coverage, series);
    renderExports(exportsBox, slug, view);
    renderAnnotations(annotationsBox, slug, series, refresh);
    void renderPosts(postsBox, slug, view);
    void renderAgreement(agreementBox, slug);
    void renderRuns(runsBox, slug);
    updateSourceChoices(filters, series, view);
  }
  await refresh();
}

function filterForm(topic, view, onChange) {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const form = h(
    'form',
    { class: 'filters', id: 'filters' },
    h(
      'label',
      {},
      'Interval ',
      h(
        'select',
        { name: 'interval' },
        INTERVALS.map((i) => h('option', { value: i, selected: view.interval === i }, i)),
      ),
    ),
    h('label', {}, 'From ', h('input', { name: 'from', type: 'date', value: view.from.slice(0, 10) })),
    h('label', {}, 'To ', h('input', { name: 'to', type: 'date', value: view.to.slice(0, 10) })),
    h(
      'label',
      {},
      'Zone ',
      h('input', { name: 'tz', list: 'zones', value: view.tz, placeholder: topic.timezone, size: 16 }),
      h(
        'datalist',
        { id: 'zones' },
        zones.map((z) => h('option', { value: z })),
      ),
    ),
    h(
      'label',
      {},
      'Reposts ',
      h(
        'select',
        { name: 'reposts' },
        h('option', { value: '', selected: !view.reposts }, 'include'),
        h('option', { value: 'exclude', selected: view.reposts === 'exclude' }, 'exclude'),
      ),
    ),
    h('fieldset', { class: 'sources', name: 'sources' }, h('legend', {}, 'Sources')),
    h('button', { type: 'submit' }, 'Apply'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    view.interval = data.get('interval') || 'hour';
    view.from = data.get('from') || '';
    view.to = data.get('to') || '';
    view.tz = String(data.get('tz') || '').trim();
    view.reposts = data.get('reposts') || '';
    const chosen = [...form.querySelectorAll('input[name="source"]')];
    const checked = chosen.filter((c) => c.checked).map((c) => c.value);
    view.sources = checked.length && checked.length < chosen.length ? checked.join(',') : '';
    onChange();
  });
  form.addEventListener('change', (event) => {
    if (event.target.matches('select, input[type="checkbox"]')) form.requestSubmit();
  });
  return form;
}

function updateSourceChoices(form, series, view) {
  const box = form.querySelector('fieldset.sources');
  // A filtered series only covers the chosen sources: keep every source offered so far, so that
  // unticking one never makes it disappear (and it can be ticked again).
  const existing = [...box.querySelectorAll('input[name="source"]')].map((i) => i.value);
  const known = new Set([...existing, ...(view.sources ? view.sources.split(',') : [])]);
  for (const b of series.buckets) for (const s of Object.keys(b.coverage ?? {})) known.add(s);
  const selected = new Set(view.sources ? view.sources.split(',') : [...known]);
  if (existing.join() === [...known].sort().join()) return;
  box.replaceChildren(h('legend', {}, 'Sources'));
  for (const s of [...known].sort()) {
    box.append(
      h(
        'label',
        {},
        h('input', { type: 'checkbox', name: 'source', value: s, checked: selected.has(s) }),
        ` ${s}`,
      ),
    );
  }
  if (known.size === 0) box.append(h('span', { class: 'muted' }, 'none yet'));
}

function renderHeadline(box, topic, series) {
  let support = 0;
  let oppose = 0;
  let total = 0;
  for (const b of series.buckets) {
    support += b.support;
    oppose += b.oppose;
    total += b.total;
  }
  const sided = support + oppose;
  const share = sided ? support / sided : null;
  clear(box).append(
    h(
      'div',
      { class: 'stat' },
      h('span', { class: 'big', id: 'headline-share' }, percent(share)),
      h('span', { class: 'muted' }, 'support share over the period'),
    ),
    h(
      'div',
      { class: 'stat' },
      h('span', { class: 'big' }, number(total)),
      h('span', { class: 'muted' }, 'posts'),
    ),
    h(
      'div',
      { class: 'stat' },
      h('span', { class: 'big' }, number(support)),
      h('span', { class: 'muted' }, topic.stance?.support?.label ?? 'support'),
    ),
    h(
      'div',
      { class: 'stat' },
      h('span', { class: 'big' }, number(oppose)),
      h('span', { class: 'muted' }, topic.stance?.oppose?.label ?? 'oppose'),
    ),
    h(
      'p',
      { class: 'muted range' },
      `${series.from} to ${series.to} · ${series.interval} buckets · ${series.tz} · lexicon v${series.version}`,
      series.sample ? ' · sample data' : '',
    ),
  );
}

let chartUrl = null;
async function renderChart(box, slug, view, series) {
  const q = viewQuery(view);
  q.set('width', String(Math.max(600, Math.min(1400, Math.round(box.clientWidth || 900)))));
  q.set('height', '460');
  q.set('kind', 'both');
  try {
    const response = await request('GET', `topics/${encodeURIComponent(slug)}/chart.svg?${q}`);
    const blob = await response.blob();
    if (chartUrl) URL.revokeObjectURL(chartUrl);
    chartUrl = URL.createObjectURL(blob);
    const img = h('img', {
      id: 'chart',
      src: chartUrl,
      alt: `Support share and posts by stance, ${series.from} to ${series.to}`,
      'data-buckets': series.buckets.length,
      'data-query': q.toString(),
    });
    clear(box).append(
      img,
      h(
        'figcaption',
        { class: 'muted' },
        'Line: support share; band: 95% interval; grey: too few posts; dashed: annotations.',
      ),
    );
  } catch (error) {
    clear(box).append(errorBox(error));
  }
}

const COVERAGE_TITLE = {
  ok: 'collected',
  partial: 'partly collected',
  failed: 'collection failed',
  none: 'not collected',
};
function renderCoverage(box, series) {
  const sources = new Set();
  for (const b of series.buckets) for (const s of Object.keys(b.coverage ?? {})) sources.add(s);
  clear(box).append(h('h2', {}, 'Coverage'));
  if (sources.size === 0) {
    box.append(h('p', { class: 'muted' }, 'No source covers this period.'));
    return;
  }
  for (const source of [...sources].sort()) {
    const row = h('div', { class: 'coverage-row' }, h('span', { class: 'coverage-name' }, source));
    const cells = h('div', { class: 'coverage-cells' });
    for (const b of series.buckets) {
      const status = b.coverage?.[source] ?? 'none';
      cells.append(
        h('span', { class: `cell ${status}`, title: `${b.start}: ${COVERAGE_TITLE[status] ?? status}` }),
      );
    }
    row.append(cells);
    box.append(row);
  }
  box.append(
    h(
      'p',
      { class: 'legend muted' },
      ...Object.entries(COVERAGE_TITLE).map(([k, v]) =>
        h('span', {}, h('span', { class: `cell ${k}` }), ` ${v} `),
      ),
    ),
  );
}

function embedSnippet(slug, view) {
  const attrs = [`data-groundswell-topic="${slug}"`];
  for (const k of ['interval', 'from', 'to', 'tz', 'sources', 'reposts', 'lang']) {
    if (view[k]) attrs.push(`data-${k}="${String(view[k]).replace(/[&"<>]/g, '')}"`);
  }
  return `<div ${attrs.join(' ')}></div>\n<script src="${baseUrl}/embed.js"></script>`;
}

function renderExports(box, slug, view) {
  const q = viewQuery(view).toString();
  const base = `topics/${encodeURIComponent(slug)}`;
  const button = (label, path, id) =>
    h('button', { type: 'button', id, onclick: () => void download(`${base}/${path}?${q}`) }, label);
  const snippet = embedSnippet(slug, view);
  const code = h('textarea', { id: 'embed-code', readonly: true, rows: 3, spellcheck: 'false' });
  code.value = snippet;
  const widgetQuery = new URLSearchParams(q);
  clear(box).append(
    h('h2', {}, 'Export'),
    h(
      'div',
      { class: 'buttons' },
      button('Series CSV', 'series.csv', 'export-csv'),
      button('Posts CSV', 'posts.csv', 'export-posts-csv'),
      button('Chart SVG', 'chart.svg', 'export-svg'),
      button('Chart PNG (2×)', 'chart.png', 'export-png'),
      button('Vega-Lite spec', 'chart.vl.json', 'export-vl'),
    ),
    h('label', { for: 'embed-code' }, 'Embed code'),
    code,
    h(
      'div',
      { class: 'buttons' },
      h(
        'button',
        {
          type: 'button',
          onclick: () => void navigator.clipboard?.writeText(snippet).then(() => toast('Embed code copied')),
        },
        'Copy embed code',
      ),
      h(
        'a',
        {
          class: 'button',
          href: `/embed/${encodeURIComponent(slug)}?${widgetQuery}`,
          target: '_blank',
          rel: 'noopener',
        },
        'Open widget',
      ),
    ),
  );
}

function renderAnnotations(box, slug, series, refresh) {
  const form = h(
    'form',
    { class: 'inline' },
    h('input', { name: 'at', type: 'datetime-local', required: true, 'aria-label': 'When' }),
    h('input', {
      name: 'label',
      required: true,
      maxlength: 200,
      placeholder: 'Label, e.g. Strike begins 08:00',
      'aria-label': 'Label',
    }),
    h('input', { name: 'url', type: 'url', placeholder: 'Link (optional)', 'aria-label': 'Link' }),
    h('button', { type: 'submit' }, 'Add annotation'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    // A time without offset is wall-clock time in the view's zone: add the zone's offset at that moment.
    const at = `${data.get('at')}:00${series.from.slice(19)}`;
    const body = { at, label: data.get('label') };
    if (data.get('url')) body.url = data.get('url');
    try {
      await sendJson('POST', `topics/${encodeURIComponent(slug)}/annotations`, body);
      toast('Annotation added');
      await refresh();
    } catch (error) {
      toast(problemText(error), 'error');
    }
  });
  clear(box).append(
    h('h2', {}, 'Annotations'),
    series.annotations.length
      ? h(
          'ul',
          {},
          series.annotations.map((a) =>
            h(
              'li',
              {},
              h('time', { datetime: a.at }, a.at.replace('T', ' ').slice(0, 16)),
              ' ',
              a.url
                ? h('a', { href: safeUrl(a.url), rel: 'noopener noreferrer', target: '_blank' }, a.label)
                : a.label,
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'None in this period.'),
    form,
  );
}

/** Only http(s) links from data become hrefs. */
function safeUrl(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

async function renderPosts(box, slug, view) {
  const q = new URLSearchParams();
  for (const k of ['from', 'to', 'tz', 'sources', 'reposts', 'lang', 'version'])
    if (view[k]) q.set(k, view[k]);
  q.set('limit', '5');
  q.set('sort', 'confidence');
  clear(box).append(h('p', { class: 'muted' }, 'Loading posts…'));
  const columns = await Promise.all(
    STANCES.map(async (stance) => {
      const column = h('div', { class: `column ${stance}`, 'data-stance': stance }, h('h3', {}, stance));
      try {
        const page = await getJson(`topics/${encodeURIComponent(slug)}/posts?${q}&stance=${stance}`);
        if (!page.items.length) column.append(h('p', { class: 'muted' }, 'No posts.'));
        for (const post of page.items) column.append(postCard(slug, post));
      } catch (error) {
        column.append(errorBox(error));
      }
      return column;
    }),
  );
  clear(box).append(h('div', { class: 'three' }, columns));
}

function postCard(slug, post) {
  const link = safeUrl(post.url);
  const labelState = h('span', { class: 'muted label-state' });
  const coding = h(
    'div',
    { class: 'coding', role: 'group', 'aria-label': 'Hand code this post' },
    h('span', { class: 'muted' }, 'Code as: '),
    STANCES.map((stance) =>
      h(
        'button',
        {
          type: 'button',
          class: `code ${stance}`,
          'data-code': stance,
          onclick: async () => {
            try {
              await sendJson(
                'PUT',
                `topics/${encodeURIComponent(slug)}/posts/${encodeURIComponent(post.id)}/label`,
                { stance },
              );
              labelState.textContent = `coded ${stance}`;
              void renderAgreement(document.getElementById('agreement'), slug);
            } catch (error) {
              toast(problemText(error), 'error');
            }
          },
        },
        stance,
      ),
    ),
    labelState,
  );
  return h(
    'article',
    { class: 'post', 'data-post-id': post.id },
    h('p', { class: 'text' }, post.text),
    h(
      'p',
      { class: 'meta muted' },
      post.author ? `@${post.author} · ` : '',
      `${post.source} · `,
      link
        ? h(
            'a',
            { href: link, target: '_blank', rel: 'noopener noreferrer' },
            post.createdAt.replace('T', ' ').slice(0, 16),
          )
        : post.createdAt.replace('T', ' ').slice(0, 16),
      ` · confidence ${percent(post.confidence)} · score ${Math.round(post.stanceScore * 100) / 100}`,
    ),
    post.explanation?.length
      ? h(
          'ul',
          { class: 'why', 'aria-label': 'Why' },
          post.explanation.map((e) =>
            h(
              'li',
              { class: e.side ?? '' },
              h('strong', {}, e.text),
              ` ${e.weight >= 0 ? '+' : ''}${Math.round(e.weight * 100) / 100} ${e.rule}${e.target ? ` → ${e.target}` : ''}`,
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No cue found.'),
    coding,
  );
}

async function renderAgreement(box, slug) {
  if (!box) return;
  clear(box).append(h('h2', {}, 'Agreement with hand coding'));
  try {
    const agreement = await getJson(`topics/${encodeURIComponent(slug)}/agreement`);
    box.append(keyValueTable(agreement));
  } catch (error) {
    box.append(
      error.status === 404
        ? h('p', { class: 'muted' }, 'No agreement figures yet: code some posts.')
        : errorBox(error),
    );
  }
}

/** Any JSON object as a small table (the agreement panel shows whatever figures the classifier reports). */
function keyValueTable(value) {
  const table = h('table', { class: 'kv' });
  const rows = (obj, prefix) => {
    for (const [k, v] of Object.entries(obj ?? {})) {
      const name = prefix ? `${prefix}.${k}` : k;
      if (v && typeof v === 'object' && !Array.isArray(v)) rows(v, name);
      else
        table.append(
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, name),
            h(
              'td',
              {},
              typeof v === 'number'
                ? String(Math.round(v * 1000) / 1000)
                : Array.isArray(v)
                  ? JSON.stringify(v)
                  : String(v),
            ),
          ),
        );
    }
  };
  rows(value, '');
  return table;
}

async function renderRuns(box, slug) {
  clear(box).append(h('h2', {}, 'Collection runs'));
  try {
    const page = await getJson(`topics/${encodeURIComponent(slug)}/runs?limit=10`);
    const items = page.items ?? page;
    if (!items.length) {
      box.append(h('p', { class: 'muted' }, 'No runs yet.'));
      return;
    }
    box.append(
      h(
        'table',
        { class: 'runs-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Started', 'Source', 'Kind', 'Status', 'Fetched', 'New', 'Rejected'].map((c) => h('th', {}, c)),
          ),
        ),
        h(
          'tbody',
          {},
          items.map((r) =>
            h(
              'tr',
              { class: r.status },
              h('td', {}, (r.startedAt ?? r.createdAt ?? '').replace('T', ' ').slice(0, 16)),
              h('td', {}, r.adapter),
              h('td', {}, r.kind),
              h('td', { title: r.error ?? '' }, r.status),
              h('td', {}, number(r.fetched)),
              h('td', {}, number(r.inserted)),
              h('td', {}, number(r.rejected)),
            ),
          ),
        ),
      ),
    );
  } catch (error) {
    box.append(errorBox(error));
  }
}

// ---------- topic editor ----------

const list = (value) =>
  String(value ?? '')
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** "Jeremy Hunt: hunt, jeremy hunt" a line ⇄ targets. */
const targetsText = (targets) => (targets ?? []).map((t) => `${t.name}: ${t.aliases.join(', ')}`).join('\n');
const parseTargets = (text) =>
  String(text)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [name, aliases = ''] = line.split(/:(.*)/s);
      return { name: name.trim(), aliases: list(aliases) };
    });
/** "#notfairnotsafe 2.5" a line ⇄ cues. */
const cuesText = (cues) => (cues ?? []).map((c) => `${c.term} ${c.weight}`).join('\n');
const parseCues = (text) =>
  String(text)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const m = /^(.*?)\s+(-?\d+(?:\.\d+)?)$/.exec(line);
      return m ? { term: m[1].trim(), weight: Number(m[2]) } : { term: line, weight: 1 };
    });

let adaptersCache = null;
async function adapters() {
  if (adaptersCache) return adaptersCache;
  try {
    adaptersCache = await getJson('adapters');
  } catch {
    adaptersCache = [];
  }
  return adaptersCache;
}

async function renderEditor(topic) {
  const available = await adapters();
  const isNew = topic === null;
  const stance = topic?.stance ?? {
    support: { label: 'Support', targets: [], cues: [] },
    oppose: { label: 'Oppose', targets: [], cues: [] },
  };
  const sourcesBox = h('div', { class: 'source-list', id: 'source-list' });
  const errors = h('div', { id: 'editor-errors' });

  const field = (label, input, help) =>
    h(
      'label',
      { class: 'field' },
      h('span', {}, label),
      input,
      help ? h('small', { class: 'muted' }, help) : null,
    );
  const side = (name) =>
    h(
      'fieldset',
      { class: `side ${name}` },
      h('legend', {}, name === 'support' ? 'Support side' : 'Oppose side'),
      field(
        'Label',
        h('input', {
          name: `${name}.label`,
          value: stance[name]?.label ?? '',
          required: true,
          maxlength: 200,
        }),
      ),
      field(
        'Targets',
        h('textarea', { name: `${name}.targets`, rows: 3, value: targetsText(stance[name]?.targets) }),
        'One a line: Name: alias, alias',
      ),
      field(
        'Cues',
        h('textarea', { name: `${name}.cues`, rows: 4, value: cuesText(stance[name]?.cues) }),
        'One a line: term weight (0.1–5)',
      ),
    );

  const form = h(
    'form',
    { class: 'editor', id: 'topic-form', novalidate: true },
    h('h1', {}, isNew ? 'New topic' : `Edit ${topic.name}`),
    isNew
      ? field(
          'Slug',
          h('input', {
            name: 'slug',
            required: true,
            pattern: '[a-z0-9][a-z0-9-]{0,62}',
            placeholder: 'nurses-pay',
          }),
          'Lower-case letters, digits and -; cannot change later',
        )
      : null,
    field('Name', h('input', { name: 'name', required: true, maxlength: 200, value: topic?.name ?? '' })),
    field('Description', h('textarea', { name: 'description', rows: 2, value: topic?.description ?? '' })),
    field(
      'Hashtags',
      h('input', { name: 'hashtags', value: (topic?.query.hashtags ?? []).join(', ') }),
      'Without #, comma-separated',
    ),
    field(
      'Keywords',
      h('input', { name: 'keywords', value: (topic?.query.keywords ?? []).join(', ') }),
      'Words or phrases, comma-separated',
    ),
    field(
      'Exclude',
      h('input', { name: 'exclude', value: (topic?.query.exclude ?? []).join(', ') }),
      'Posts containing any of these are left out',
    ),
    field(
      'Languages',
      h('input', { name: 'languages', value: (topic?.query.languages ?? []).join(', ') }),
      'ISO 639-1 codes such as en; empty for all',
    ),
    field(
      'Time zone',
      h('input', { name: 'timezone', value: topic?.timezone ?? 'Europe/London', list: 'editor-zones' }),
    ),
    h(
      'datalist',
      { id: 'editor-zones' },
      (Intl.supportedValuesOf?.('timeZone') ?? []).map((z) => h('option', { value: z })),
    ),
    field(
      'Schedule',
      h('input', { name: 'schedule', value: topic?.schedule ?? '*/10 * * * *' }),
      'Cron expression, e.g. */10 * * * * (every ten minutes)',
    ),
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name: 'paused', checked: topic?.paused }),
      ' Paused',
    ),
    h('h2', {}, 'Sources'),
    sourcesBox,
    h(
      'div',
      { class: 'inline' },
      h(
        'select',
        { id: 'add-adapter', 'aria-label': 'Adapter' },
        available.map((a) => h('option', { value: a.name }, `${a.name}: ${a.description ?? ''}`)),
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'add-source',
          disabled: available.length === 0,
          onclick: () => addSource(sourcesBox, available, form.querySelector('#add-adapter').value, null),
        },
        'Add source',
      ),
      available.length === 0 ? h('span', { class: 'muted' }, 'No adapters are installed.') : null,
    ),
    h('h2', {}, 'Stance'),
    h('div', { class: 'two' }, side('support'), side('oppose')),
    field(
      'Threshold',
      h('input', {
        name: 'threshold',
        type: 'number',
        step: '0.1',
        min: 0,
        max: 10,
        value: stance.threshold ?? '',
      }),
      'Minimum |score| for a side; below it a post is neutral',
    ),
    errors,
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, isNew ? 'Create topic' : 'Save changes'),
      h(
        'a',
        { class: 'button', href: isNew ? '#/' : `#/topics/${encodeURIComponent(topic.slug)}` },
        'Cancel',
      ),
    ),
  );
  for (const s of topic?.sources ?? []) addSource(sourcesBox, available, s.adapter, s);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = {
      name: String(data.get('name') ?? '').trim(),
      description: String(data.get('description') ?? '').trim() || undefined,
      query: {
        hashtags: list(data.get('hashtags')).map((t) => t.replace(/^#/, '')),
        keywords: list(data.get('keywords')),
        exclude: list(data.get('exclude')),
        languages: list(data.get('languages')),
      },
      timezone: String(data.get('timezone') ?? '').trim() || undefined,
      schedule: String(data.get('schedule') ?? '').trim() || undefined,
      paused: data.get('paused') === 'on',
      sources: readSources(sourcesBox, available),
      stance: {
        support: {
          label: data.get('support.label'),
          targets: parseTargets(data.get('support.targets')),
          cues: parseCues(data.get('support.cues')),
        },
        oppose: {
          label: data.get('oppose.label'),
          targets: parseTargets(data.get('oppose.targets')),
          cues: parseCues(data.get('oppose.cues')),
        },
      },
    };
    if (data.get('threshold') !== '' && data.get('threshold') !== null)
      body.stance.threshold = Number(data.get('threshold'));
    if (isNew) body.slug = String(data.get('slug') ?? '').trim();
    try {
      const saved = isNew
        ? await sendJson('POST', 'topics', body)
        : await sendJson('PATCH', `topics/${encodeURIComponent(topic.slug)}`, body);
      toast(isNew ? 'Topic created' : 'Topic saved');
      window.location.hash = `#/topics/${encodeURIComponent(saved.slug)}`;
    } catch (error) {
      clear(errors).append(errorBox(error));
    }
  });
  clear(main).append(form);
}

function optionInput(spec, value, secretSet) {
  const name = `opt.${spec.name}`;
  const shown = value ?? spec.default;
  switch (spec.type) {
    case 'boolean':
      return h('input', { type: 'checkbox', name, checked: Boolean(shown) });
    case 'number':
      return h('input', {
        type: 'number',
        name,
        step: 'any',
        value: shown ?? '',
        placeholder: spec.example ?? '',
      });
    case 'string[]':
      return h('input', {
        name,
        value: Array.isArray(shown) ? shown.join(', ') : '',
        placeholder: Array.isArray(spec.example) ? spec.example.join(', ') : '',
      });
    default:
      return h('input', {
        type: spec.secret ? 'password' : spec.type === 'url' ? 'url' : 'text',
        name,
        value: spec.secret ? '' : (shown ?? ''),
        placeholder: spec.secret
          ? secretSet
            ? 'set (leave empty to keep)'
            : ''
          : String(spec.example ?? ''),
        autocomplete: 'off',
      });
  }
}

function addSource(box, available, adapterName, existing) {
  const adapter = available.find((a) => a.name === adapterName);
  const specs = adapter?.options ?? adapter?.optionSpecs ?? [];
  const card = h(
    'fieldset',
    { class: 'source', 'data-adapter': adapterName, 'data-id': existing?.id ?? '' },
    h('legend', {}, adapterName),
    specs.map((spec) =>
      h(
        'label',
        { class: 'field' },
        h('span', {}, spec.name, spec.required ? ' *' : '', spec.secret ? ' (secret)' : ''),
        optionInput(spec, existing?.options?.[spec.name], existing?.secretsSet?.includes(spec.name)),
        h('small', { class: 'muted' }, spec.description ?? ''),
      ),
    ),
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name: 'enabled', checked: existing ? existing.enabled : true }),
      ' Enabled',
    ),
    h('button', { type: 'button', class: 'remove', onclick: () => card.remove() }, 'Remove source'),
  );
  box.append(card);
}

function readSources(box, available) {
  return [...box.querySelectorAll('fieldset.source')].map((card) => {
    const adapter = card.dataset.adapter;
    const specs = available.find((a) => a.name === adapter)?.options ?? [];
    const options = {};
    for (const spec of specs) {
      const input = card.querySelector(`[name="opt.${CSS.escape(spec.name)}"]`);
      if (!input) continue;
      if (spec.type === 'boolean') options[spec.name] = input.checked;
      else if (input.value.trim() === '') continue;
      else if (spec.type === 'number') options[spec.name] = Number(input.value);
      else if (spec.type === 'string[]') options[spec.name] = list(input.value);
      else options[spec.name] = input.value.trim();
    }
    const source = { adapter, options, enabled: card.querySelector('[name="enabled"]').checked };
    if (card.dataset.id) source.id = Number(card.dataset.id);
    return source;
  });
}

// ---------- start ----------

setupKeyForm();
window.addEventListener('hashchange', () => void route());
void route();
