"""Walking the API by its own schema: the list paths, their rows over a few pages. Used by the contract
fuzzing (tests/contract/) and the tenancy and browsable-API crawls (tests/security/)."""
from __future__ import annotations


def schema_paths(client) -> dict[str, dict]:
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()["paths"]


def needs_query(op: dict) -> bool:
    """A GET that answers a question (a required query parameter) is not a list to walk."""
    return any(p.get("in") == "query" and p.get("required") for p in op.get("parameters", []))


def list_paths(paths: dict) -> list[str]:
    return sorted(p for p, ops in paths.items() if "get" in ops and "{" not in p and p.startswith("/api/v1/")
                  and not needs_query(ops["get"])
                  and p not in {"/api/v1/calendar/add-workdays/", "/api/v1/auth/token/"})


def with_param(case, name: str, value: object):
    case.path_parameters = {**(case.path_parameters or {}), name: value}
    return case


def body_of(response) -> object:
    try:
        return response.json()
    except ValueError:
        return response.content


def _rows(body: object) -> list[dict]:
    rows = body.get("results", []) if isinstance(body, dict) else body
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def identity(row: dict) -> tuple:
    return (row.get("institution"), row.get("id", row.get("code")))


def all_rows(client, path: str, pages: int = 6) -> list[dict]:
    """Rows of a list, following `next` for a few pages (PAGE_SIZE 50)."""
    rows: list[dict] = []
    url: str | None = path
    for _ in range(pages):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        body = response.json()
        rows += _rows(body)
        url = body.get("next") if isinstance(body, dict) else None
        if not url:
            break
    return rows
