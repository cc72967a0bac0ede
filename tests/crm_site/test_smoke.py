def test_home_renders_for_a_rep(client, rep):
    client.force_login(rep)
    response = client.get("/")
    assert response.status_code == 200
    assert "Follow-ups due" in response.text
