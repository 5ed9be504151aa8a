import { useTranslation } from 'react-i18next';
import { ProblemMessage } from './ProblemMessage.tsx';

interface Pages {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  isPlaceholderData: boolean;
  error: unknown;
  fetchNextPage: () => unknown;
}

/**
 * The button under a keyset list; gone once the last page is shown. While a new search's first page
 * is on its way the old rows stay on screen, and their next page is not asked for.
 */
export function LoadMore({ pages, label }: { pages: Pages; label?: string }) {
  const { t } = useTranslation();
  if (!pages.hasNextPage) return null;
  return (
    <div className="load-more">
      {pages.isFetchNextPageError && <ProblemMessage error={pages.error} />}
      <button
        type="button"
        className="secondary"
        disabled={pages.isFetchingNextPage || pages.isPlaceholderData}
        onClick={() => void pages.fetchNextPage()}
      >
        {pages.isFetchingNextPage ? t('loading') : (label ?? t('loadMore'))}
      </button>
    </div>
  );
}
