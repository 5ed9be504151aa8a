import { problemOf, withCsrf, withQuery } from '../api/client.ts';
import type { Analysis } from './analysis-types.ts';

export const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

/**
 * Sends the photo as multipart/form-data with XMLHttpRequest, because fetch cannot report upload
 * progress; `onProgress` gets the share sent (0–1). Resolves with the accepted (202) analysis and
 * rejects with the API's problem as an ApiError, like `api()` does.
 */
export function uploadPhoto(
  photo: File,
  customerId: string | undefined,
  onProgress: (sent: number) => void,
  signal?: AbortSignal,
): Promise<Analysis> {
  const form = new FormData();
  form.append('photo', photo, photo.name);
  return withCsrf((headers) => send(form, headers, customerId, onProgress, signal));
}

function send(
  form: FormData,
  headers: Record<string, string>,
  customerId: string | undefined,
  onProgress: (sent: number) => void,
  signal?: AbortSignal,
): Promise<Analysis> {
  return new Promise<Analysis>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', withQuery('/api/analyses', { customerId }));
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      const response = new Response(xhr.responseText, {
        status: xhr.status,
        headers: { 'content-type': xhr.getResponseHeader('content-type') ?? '' },
      });
      if (xhr.status === 202) {
        onProgress(1);
        resolve(response.json() as Promise<Analysis>);
      } else {
        void problemOf(response).then(reject);
      }
    });
    // Network failure or a refusal that cut the connection before any answer: ProblemMessage shows "network".
    xhr.addEventListener('error', () => reject(new TypeError('upload failed')));
    xhr.addEventListener('abort', () => reject(new DOMException('upload aborted', 'AbortError')));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}
