import type pg from 'pg';
import { recordAuditBy, type RequestMeta } from '../audit/audit-log.ts';
import { clinicOf, withTenant, type Actor } from '../db/tenant-transaction.ts';
import { notFound } from '../errors/app-error.ts';
import { availabilityWriter } from '../availability/availability-cache.ts';
import type { ResponseCache } from '../cache/response-cache.ts';
import { insertRoom, listRooms, updateRoom, type RoomRow } from './room-repo.ts';

export function createRoomService(pool: pg.Pool, responses: ResponseCache) {
  // When the clinic has rooms every slot needs a free one: adding or closing a room moves availability.
  const changingAvailability = availabilityWriter(pool, responses);
  return {
    list(actor: Actor, includeInactive: boolean): Promise<RoomRow[]> {
      return withTenant(pool, actor, (tx) => listRooms(tx, clinicOf(actor), !includeInactive));
    },

    create(actor: Actor, name: string, meta: RequestMeta): Promise<RoomRow> {
      const clinicId = clinicOf(actor);
      return changingAvailability(actor, async (tx) => {
        const room = await insertRoom(tx, clinicId, name);
        await recordAuditBy(tx, actor, { clinicId, action: 'room.create', targetType: 'room', targetId: room.id }, meta);
        return room;
      });
    },

    update(
      actor: Actor,
      id: string,
      patch: { name?: string | undefined; isActive?: boolean | undefined },
      meta: RequestMeta,
    ): Promise<RoomRow> {
      const clinicId = clinicOf(actor);
      return changingAvailability(actor, async (tx) => {
        const room = await updateRoom(tx, clinicId, id, patch);
        if (!room) throw notFound('room');
        await recordAuditBy(
          tx,
          actor,
          { clinicId, action: 'room.update', targetType: 'room', targetId: id, metadata: patch },
          meta,
        );
        return room;
      });
    },
  };
}

export type RoomService = ReturnType<typeof createRoomService>;
