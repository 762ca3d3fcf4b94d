from tests.conftest import bearer
def test_probe(app, db, demo, token_for, client):
    t = bearer(token_for("facilities_manager"))
    gets = ["/api/v1/renewal-forecast?years=1000000", "/api/v1/renewal-forecast?years=-1", "/api/v1/renewal-forecast?first=-5",
            "/api/v1/renewal-forecast?first=99999999999999999999", "/api/v1/renewal-forecast?building_id=99999999999999999",
            "/api/v1/renewal-forecast?unknown=1", "/api/v1/renewal-forecast?first=1000000&years=50",
            "/api/v1/map/viewport?bbox=nan,nan,nan,nan&zoom=5", "/api/v1/map/viewport?bbox=-inf,-90,inf,90&zoom=5",
            "/api/v1/map/viewport?bbox=1e309,0,2,1&zoom=5", "/api/v1/map/viewport?bbox=0,0,1,1&zoom=99999999999999999999",
            "/api/v1/map/viewport?bbox=-180,-90,180,90&zoom=0",
            "/api/v1/published-figures?building_id=99999999999999999999", "/api/v1/published-figures?page=-1",
            "/api/v1/published-figures?per_page=1000000", "/api/v1/work-requests?site_id=99999999999999999999",
            "/api/v1/work-requests?page=99999999999999999", "/api/v1/published-figures/99999999999"]
    for u in gets:
        r = client.get(u, headers=t)
        print(u, r.status_code, r.get_data(as_text=True)[:160].replace("\n"," "))
    posts = [("/api/v1/renewal-forecast/operations", {"equipment_ids": [1,1]}),
             ("/api/v1/renewal-forecast/operations", {"equipment_ids": [99999999999999999999]}),
             ("/api/v1/renewal-forecast/operations", {"equipment_ids": []}),
             ("/api/v1/renewal-forecast/operations", {"equipment_ids": [1], "zzz": 1}),
             ("/api/v1/renewal-forecast/operations", {"equipment_ids": list(range(1, 100000))}),
             ("/api/v1/published-figures", {"building_id": 1, "figure": "x", "value": 1e308, "zzz": 2}),
             ("/api/v1/published-figures", {"building_id": 1, "figure": "floor_area", "value": "NaN"}),
             ("/api/v1/published-figures", {"building_id": 1, "figure": "floor_area", "value": 1e400}),
            ]
    for u, b in posts:
        r = client.post(u, headers=t, json=b)
        print("POST", u, str(b)[:60], r.status_code, r.get_data(as_text=True)[:200].replace("\n"," "))
    r = client.post("/api/v1/published-figures", headers={**t, "Content-Type": "application/json"}, data='{"building_id":1,"figure":"floor_area","value":NaN}')
    print("NaN raw", r.status_code, r.get_data(as_text=True)[:200])
