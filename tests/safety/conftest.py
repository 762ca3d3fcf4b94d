"""Fixtures of the safety tests: API calls as a facilities manager, in English."""

from __future__ import annotations

import pytest

from tests.conftest import bearer


@pytest.fixture
def manager(client, token_for):
    """manager(method, url, body): an API call as a facilities manager, answers in English."""
    headers = bearer(token_for("facilities_manager"))
    client.set_cookie("lang", "en")

    def call(method: str, url: str, body=None):
        return client.open(url, method=method, headers=headers, json=body)

    return call


def api_errors(response) -> dict[str, str]:
    """The fields and messages of a 422 problem document."""
    assert response.status_code == 422, response.get_data(as_text=True)[:400]
    return {error["field"]: error["message"] for error in response.get_json()["errors"]}
