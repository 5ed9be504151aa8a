import type { useFormat } from '../i18n/format.ts';

type Format = ReturnType<typeof useFormat>;

/** A latency in the unit that reads best: milliseconds under a second, seconds under a minute. */
export function latency(f: Format, seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 1) return f.unit(seconds * 1000, 'millisecond', seconds < 0.01 ? 1 : 0);
  if (seconds < 60) return f.unit(seconds, 'second', 1);
  return f.unit(seconds / 60, 'minute', 1);
}

/** How long a process has run or a job has waited, in its largest whole unit. */
export function span(f: Format, seconds: number): string {
  if (seconds < 60) return f.unit(Math.floor(seconds), 'second');
  if (seconds < 3600) return f.unit(Math.floor(seconds / 60), 'minute');
  if (seconds < 86_400) return f.unit(seconds / 3600, 'hour', 1);
  return f.unit(seconds / 86_400, 'day', 1);
}

export function megabytes(f: Format, bytes: number): string {
  return f.unit(bytes / 1024 / 1024, 'megabyte');
}
