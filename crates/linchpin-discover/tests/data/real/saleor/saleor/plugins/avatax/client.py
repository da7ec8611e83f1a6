"""The tax service's REST endpoints, by environment."""

SANDBOX_URL = "https://sandbox-rest.avatax.com/api/v2/"
PRODUCTION_URL = "https://rest.avatax.com/api/v2/"


def base_url(use_sandbox: bool) -> str:
    return SANDBOX_URL if use_sandbox else PRODUCTION_URL
