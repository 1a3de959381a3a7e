import { html, type SafeHtml } from './html.js';

/**
 * The dashboard's shell: the page is drawn by /assets/dashboard.js from the API. `baseUrl` is the address
 * embed snippets point at (PUBLIC_BASE_URL, else the browser's origin).
 */
export function dashboardPage(input: { baseUrl: string | null; readKeysRequired: boolean }): SafeHtml {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="groundswell-base-url" content="${input.baseUrl ?? ''}" />
        <meta name="groundswell-read-keys" content="${input.readKeysRequired ? 'required' : 'optional'}" />
        <link rel="icon" href="data:," />
        <title>Groundswell</title>
        <link rel="stylesheet" href="/assets/dashboard.css" />
        <script type="module" src="/assets/dashboard.js"></script>
      </head>
      <body>
        <header class="top">
          <a class="brand" href="#/">Groundswell</a>
          <form id="key-form" class="key" autocomplete="off">
            <label for="api-key">API key</label>
            <input
              id="api-key"
              name="key"
              type="password"
              placeholder="admin key for changes"
              spellcheck="false"
            />
            <button type="submit">Use</button>
            <button type="button" id="key-forget">Forget</button>
            <span id="key-state" class="muted"></span>
          </form>
        </header>
        <div class="layout">
          <nav class="side" aria-label="Topics">
            <h2>Topics</h2>
            <ul id="topic-list"></ul>
            <a class="button" href="#/new" id="new-topic">New topic</a>
          </nav>
          <main id="main" tabindex="-1">
            <p class="muted">Loading…</p>
          </main>
        </div>
        <div id="toast" role="status" aria-live="polite" hidden></div>
      </body>
    </html> `;
}
