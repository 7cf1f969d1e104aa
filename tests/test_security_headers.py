def test_security_headers_on_pages(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_security_headers_on_errors_and_static(client):
    assert "Content-Security-Policy" in client.get("/no-such-page").headers
    static = client.get("/static/css/app.css")
    assert static.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in static.headers["Cache-Control"]
    static.close()


def test_pages_have_no_inline_script_or_style(client):
    html = client.get("/login").get_data(as_text=True)
    assert "<script" not in html
    assert "style=" not in html
