"""The header search finds sites, buildings and spaces by name or code."""


def test_search_finds_each_kind_by_code_or_name(client_as, demo):
    client = client_as("director")
    page = client.get("/search?q=PS-ASN").get_data(as_text=True)
    assert "Pôle social départemental d&#39;Asnières / Gennevilliers" in page  # the site
    assert "PS-ASN-B1" in page  # its building
    page = client.get("/search?q=sant%C3%A9 sexuelle").get_data(as_text=True)
    assert "Cabinet médical – santé sexuelle" in page and "1.41" in page  # a space, by name


def test_search_says_what_to_do_when_nothing_matches(client_as, demo):
    client = client_as("director")
    assert "PS-ASN" in client.get("/search?q=zzzz").get_data(as_text=True)  # the hint names an example code
    response = client.get("/search?q=a")
    assert response.status_code == 200 and "PS-ASN-B1" not in response.get_data(as_text=True)


def test_search_needs_a_login(client):
    assert client.get("/search?q=PS").status_code == 302
