"""Security headers on every response."""

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


def init_app(app) -> None:
    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("LMS_HSTS"):
            subdomains = "; includeSubDomains" if app.config.get("LMS_HSTS_SUBDOMAINS") else ""
            headers.setdefault("Strict-Transport-Security", f"max-age=31536000{subdomains}")
        if response.mimetype == "text/html":
            # Pages can show personal data: never keep them in shared caches.
            headers.setdefault("Cache-Control", "no-store")
        return response
