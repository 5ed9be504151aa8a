import type { QueryClient } from '@tanstack/react-query';
import { createElement, lazy, Suspense, useEffect, useState, type ComponentType, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { parse } from 'regexparam';
import { Redirect, Route, Switch } from 'wouter';
import { SignInPage } from '../auth/SignInPage.tsx';
import { meQuery, SignedInUser, useMe, type Me } from '../auth/use-me.ts';
import { dayQuery, dayShown } from '../dashboard/day-query.ts';
import { Layout } from './Layout.tsx';
import { navigationFor } from './navigation.ts';
import { ProblemMessage } from './ProblemMessage.tsx';

interface Page {
  (): ReactNode;
  preload(): Promise<unknown>;
}

/**
 * A page as its own chunk, fetched on first visit: the first render loads only the shell and its
 * page. `preload` fetches the chunk early; a page whose chunk is already here renders at once,
 * without suspending.
 */
function lazyPage<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K): Page {
  let loaded: ComponentType | undefined;
  const preload = () => load().then((module) => (loaded = module[name]));
  const Lazy = lazy(() => preload().then((component) => ({ default: component })));
  return Object.assign(() => (loaded ? createElement(loaded) : createElement(Lazy)), { preload });
}

/** Starts the data a page opens with, for the page the app opens on, while its code downloads. */
type OpeningData = (queryClient: QueryClient, me: Me) => void;

// Reached from the sign-in form or an emailed link, signed in or not.
const resetPasswordPage = lazyPage(() => import('../account/ResetPasswordPage.tsx'), 'ResetPasswordPage');
const acceptInvitationPage = lazyPage(() => import('../account/AcceptInvitationPage.tsx'), 'AcceptInvitationPage');
const SIGNED_OUT_PAGES: [string, Page][] = [
  ['/forgot-password', lazyPage(() => import('../account/ForgotPasswordPage.tsx'), 'ForgotPasswordPage')],
  ['/reset-password', resetPasswordPage],
  ['/accept-invitation', acceptInvitationPage],
];

const twoFactorPage = lazyPage(() => import('../account/TwoFactorPage.tsx'), 'TwoFactorPage');

// In the order the router tries them.
const PAGES: [string, Page, OpeningData?][] = [
  ['/reset-password', resetPasswordPage],
  ['/account', lazyPage(() => import('../account/AccountPage.tsx'), 'AccountPage')],
  ['/account/two-factor', twoFactorPage],
  ['/accept-invitation', acceptInvitationPage],
  ['/my-appointments', lazyPage(() => import('../appointments/MyAppointmentsPage.tsx'), 'MyAppointmentsPage')],
  ['/my-appointments/book', lazyPage(() => import('../appointments/BookingPage.tsx'), 'BookingPage')],
  [
    '/dashboard',
    lazyPage(() => import('../dashboard/DayPage.tsx'), 'DayPage'),
    (queryClient, me) =>
      me.clinic &&
      void queryClient.prefetchQuery(
        dayQuery(dayShown(new URLSearchParams(window.location.search), me.clinic.timeZone), me.clinic.timeZone),
      ),
  ],
  ['/dashboard/book', lazyPage(() => import('../dashboard/StaffBookingPage.tsx'), 'StaffBookingPage')],
  ['/setup/treatments', lazyPage(() => import('../setup/TreatmentsPage.tsx'), 'TreatmentsPage')],
  ['/setup/rooms', lazyPage(() => import('../setup/RoomsPage.tsx'), 'RoomsPage')],
  ['/setup/hours', lazyPage(() => import('../setup/WorkingHoursPage.tsx'), 'WorkingHoursPage')],
  ['/setup/clinic', lazyPage(() => import('../setup/ClinicSettingsPage.tsx'), 'ClinicSettingsPage')],
  ['/customers', lazyPage(() => import('../customers/CustomersPage.tsx'), 'CustomersPage')],
  ['/customers/:id', lazyPage(() => import('../customers/CustomerPage.tsx'), 'CustomerPage')],
  ['/team', lazyPage(() => import('../team/TeamPage.tsx'), 'TeamPage')],
  ['/team/:id', lazyPage(() => import('../team/MemberPage.tsx'), 'MemberPage')],
  ['/reports', lazyPage(() => import('../reports/ClinicReportPage.tsx'), 'ClinicReportPage')],
  ['/my-data', lazyPage(() => import('../data-rights/MyDataPage.tsx'), 'MyDataPage')],
  ['/admin/analytics', lazyPage(() => import('../admin/ClinicPerformancePage.tsx'), 'ClinicPerformancePage')],
  ['/admin/clinics', lazyPage(() => import('../admin/ClinicsPage.tsx'), 'ClinicsPage')],
  ['/admin/clinics/:id', lazyPage(() => import('../admin/ClinicPage.tsx'), 'ClinicPage')],
  ['/admin/audit-logs', lazyPage(() => import('../admin/AuditLogPage.tsx'), 'AuditLogPage')],
  ['/admin/system', lazyPage(() => import('../system/SystemPage.tsx'), 'SystemPage')],
  ['/analyses', lazyPage(() => import('../analysis/AnalysesPage.tsx'), 'AnalysesPage')],
  ['/analyses/new', lazyPage(() => import('../analysis/NewAnalysisPage.tsx'), 'NewAnalysisPage')],
  ['/analyses/compare', lazyPage(() => import('../analysis/ComparePage.tsx'), 'ComparePage')],
  ['/analyses/:id', lazyPage(() => import('../analysis/AnalysisPage.tsx'), 'AnalysisPage')],
  ['/notifications', lazyPage(() => import('../notifications/InboxPage.tsx'), 'InboxPage')],
];

