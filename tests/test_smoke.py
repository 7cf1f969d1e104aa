def test_login_page_renders_in_khmer(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert 'lang="km"' in response.get_data(as_text=True)
