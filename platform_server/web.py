"""The verification page where an owner approves a device (RFC 8628).

The owner opens the address the head unit shows (or scans its QR code),
signs in, checks or types the user code, and approves or denies. The
pages are plain HTML forms, so any phone browser works.
"""


import html
from typing import Annotated

from fastapi import APIRouter, Cookie, Form
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.engine import Engine

from platform_server import accounts
from platform_server.models import TEXT

SESSION_COOKIE = "platform_session"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: sans-serif; max-width: 28rem; margin: 2rem auto; padding: 0 1rem; }}
label, input, button {{ display: block; width: 100%; margin: .4rem 0; font-size: 1.1rem; }}
.message {{ padding: .6rem; background: #eef; }}
</style></head>
<body><h1>{title}</h1>{body}</body></html>
"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(PAGE.format(title=html.escape(title), body=body), status)


def router(engine: Engine) -> APIRouter:
    """Build the pages of the device verification flow on ``engine``."""
    pages = APIRouter(include_in_schema=False)

    @pages.get("/device")
    def device_page(
        user_code: str = "",
        platform_session: Annotated[str | None, Cookie()] = None,
    ) -> HTMLResponse:
        code = html.escape(accounts.normalise_user_code(user_code)[:9])
        if accounts.owner_for_session(engine, platform_session) is None:
            return _page("Sign in to connect your car", f"""
<form method="post" action="/device/sign-in" id="sign-in">
<input type="hidden" name="user_code" value="{code}">
<label for="email">Email</label><input id="email" name="email" type="email" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" required>
<button id="sign-in-button" type="submit">Sign in</button>
</form>""")
        return _page("Connect your car", f"""
<p>Check that this code matches the one on the car's screen.</p>
<form method="post" action="/device/decide" id="decide">
<label for="user_code">Code</label>
<input id="user_code" name="user_code" value="{code}" autocomplete="off" required>
<button id="approve" name="decision" value="approve" type="submit">Approve</button>
<button id="deny" name="decision" value="deny" type="submit">Deny</button>
</form>""")

    @pages.post("/device/sign-in", response_model=None)
    def sign_in(
        email: Annotated[str, Form(max_length=254, pattern=TEXT)],
        password: Annotated[str, Form(max_length=200, pattern=TEXT)],
        user_code: Annotated[str, Form(max_length=20, pattern=TEXT)] = "",
    ) -> HTMLResponse | RedirectResponse:
        owner_id = accounts.authenticate(engine, email, password)
        if owner_id is None:
            return _page("Sign-in failed",
                         '<p class="message" id="message">Wrong email or password.</p>'
                         f'<p><a href="/device?user_code={html.escape(user_code)}">'
                         "Try again</a></p>", 401)
        session = accounts.start_web_session(engine, owner_id)
        code = accounts.normalise_user_code(user_code)
        response = RedirectResponse(f"/device?user_code={code}", status_code=303)
        response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict",
                            max_age=3600)
        return response

    @pages.post("/device/decide")
    def decide(
        user_code: Annotated[str, Form(max_length=20, pattern=TEXT)],
        decision: Annotated[str, Form(max_length=10, pattern=TEXT)],
        platform_session: Annotated[str | None, Cookie()] = None,
    ) -> HTMLResponse:
        owner_id = accounts.owner_for_session(engine, platform_session)
        if owner_id is None:
            return _page("Signed out", '<p class="message" id="message">'
                         'Your session ended. <a href="/device">Sign in again</a>.</p>', 401)
        outcome = accounts.decide_user_code(engine, user_code, owner_id,
                                            approve=decision == "approve")
        messages = {
            "approved": "Your car is connected. You can close this page.",
            "denied": "The request was denied. The car stays unpaired.",
            "expired": "This code has expired. Start pairing again on the car.",
            "unknown": "This code is not valid. Check the code on the car's screen.",
        }
        status = 200 if outcome in ("approved", "denied") else 400
        return _page("Connect your car",
                     f'<p class="message" id="message" data-outcome="{outcome}">'
                     f"{messages[outcome]}</p>", status)

    return pages
