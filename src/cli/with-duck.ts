import type { Duck } from '../db/duck.ts';
import { Workspace } from '../workspace.ts';

/** Runs `f` on the workspace's analytics database (which must exist), closing it afterwards. */
export async function withDuck<T>(workspace: string, f: (db: Duck, ws: Workspace) => Promise<T>): Promise<T> {
  const ws = new Workspace(workspace).require();
  const db = await ws.openDuck();
  try {
    return await f(db, ws);
  } finally {
    db.close();
  }
}
