"""Refreshes currency exchange rates once a day."""
import requests

RATES_URL = "https://openexchangerates.org/api/latest.json"


def fetch(app_id: str) -> dict:
    return requests.get(RATES_URL, params={"app_id": app_id}, timeout=10).json()
