import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export interface Response<T = any> {
  status: number;
  headers: LightMyRequestResponse['headers'];
  body: T;
  raw: LightMyRequestResponse;
}

/**
 * A browser-like client over app.inject: keeps cookies, and fetches and sends a CSRF token on
 * writes the way the web app does.
 */
export class HttpClient {
  private cookies = new Map<string, string>();
  private csrfToken: string | undefined;

  constructor(
    private readonly app: FastifyInstance,
    private readonly ip = '10.0.0.1',
  ) {}

  get = (url: string, headers: Record<string, string> = {}) => this.request('GET', url, undefined, headers);
  post = (url: string, body?: unknown, headers: Record<string, string> = {}) => this.request('POST', url, body, headers);
  patch = (url: string, body?: unknown, headers: Record<string, string> = {}) => this.request('PATCH', url, body, headers);
  put = (url: string, body?: unknown, headers: Record<string, string> = {}) => this.request('PUT', url, body, headers);
  delete = (url: string, headers: Record<string, string> = {}) => this.request('DELETE', url, undefined, headers);

  /** Sends a write without the CSRF header, as a cross-site form post would. */
  postWithoutCsrf = (url: string, body?: unknown) => this.request('POST', url, body, {}, false);

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  async request(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
    withCsrf = true,
  ): Promise<Response> {
    if (withCsrf && method !== 'GET' && !this.csrfToken) {
      this.csrfToken = (await this.request('GET', '/api/auth/csrf')).body.token;
    }
    const res = await this.app.inject({
      method: method as 'GET',
      url,
      remoteAddress: this.ip,
      headers: {
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...(withCsrf && method !== 'GET' ? { 'x-csrf-token': this.csrfToken! } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    for (const c of res.cookies as { name: string; value: string; expires?: Date; maxAge?: number }[]) {
      const expired = (c.expires && c.expires.getTime() <= Date.now()) || c.maxAge === 0 || c.value === '';
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const isJson = /json/.test(String(res.headers['content-type'] ?? ''));
    return { status: res.statusCode, headers: res.headers, body: isJson ? res.json() : res.body, raw: res };
  }
}
