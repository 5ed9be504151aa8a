import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { OtherDevices } from './OtherDevices.tsx';
import { PasswordForm } from './PasswordForm.tsx';
import { ProfileForm } from './ProfileForm.tsx';
import './account.css';

/** The signed-in user's own account, whatever their role. */
export function AccountPage() {
  const { t } = useTranslation('account');
  return (
    <section className="account">
      <h1>{t('title')}</h1>
      <ProfileForm />
      <PasswordForm />
      <section className="card" aria-labelledby="two-factor-link-title">
        <h2 id="two-factor-link-title">{t('twoFactor.title')}</h2>
        <p className="muted">{t('twoFactor.intro')}</p>
        <Link href="/account/two-factor">{t('twoFactor.manage')}</Link>
      </section>
      <OtherDevices />
    </section>
  );
}
