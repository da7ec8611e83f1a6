// Reads and writes events in the host's Outlook calendar.
const GRAPH = "https://graph.microsoft.com/v1.0";

export async function listCalendars(token: string) {
  return fetch(`${GRAPH}/me/calendars`, { headers: { Authorization: `Bearer ${token}` } });
}
