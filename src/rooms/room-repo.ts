import type { Tx } from '../db/tenant-transaction.ts';

export interface RoomRow {
  id: string;
  clinic_id: string;
  name: string;
  is_active: boolean;
  created_at: Date;
}

export async function listRooms(tx: Tx, clinicId: string, activeOnly: boolean): Promise<RoomRow[]> {
  const { rows } = await tx.query<RoomRow>(
    'SELECT id, clinic_id, name, is_active, created_at FROM rooms WHERE clinic_id = $1 AND (NOT $2 OR is_active) ORDER BY name',
    [clinicId, activeOnly],
  );
  return rows;
}

export async function insertRoom(tx: Tx, clinicId: string, name: string): Promise<RoomRow> {
  const { rows } = await tx.query<RoomRow>(
    'INSERT INTO rooms (clinic_id, name) VALUES ($1, $2) RETURNING id, clinic_id, name, is_active, created_at',
    [clinicId, name],
  );
  return rows[0]!;
}

export async function updateRoom(
  tx: Tx,
  clinicId: string,
  id: string,
  patch: { name?: string | undefined; isActive?: boolean | undefined },
): Promise<RoomRow | undefined> {
  const { rows } = await tx.query<RoomRow>(
    `UPDATE rooms SET name = coalesce($3, name), is_active = coalesce($4, is_active)
     WHERE clinic_id = $1 AND id = $2 RETURNING id, clinic_id, name, is_active, created_at`,
    [clinicId, id, patch.name ?? null, patch.isActive ?? null],
  );
  return rows[0];
}
