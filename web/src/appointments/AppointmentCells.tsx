import type { useFormat } from '../i18n/format.ts';
import type { Appointment } from './appointment-types.ts';
import { StatusBadge } from './StatusBadge.tsx';
import { useTreatmentName } from './treatment-name.ts';

/** The cells every staff table of appointments shows after its own: treatment, staff member, room, price, status. */
export function AppointmentCells({ appointment: a, format }: { appointment: Appointment; format: ReturnType<typeof useFormat> }) {
  const nameOf = useTreatmentName();
  return (
    <>
      <td>{nameOf(a.treatment.name)}</td>
      <td>{a.staff.fullName}</td>
      <td>{a.room?.name ?? '—'}</td>
      <td className="number">{format.money(a.priceSatang)}</td>
      <td>
        <StatusBadge status={a.status} />
      </td>
    </>
  );
}
