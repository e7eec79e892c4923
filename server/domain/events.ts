/**
 * Live collaboration (issue 6): an in-process bus of change notices per project. The HTTP layer
 * publishes after a successful write and streams notices to subscribers (Server-Sent Events). One
 * embedded server process holds every session, so an in-process bus is enough; several processes on
 * one PostgreSQL database share notices through LISTEN/NOTIFY (storage/pg-events.ts).
 */
import type { ChangeNotice } from '../schemas/events.js';

export type { ChangeNotice };

type Listener = (notice: ChangeNotice) => void;

export class ChangeBus {
  private readonly listeners = new Map<string, Set<Listener>>();

  subscribe(projectId: string, listener: Listener): () => void {
    let set = this.listeners.get(projectId);
    if (!set) this.listeners.set(projectId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(projectId);
    };
  }

  publish(projectId: string, notices: readonly ChangeNotice[]): void {
    for (const listener of this.listeners.get(projectId) ?? []) for (const n of notices) listener(n);
  }

  /**
   * Whether a notice for the project could reach anyone. In-process: only local subscribers; a
   * bus shared between processes (PostgreSQL) cannot know the other processes' subscribers.
   */
  hasAudience(projectId: string): boolean {
    return this.subscribers(projectId) > 0;
  }

  subscribers(projectId: string): number {
    return this.listeners.get(projectId)?.size ?? 0;
  }
}
