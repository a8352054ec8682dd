// Typed client for the status routes (issue 14); the shapes are the server's (src/server/routes-status.ts).
import type { Job } from '../../src/jobs/store.ts';
import type { Status } from '../../src/server/routes-status.ts';
import { request } from './api.ts';

export type { Job, Status };

/** The served snapshot, the jobs' progress and the landing folder (reasons and file names for admins only). */
export function getStatus(signal?: AbortSignal): Promise<Status> {
  return request<Status>('/status', { signal });
}

/** Administrators: the newest jobs, full rows. */
export function getJobs(signal?: AbortSignal): Promise<{ synthetic: boolean; jobs: Job[] }> {
  return request('/admin/jobs?limit=50', { signal });
}

/** How often the dashboard asks for the status: a new snapshot shows within this (10-15 s asked in issue 14). */
export const STATUS_POLL_MS = 12_000;

/**
 * An instant as the dashboard shows it: China Standard Time (UTC+8, no daylight saving), the data's own clock,
 * whatever the browser's zone; null as the caller's "never".
 */
export function timeText(iso: string | null): string | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}
