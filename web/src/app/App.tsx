import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Redirect, Route, Switch } from 'wouter';
import { SignInPage } from '../auth/SignInPage.tsx';
import { useMe } from '../auth/use-me.ts';
import { Layout } from './Layout.tsx';
import { navigationFor } from './navigation.ts';
import { ProblemMessage } from './ProblemMessage.tsx';

export function App() {
  const { t } = useTranslation();
  const me = useMe();
  if (me.isPending) return <p className="loading">{t('loading')}</p>;
  if (me.isError) return <ProblemMessage error={me.error} />;
  if (!me.data) return <SignInPage />;
  const home = navigationFor(me.data.role)[0]?.path ?? '/';
  return (
    <Layout me={me.data}>
      <Suspense fallback={<p className="loading">{t('loading')}</p>}>
        <Switch>
          <Route path="/">
            <Redirect to={home} replace />
          </Route>
          <Route>
            <p>{t('pageNotFound')}</p>
          </Route>
        </Switch>
      </Suspense>
    </Layout>
  );
}
