"""The exchanges of CORS with cors.origins=* (the list of origins is in the package's API)."""

from __future__ import annotations

from .exchange import Exchange


def any_origin() -> list[Exchange]:
    """cors.origins=*: every origin allowed with Access-Control-Allow-Origin: *, as both
    libraries send it, and never with credentials (browsers refuse * with them)."""
    return [
        Exchange(
            f"CORS: any origin ({origin})",
            "GET",
            "/",
            200,
            request_headers={"Origin": origin},
            headers={"Access-Control-Allow-Origin": "*"},
            absent=("Access-Control-Allow-Credentials",),
        )
        for origin in ("https://any.example", "http://localhost:8080")
    ] + [
        # No Origin (curl, a server): the same answer as to any page.
        Exchange(
            "CORS: no Origin",
            "GET",
            "/",
            200,
            headers={"Access-Control-Allow-Origin": "*"},
            absent=("Access-Control-Allow-Credentials",),
        ),
        Exchange(
            "CORS: preflight from any origin",
            "OPTIONS",
            "/",
            200,
            request_headers={
                "Origin": "https://any.example",
                "Access-Control-Request-Method": "DELETE",
            },
            headers={"Access-Control-Allow-Origin": "*"},
            header_includes={"Access-Control-Allow-Methods": frozenset({"DELETE"})},
            absent=("Access-Control-Allow-Credentials",),
            any_success=True,
        ),
    ]
