// Creates and removes meeting rooms at the video provider.
const DAILY_API = "https://api.daily.co/v1";

export async function createRoom(apiKey: string, name: string) {
  const res = await fetch(`${DAILY_API}/rooms`, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ name }),
  });
  return res.json();
}
