/**
 * A browser as far as the server can tell one: it keeps the cookies the server sets, sends them back,
 * and fills a form's CSRF token from the last page it read, as a person submitting the form would.
 * Redirects are answers (not followed), so tests see where the server sends the browser.
 */
export interface BrowserResponse {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

export class TestBrowser {
  readonly cookies = new Map<string, string>();
  /** The CSRF token of the last page read (its forms' hidden `csrf` field). */
  csrf: string | undefined;

  constructor(readonly base: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private async answer(response: Response): Promise<BrowserResponse> {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const [name, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(text)?.[1];
    if (csrf !== undefined) this.csrf = csrf;
    return {
      status: response.status,
      headers: response.headers,
      text,
      location: response.headers.get('location'),
    };
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<BrowserResponse> {
    return this.answer(
      await fetch(new URL(path, this.base), {
        redirect: 'manual',
        headers: { cookie: this.cookieHeader(), ...headers },
      }),
    );
  }

  /** Submits a form; its `csrf` field is the last page's unless given. */
  async post(
    path: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<BrowserResponse> {
    const body = new URLSearchParams({ ...(this.csrf === undefined ? {} : { csrf: this.csrf }), ...fields });
    return this.answer(
      await fetch(new URL(path, this.base), {
        method: 'POST',
        redirect: 'manual',
        headers: {
          cookie: this.cookieHeader(),
          'content-type': 'application/x-www-form-urlencoded',
          ...headers,
        },
        body,
      }),
    );
  }

  /** Opens the sign-in page and signs in with `token` (and the admin's portal ids). */
  async signIn(token: string, portalIds = ''): Promise<BrowserResponse> {
    await this.get('/ui');
    return this.post('/ui/login', { token, portalId: portalIds });
  }
}
