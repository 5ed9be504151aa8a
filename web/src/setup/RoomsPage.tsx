import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { Field, fieldProblems } from '../admin/Field.tsx';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { TableHead } from '../app/TableHead.tsx';
import { setupProgressQuery, useCanManage } from './setup-queries.ts';
import type { Room } from './setup-types.ts';
import '../admin/admin.css';
import './setup.css';

const roomsKey = ['rooms', 'all'];

/** The clinic's treatment rooms; with rooms, every booking needs a free one. */
export function RoomsPage() {
  const { t } = useTranslation('setup');
  const canManage = useCanManage();
  const rooms = useQuery({ queryKey: roomsKey, queryFn: () => api<Room[]>('/api/rooms?includeInactive=true') });
  return (
    <section className="setup">
      <h1>{t('rooms.title')}</h1>
      <p className="muted">{t('rooms.explain')}</p>
      {canManage && <RoomForm />}
      {rooms.isPending ? (
        <p className="muted">{t('app:loading')}</p>
      ) : rooms.isError ? (
        <ProblemMessage error={rooms.error} />
      ) : rooms.data.length === 0 ? (
        <p className="muted">{t('rooms.none')}</p>
      ) : (
        <table>
          <TableHead columns={[t('rooms.name'), t('treatments.status'), ...(canManage ? [t('actions')] : [])]} />
          <tbody>
            {rooms.data.map((room) => (
              <RoomRow key={room.id} room={room} canManage={canManage} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function useRoomWrite<T>(send: (input: T) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['rooms'] });
      await queryClient.invalidateQueries(setupProgressQuery);
    },
  });
}

function RoomForm() {
  const { t } = useTranslation('setup');
  const [name, setName] = useState('');
  const create = useRoomWrite((roomName: string) => api('/api/rooms', { method: 'POST', body: { name: roomName } }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(name, { onSuccess: () => setName('') });
  };
  const problem = fieldProblems(create.error).get('body.name');
  return (
    <form className="card" onSubmit={submit} aria-label={t('rooms.add')}>
      <div className="row">
        <Field label={t('rooms.newName')} problem={problem}>
          {(control) => <input {...control} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <button type="submit" disabled={create.isPending}>
          {t('rooms.add')}
        </button>
      </div>
      {!problem && <ProblemMessage error={create.error} />}
    </form>
  );
}

function RoomRow({ room, canManage }: { room: Room; canManage: boolean }) {
  const { t } = useTranslation('setup');
  const [name, setName] = useState<string | null>(null);
  const change = useRoomWrite((patch: { name?: string; isActive?: boolean }) =>
    api(`/api/rooms/${room.id}`, { method: 'PATCH', body: patch }),
  );
  return (
    <tr className={room.isActive ? undefined : 'inactive'}>
      <td>
        {name === null ? (
          room.name
        ) : (
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              change.mutate({ name }, { onSuccess: () => setName(null) });
            }}
          >
            <input aria-label={t('rooms.name')} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
            <button type="submit" disabled={change.isPending}>
              {t('save')}
            </button>
          </form>
        )}
        <ProblemMessage error={change.error} />
      </td>
      <td>{room.isActive ? t('active') : t('inactive')}</td>
      {canManage && (
        <td className="row">
          {name === null && (
            <button type="button" className="secondary" onClick={() => setName(room.name)}>
              {t('rooms.rename', { name: room.name })}
            </button>
          )}
          <button
            type="button"
            className="secondary"
            disabled={change.isPending}
            onClick={() => change.mutate({ isActive: !room.isActive })}
          >
            {room.isActive ? t('rooms.deactivate', { name: room.name }) : t('rooms.reactivate', { name: room.name })}
          </button>
        </td>
      )}
    </tr>
  );
}
