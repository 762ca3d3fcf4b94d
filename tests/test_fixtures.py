"""The test fixtures behave like real requests: each request knows only its own user."""


def test_two_clients_keep_their_own_identity(client_as):
    director = client_as("director")
    manager = client_as("facilities_manager")
    assert director.get("/sites/new").status_code == 403
    assert manager.get("/sites/new").status_code == 200
    assert director.get("/sites/new").status_code == 403
