import { lazy, Suspense, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { Redirect, Route, Switch } from 'wouter';
import { SignInPage } from '../auth/SignInPage.tsx';
import { SignedInUser, useMe } from '../auth/use-me.ts';
import { Layout } from './Layout.tsx';
import { navigationFor } from './navigation.ts';
import { ProblemMessage } from './ProblemMessage.tsx';

/** A page as its own chunk, fetched on first visit: the first render loads only the shell and its page. */
function lazyPage<K extends string, P extends object>(load: () => Promise<Record<K, ComponentType<P>>>, name: K) {
  return lazy(() => load().then((module) => ({ default: module[name] })));
}

const MyAppointmentsPage = lazyPage(() => import('../appointments/MyAppointmentsPage.tsx'), 'MyAppointmentsPage');
const BookingPage = lazyPage(() => import('../appointments/BookingPage.tsx'), 'BookingPage');
const DayPage = lazyPage(() => import('../dashboard/DayPage.tsx'), 'DayPage');
const CustomersPage = lazyPage(() => import('../customers/CustomersPage.tsx'), 'CustomersPage');
const CustomerPage = lazyPage(() => import('../customers/CustomerPage.tsx'), 'CustomerPage');
const ClinicPerformancePage = lazyPage(() => import('../admin/ClinicPerformancePage.tsx'), 'ClinicPerformancePage');
const ClinicsPage = lazyPage(() => import('../admin/ClinicsPage.tsx'), 'ClinicsPage');
const ClinicPage = lazyPage(() => import('../admin/ClinicPage.tsx'), 'ClinicPage');
const AuditLogPage = lazyPage(() => import('../admin/AuditLogPage.tsx'), 'AuditLogPage');
const AnalysesPage = lazyPage(() => import('../analysis/AnalysesPage.tsx'), 'AnalysesPage');
const NewAnalysisPage = lazyPage(() => import('../analysis/NewAnalysisPage.tsx'), 'NewAnalysisPage');
const ComparePage = lazyPage(() => import('../analysis/ComparePage.tsx'), 'ComparePage');
const AnalysisPage = lazyPage(() => import('../analysis/AnalysisPage.tsx'), 'AnalysisPage');

export function App() {
  const { t } = useTranslation();
  const me = useMe();
  if (me.isPending) return <p className="loading">{t('loading')}</p>;
  if (me.isError) return <ProblemMessage error={me.error} />;
  if (!me.data) return <SignInPage />;
  const home = navigationFor(me.data.role)[0]?.path ?? '/';
  return (
    <SignedInUser.Provider value={me.data}>
      <Layout me={me.data}>
        <Suspense fallback={<p className="loading">{t('loading')}</p>}>
          <Switch>
            <Route path="/">
              <Redirect to={home} replace />
            </Route>
            <Route path="/my-appointments" component={MyAppointmentsPage} />
            <Route path="/my-appointments/book" component={BookingPage} />
            <Route path="/dashboard" component={DayPage} />
            <Route path="/customers" component={CustomersPage} />
            <Route path="/customers/:id" component={CustomerPage} />
            <Route path="/admin/analytics" component={ClinicPerformancePage} />
            <Route path="/admin/clinics" component={ClinicsPage} />
            <Route path="/admin/clinics/:id" component={ClinicPage} />
            <Route path="/admin/audit-logs" component={AuditLogPage} />
            <Route path="/analyses" component={AnalysesPage} />
            <Route path="/analyses/new" component={NewAnalysisPage} />
            <Route path="/analyses/compare" component={ComparePage} />
            <Route path="/analyses/:id" component={AnalysisPage} />
            <Route>
              <p>{t('pageNotFound')}</p>
            </Route>
          </Switch>
        </Suspense>
      </Layout>
    </SignedInUser.Provider>
  );
}
