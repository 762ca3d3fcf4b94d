"""The OpenAPI description is generated from the code, and the API honours it for every role (schemathesis)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import ROLES

OUTPUT = Path(os.environ.get("TEST_OUTPUT_DIR", Path(__file__).resolve().parents[1] / "test-output"))
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "15"))
CASES: dict[str, int] = {}


@pytest.fixture(autouse=True)
def _generous_rate_limit(app, monkeypatch):
    """Thousands of generated requests a minute per token; tests/test_security.py proves the limit itself."""
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", 10**9)


@pytest.fixture
def api_schema(app, demo):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def role_tokens(token_for):
    """One token per role: each generated case is sent once with each of them."""
    return {role: token_for(role) for role in ROLES}


@pytest.fixture(scope="module", autouse=True)
def _report_case_count():
    yield
    if CASES:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        (OUTPUT / "schemathesis.json").write_text(json.dumps({"cases": CASES, "total": sum(CASES.values())}, indent=1))


@schema.parametrize()
# Thousands of requests in one test: in one rolled-back transaction, PostgreSQL would run out of lock slots for
# the savepoints' transaction ids ("out of shared memory"), so these really commit.
@pytest.mark.real_commits
# Derandomized: the same cases on every run, so that CI gates on reproducible results; set
# SCHEMATHESIS_RANDOM=1 (and raise SCHEMATHESIS_EXAMPLES) to explore new cases.
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=not os.environ.get("SCHEMATHESIS_RANDOM"))
def test_every_operation_honours_its_description(case, role_tokens):
    """No 5xx, documented status codes and content types, bodies matching their schema, for every role."""
    for role, token in role_tokens.items():
        CASES[role] = CASES.get(role, 0) + 1
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"},
            checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                    response_schema_conformance],
        )


def test_description_is_served_and_lists_the_api(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/sites" in spec["paths"] and "post" in spec["paths"]["/api/v1/sites"]
    site_input = spec["paths"]["/api/v1/sites"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    # Generated from the same rules that validate the input: the latitude bound comes from the rule.
    assert site_input == {"$ref": "#/components/schemas/SiteInput"}
    assert spec["components"]["schemas"]["SiteInput"]["properties"]["latitude"]["maximum"] == 90
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    # Every area's API is described, not only the inventory's.
    for path, method in [("/api/v1/envelopes/{envelope_id}", "patch"), ("/api/v1/operations", "get"),
                         ("/api/v1/energy-records/{record_id}", "delete"), ("/api/v1/buildings/{building_id}/energy",
                                                                            "get"), ("/api/v1/sites.geojson", "get"),
                         ("/api/v1/audit", "get")]:
        assert method in spec["paths"][path], (path, method)


def test_every_error_is_documented_as_a_problem_document(client):
    """Errors are served as application/problem+json: every operation documents them so, and nothing else."""
    spec = client.get("/api/v1/openapi.json").get_json()
    assert set(spec["components"]["schemas"]["Problem"]["required"]) == {"type", "title", "status"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            assert {"401", "403", "429", "default"} <= set(responses), (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            if method in ("post", "patch"):
                assert {"400", "413", "422"} <= set(responses), (method, path)
            for status, response in responses.items():
                if status == "default" or status.startswith("4"):
                    assert set(response["content"]) == {"application/problem+json"}, (method, path, status)


def test_documentation_page_is_served_locally(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "swagger-ui-bundle.js" in page and "http" not in page.split("<body>")[1].replace("http-equiv", "")
    assert client.get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/v1/docs/assets/../../../etc/passwd").status_code == 404
