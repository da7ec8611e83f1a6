"""Charges cards through Stripe; receipts go out by e-mail."""
import os
import requests

STRIPE_API = "https://api.stripe.com/v1"
FALLBACK = "https://checkout-live.adyen.com/checkout/v71"  # the fallback provider


def charge(amount_cents: int, token: str) -> dict:
    # Stripe's docs: https://docs.stripe.com/api/charges
    return requests.post(f"{STRIPE_API}/charges", data={"amount": amount_cents, "source": token}).json()


def version() -> str:
    return "2.1.0"  # not a host: numbers only