let openingPage: Promise<unknown> = Promise.resolve();

/**
 * Called once before the first render: fetches the code of the page the address names and, once
 * the user is known, the data it opens with, side by side with rendering the shell rather than one
 * after another. Later pages load as they are visited.
 */
export function startOpeningPage(queryClient: QueryClient): void {
  const opening = [...SIGNED_OUT_PAGES, ...PAGES].find(([path]) => parse(path).pattern.test(window.location.pathname));
  if (!opening) return;
  const [, page, openingData] = opening;
  openingPage = page.preload();
  if (openingData)
    void queryClient.fetchQuery(meQuery).then(
      (me) => me && openingData(queryClient, me),
      () => undefined,
    );
}

/** Whether the opening page's chunk has arrived (or failed: the page then shows its own error). */
function useOpeningPage(): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const done = () => setReady(true);
    openingPage.then(done, done);
  }, []);
  return ready;
}

export function App() {
  const { t } = useTranslation();
  const me = useMe();
  // The shell waits for the opening page, so that page renders at once instead of suspending:
  // React holds content back for a while after a "Loading…" fallback has shown.
  const pageReady = useOpeningPage();
  if (me.isPending || !pageReady) return <p className="loading">{t('loading')}</p>;
  if (me.isError) return <ProblemMessage error={me.error} />;
  if (!me.data)
    return (
      <Suspense fallback={<p className="loading">{t('loading')}</p>}>
        <Switch>
          {SIGNED_OUT_PAGES.map(([path, Page]) => (
            <Route key={path} path={path} component={Page} />
          ))}
          <Route component={SignInPage} />
        </Switch>
      </Suspense>
    );
  const home = navigationFor(me.data.role)[0]?.path ?? '/';
  return (
    <SignedInUser.Provider value={me.data}>
      <Layout me={me.data}>
        <Suspense fallback={<p className="loading">{t('loading')}</p>}>
          {me.data.twoFactorEnrolmentRequired ? (
            // The API answers nothing else until a required second factor is on.
            <Switch>
              <Route path="/account/two-factor" component={twoFactorPage} />
              <Route>
                <Redirect to="/account/two-factor" replace />
              </Route>
            </Switch>
          ) : (
            <Switch>
              <Route path="/">
                <Redirect to={home} replace />
              </Route>
              {PAGES.map(([path, Page]) => (
                <Route key={path} path={path} component={Page} />
              ))}
              <Route>
                <p>{t('pageNotFound')}</p>
              </Route>
            </Switch>
          )}
        </Suspense>
      </Layout>
    </SignedInUser.Provider>
  );
}
