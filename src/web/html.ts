/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string | number | boolean | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A tagged template that escapes every interpolated value unless it is already `SafeHtml` (the result of
 * another `html` template). Pages are built from it, so data can never become markup.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type HtmlValue = string | number | boolean | null | undefined | SafeHtml;

export function html(strings: TemplateStringsArray, ...values: (HtmlValue | HtmlValue[])[]): SafeHtml {
  let out = strings[0];
  values.forEach((v, i) => {
    const rendered = Array.isArray(v)
      ? v.map((x) => (x instanceof SafeHtml ? x.value : escapeHtml(x))).join('')
      : v instanceof SafeHtml
        ? v.value
        : escapeHtml(v);
    out += rendered + strings[i + 1];
  });
  return new SafeHtml(out);
}

/** Content-Security-Policy of the widget: everything from Groundswell itself, and any page may frame it. */
export const WIDGET_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'";

/** Content-Security-Policy of the dashboard: nothing from any other host, no inline script, not framed elsewhere. */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";
