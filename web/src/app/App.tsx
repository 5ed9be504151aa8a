import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Redirect, Route, Switch } from 'wouter';
import { SignInPage } from '../auth/SignInPage.tsx';
import { SignedInUser, useMe } from '../auth/use-me.ts';
import { Layout } from './Layout.tsx';
import { navigationFor } from './navigation.ts';
import { ProblemMessage } from './ProblemMessage.tsx';

const MyAppointmentsPage = lazy(() => import('../appointments/MyAppointmentsPage.tsx').then((m) => ({ default: m.MyAppointmentsPage })));
const BookingPage = lazy(() => import('../appointments/BookingPage.tsx').then((m) => ({ default: m.BookingPage })));
const DayPage = lazy(() => import('../dashboard/DayPage.tsx').then((m) => ({ default: m.DayPage })));
const CustomersPage = lazy(() => import('../customers/CustomersPage.tsx').then((m) => ({ default: m.CustomersPage })));
const CustomerPage = lazy(() => import('../customers/CustomerPage.tsx').then((m) => ({ default: m.CustomerPage })));
const ClinicPerformancePage = lazy(() => import('../admin/ClinicPerformancePage.tsx').then((m) => ({ default: m.ClinicPerformancePage })));
const ClinicsPage = lazy(() => import('../admin/ClinicsPage.tsx').then((m) => ({ default: m.ClinicsPage })));
const ClinicPage = lazy(() => import('../admin/ClinicPage.tsx').then((m) => ({ default: m.ClinicPage })));
const AuditLogPage = lazy(() => import('../admin/AuditLogPage.tsx').then((m) => ({ default: m.AuditLogPage })));
const AnalysesPage = lazy(() => import('../analysis/AnalysesPage.tsx').then((m) => ({ default: m.AnalysesPage })));
const NewAnalysisPage = lazy(() => import('../analysis/NewAnalysisPage.tsx').then((m) => ({ default: m.NewAnalysisPage })));
const ComparePage = lazy(() => import('../analysis/ComparePage.tsx').then((m) => ({ default: m.ComparePage })));
const AnalysisPage = lazy(() => import('../analysis/AnalysisPage.tsx').then((m) => ({ default: m.AnalysisPage })));

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
