/** Pushes text messages through the LINE Messaging API with a clinic's channel access token. */
export interface LineClient {
  /**
   * `retryKey` (a UUID) makes a retried push idempotent: LINE delivers a message once per key and
   * answers a repeat with 409, which means it was already accepted.
   */
  push(message: { token: string; to: string; text: string; retryKey: string }): Promise<void>;
}

const PUSH_TIMEOUT_MS = 10_000;
// LINE caps a text message at 5000 characters.
const MAX_TEXT = 5000;

export function createLineClient(baseUrl: string): LineClient {
  const endpoint = new URL('/v2/bot/message/push', baseUrl).toString();
  return {
    async push({ token, to, text, retryKey }) {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-line-retry-key': retryKey },
        body: JSON.stringify({ to, messages: [{ type: 'text', text: text.slice(0, MAX_TEXT) }] }),
        signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
      });
      if (response.ok || response.status === 409) return;
      const detail = (await response.text()).slice(0, 200);
      throw new Error(`LINE push answered ${response.status}: ${detail}`);
    },
  };
}
