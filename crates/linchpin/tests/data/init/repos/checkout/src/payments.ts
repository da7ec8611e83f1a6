// Charges a card through the payment provider.
const CHARGES = "https://api.stripe.com/v1/charges";

export async function charge(amountCents: number, token: string): Promise<Response> {
  return fetch(CHARGES, {
    method: "POST",
    headers: { Authorization: `Bearer ${process.env.STRIPE_KEY}` },
    body: new URLSearchParams({ amount: String(amountCents), currency: "eur", source: token }),
  });
}
