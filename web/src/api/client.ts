/** A problem+json answer from the API, with its stable `type` (e.g. `/problems/slot-taken`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail: string | undefined,
    readonly body: Record<string, unknown>,
  ) {
    super(detail ?? title);
  }

  /** The problem's code: the last part of its type. */
  get code(): string {
    return this.type.split('/').pop() ?? this.type;
  }
}

const SAFE = new Set(['GET', 'HEAD']);
let csrfToken: Promise<string> | null = null;

/** The CSRF token every write carries; fetched once and again only when the server refuses it. */
function csrfHeader(): Promise<Record<string, string>> {
  csrfToken ??= request<{ token: string }>('/api/auth/csrf').then((b) => b.token);
  return csrfToken.then((token) => ({ 'x-csrf-token': token }));
}

/**
 * Sends a write with the CSRF header. A token from before a sign-in or a restart is refused once:
 * fetch a fresh one and send again.
 */
export async function withCsrf<T>(send: (headers: Record<string, string>) => Promise<T>): Promise<T> {
  try {
    return await send(await csrfHeader());
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'csrf-token-invalid') throw error;
    csrfToken = null;
    return send(await csrfHeader());
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
}

export function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  if (SAFE.has(options.method ?? 'GET')) return request<T>(path, options);
  return withCsrf((headers) => request<T>(path, { ...options, headers }));
}

async function request<T>(path: string, options: RequestOptions & { headers?: Record<string, string> } = {}): Promise<T> {
  // No Accept header: a request with the same headers as a <link rel=preload> can take the preloaded answer.
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    credentials: 'same-origin',
    signal: options.signal,
  });
  if (!response.ok) throw await problemOf(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export async function problemOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
  return new ApiError(
    response.status,
    text('type') ?? `/problems/http-${response.status}`,
    text('title') ?? response.statusText,
    text('detail'),
    body,
  );
}

/** Builds `path?query` from the defined values only. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
