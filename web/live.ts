import type { ChangeNotice } from '../server/schemas/events.js';

/**
 * Live collaboration: listen to a project's change notices (Server-Sent Events from
 * GET /api/projects/:projectId/events). EventSource reconnects by itself after a network error.
 * Returns a function that stops listening.
 */
export function listenToChanges(projectId: string, onChange: (notice: ChangeNotice) => void, base = location.origin): () => void {
  const source = new EventSource(new URL(`/api/projects/${encodeURIComponent(projectId)}/events`, base), { withCredentials: true });
  source.addEventListener('change', (e) => {
    try {
      onChange(JSON.parse((e as MessageEvent<string>).data) as ChangeNotice);
    } catch {
      // a malformed notice is ignored; the next reload shows the truth
    }
  });
  return () => source.close();
}
