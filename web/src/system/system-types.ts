export type { SystemHealth, SystemNode } from '../../../src/system/system-schemas.ts';
