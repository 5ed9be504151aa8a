import { useSearchParams } from 'wouter';

/**
 * A page's filters kept in its address, so a view can be bookmarked, shared and left with Back. A
 * change to null or '' removes the parameter.
 */
export function useSearchState() {
  const [search, setSearch] = useSearchParams();
  const update = (changes: Record<string, string | null | undefined>) =>
    setSearch((previous) => {
      const next = new URLSearchParams(previous);
      for (const [key, value] of Object.entries(changes)) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      return next;
    });
  return [search, update] as const;
}
