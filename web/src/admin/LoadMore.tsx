import { useTranslation } from 'react-i18next';
import { ProblemMessage } from '../app/ProblemMessage.tsx';

interface Pages {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  error: unknown;
  fetchNextPage: () => unknown;
}

/** The button under a keyset list; gone once the last page is shown. */
export function LoadMore({ pages }: { pages: Pages }) {
  const { t } = useTranslation('admin');
  if (!pages.hasNextPage) return null;
  return (
    <div className="load-more">
      {pages.isFetchNextPageError && <ProblemMessage error={pages.error} />}
      <button type="button" className="secondary" disabled={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
        {pages.isFetchingNextPage ? t('app:loading') : t('loadMore')}
      </button>
    </div>
  );
}
