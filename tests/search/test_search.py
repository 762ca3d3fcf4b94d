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


def test_accents_and_case_do_not_matter(client_as, demo):
    """Issue 14: "asnieres" finds Asnières; the index folds accents and case on both sides."""
    client = client_as("director")
    for query in ("asnieres", "ASNIÈRES", "Asnieres", "asnières"):
        page = client.get(f"/search?q={query}").get_data(as_text=True)
        assert "Pôle social départemental d&#39;Asnières / Gennevilliers" in page, query
    page = client.get("/search?q=SANTE SEXUELLE").get_data(as_text=True)
    assert "Cabinet médical – santé sexuelle" in page


def test_short_queries_and_like_characters(client_as, factory):
    factory.site(code="AB-1", name="Foyer de l'Enfance 100% accessible")
    factory.site(code="XY-2", name="Autre_site")
    client = client_as("director")
    assert "AB-1" in client.get("/search?q=ab").get_data(as_text=True)  # two letters: below a trigram
    assert "AB-1" in client.get("/search?q=100%25").get_data(as_text=True)
    page = client.get("/search?q=0%25 a").get_data(as_text=True)
    assert "AB-1" in page and "XY-2" not in page
    assert "AB-1" not in client.get("/search?q=r_").get_data(as_text=True)  # _ is a character, not a wildcard
    assert "XY-2" in client.get("/search?q=e_si").get_data(as_text=True)
    quoted = client.get('/search?q="enfance OR x')  # quotes and operators are text, never query syntax
    assert quoted.status_code == 200 and "AB-1" not in quoted.get_data(as_text=True)
    assert "AB-1" in client.get("/search?q=l'enfance").get_data(as_text=True)


def test_index_follows_writes(client_as, factory, db):
    site = factory.site(code="IDX-1", name="Maison des solidarités")
    client = client_as("director")
    assert "IDX-1" in client.get("/search?q=solidarites").get_data(as_text=True)
    site.name = "Espace insertion"
    db.session.commit()
    assert "IDX-1" not in client.get("/search?q=solidarites").get_data(as_text=True)
    assert "IDX-1" in client.get("/search?q=insertion").get_data(as_text=True)
    db.session.delete(site)
    db.session.commit()
    assert "IDX-1" not in client.get("/search?q=insertion").get_data(as_text=True)


def test_operations_and_envelopes_are_found(client_as, demo, db):
    """Issue 14: operations and envelopes can be searched too (works adds them to the page)."""
    from facilities.works.models import Envelope, Operation

    operation = db.session.query(Operation).order_by(Operation.id).first()
    envelope = db.session.query(Envelope).order_by(Envelope.id).first()
    client = client_as("director")
    page = client.get(f"/search?q={operation.label[:12].upper()}").get_data(as_text=True)
    assert f"/works/operations/{operation.id}" in page or f"operations/{operation.id}" in page
    page = client.get(f"/search?q={envelope.label[:10]}").get_data(as_text=True)
    assert f"envelopes/{envelope.id}" in page


def test_counts_are_capped(client_as, factory, monkeypatch):
    from facilities import textsearch
    from facilities.inventory import search

    monkeypatch.setattr(textsearch, "COUNT_CAP", 21)
    monkeypatch.setattr(search, "COUNT_CAP", 21)
    for i in range(23):  # 20 listed; counted up to the cap + 1 = 22, shown as "more than 21"
        factory.site(code=f"CAP-{i:02d}", name=f"Capped {i:02d}")
    client = client_as("director")
    page = client.get("/search?q=capped").get_data(as_text=True)
    assert "plus de 21" in page
    assert "CAP-19" in page and "CAP-20" not in page  # the first 20 by name


def test_a_short_list_is_its_own_count(client_as, factory, db):
    from sqlalchemy import event

    for i in range(3):
        factory.site(code=f"FEW-{i}", name=f"Few {i}")
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        page = client_as("director").get("/search?q=few").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert '<span class="badge text-bg-light">3</span>' in page
    assert not [s for s in statements if "count(" in s.lower()]  # nothing counted: every list is short


def test_site_list_text_filter_uses_the_index(client_as, factory):
    factory.site(code="L-1", name="Pôle social d'Asnières", commune_name="Asnières-sur-Seine")
    factory.site(code="L-2", name="Foyer", commune_name="Nanterre")
    page = client_as("director").get("/sites?q=asnieres").get_data(as_text=True)
    assert "L-1" in page and "L-2" not in page


def test_fold_and_matching_are_the_same_on_both_sides():
    from facilities.textsearch import _ACCENTED, _BASE, fold

    assert fold("Asnières-sur-Seine") == "asnieres-sur-seine" and fold("ÉCOLE") == "ecole"
    assert len(_ACCENTED) == len(_BASE)
    assert all(fold(accented) == base for accented, base in zip(_ACCENTED, _BASE, strict=True))
