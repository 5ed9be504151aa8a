import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { fieldProblems, SaveButton } from '../admin/Field.tsx';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { FormProblems } from './FormProblems.tsx';
import { setupProgressQuery, useTeam } from './setup-queries.ts';
import type { StaffMember, StaffSchedule } from './setup-types.ts';
import '../admin/admin.css';
import './setup.css';

type Window = StaffSchedule['weeklyHours'][number];
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
const NEW_WINDOW = { start: '09:00', end: '18:00' };

/** Each staff member's weekly hours in clinic time, edited in place (owners and admins). */
export function WorkingHoursPage() {
  const { t } = useTranslation('setup');
  const team = useTeam();
  return (
    <section className="setup">
      <h1>{t('hours.title')}</h1>
      <p className="muted">{t('hours.explain')}</p>
      {team.isPending ? (
        <p className="muted">{t('app:loading')}</p>
      ) : team.isError ? (
        <ProblemMessage error={team.error} />
      ) : (
        team.data.map((member) => <StaffHours key={member.id} member={member} />)
      )}
    </section>
  );
}

function StaffHours({ member }: { member: StaffMember }) {
  const { t } = useTranslation('setup');
  const schedule = useQuery({
    queryKey: ['staff', member.id, 'schedule'],
    queryFn: () => api<StaffSchedule>(`/api/staff/${member.id}/schedule`),
  });
  return (
    <section className="card" aria-labelledby={`hours-${member.id}`}>
      <h2 id={`hours-${member.id}`}>{member.fullName}</h2>
      {schedule.isPending ? (
        <p className="muted">{t('app:loading')}</p>
      ) : schedule.isError ? (
        <ProblemMessage error={schedule.error} />
      ) : (
        <WeeklyHoursForm member={member} saved={schedule.data.weeklyHours} />
      )}
    </section>
  );
}

function WeeklyHoursForm({ member, saved }: { member: StaffMember; saved: Window[] }) {
  const { t } = useTranslation('setup');
  const queryClient = useQueryClient();
  const [hours, setHours] = useState<Window[]>(saved);
  const save = useMutation({
    mutationFn: (weeklyHours: Window[]) => api(`/api/staff/${member.id}/working-hours`, { method: 'PUT', body: { weeklyHours } }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['staff', member.id, 'schedule'] });
      await queryClient.invalidateQueries(setupProgressQuery);
    },
  });
  const problems = fieldProblems(save.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(hours);
  };
  const change = (index: number, patch: Partial<Window>) => setHours(hours.map((h, i) => (i === index ? { ...h, ...patch } : h)));
  const dayName = (weekday: number) => t(`hours.weekdays.${weekday}`);
  return (
    <form onSubmit={submit} aria-label={t('hours.formOf', { name: member.fullName })}>
      {WEEKDAYS.map((weekday) => (
        <div key={weekday} className="hours-day" role="group" aria-label={dayName(weekday)}>
          <span className="day-name">{dayName(weekday)}</span>
          {hours.every((h) => h.weekday !== weekday) && <span className="muted">{t('hours.off')}</span>}
          {hours.map((h, index) =>
            h.weekday !== weekday ? null : (
              <span key={index} className="row">
                <input
                  type="time"
                  required
                  aria-label={t('hours.startOf', { day: dayName(weekday) })}
                  aria-invalid={problems.has(`body.weeklyHours.${index}.end`) || problems.has(`body.weeklyHours.${index}`)}
                  value={h.start}
                  onChange={(e) => change(index, { start: e.target.value })}
                />
                <input
                  type="time"
                  required
                  aria-label={t('hours.endOf', { day: dayName(weekday) })}
                  value={h.end}
                  onChange={(e) => change(index, { end: e.target.value })}
                />
                <button type="button" className="secondary" onClick={() => setHours(hours.filter((_, i) => i !== index))}>
                  {t('hours.remove', { day: dayName(weekday), start: h.start })}
                </button>
              </span>
            ),
          )}
          <button type="button" className="secondary" onClick={() => setHours([...hours, { weekday, ...NEW_WINDOW }])}>
            {t('hours.add', { day: dayName(weekday) })}
          </button>
        </div>
      ))}
      <FormProblems error={save.error} />
      <div className="row">
        <SaveButton save={save} label={t('hours.save', { name: member.fullName })} />
      </div>
    </form>
  );
}
