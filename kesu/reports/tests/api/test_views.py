from kesu.organisation.choices import Role


def test_the_api_gives_the_reports_figures_for_what_the_user_sees(client, world):
    world.complaint()
    client.force_login(world.user(Role.DIRECTOR))
    body = client.get("/api/v1/reports/monthly/", {"month": "2026-11"}).json()
    assert body["period"]["label"] == "2026-11"
    assert {"total", "pareto_causes", "compliance", "breakdowns", "callbacks"} <= set(body)
    client.force_login(world.other_users[Role.DIRECTOR])
    other = client.get("/api/v1/reports/monthly/").json()
    assert other["total"] == 0


def test_fresh_is_true_or_false_only(client, world):
    client.force_login(world.user(Role.DIRECTOR))
    url = "/api/v1/reports/monthly/"
    assert client.get(url, {"month": "2026-11", "fresh": "true"}).status_code == 200
    response = client.get(url, {"month": "2026-11", "fresh": "2"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"fresh": ["Give true or false."]}
