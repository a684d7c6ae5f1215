"""Serve the Bolt app: HTTP (Starlette under uvicorn, through Bolt's adapter) or Socket Mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.errors import ConfigError

if TYPE_CHECKING:
    from slack_bolt import App
    from starlette.applications import Starlette
    from starlette.requests import Request

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's payloads are a few KiB; anything near this is not from Slack.
MAX_BODY_BYTES = 1024 * 1024


def create_asgi_app(bolt_app: App) -> Starlette:
    """`POST /slack/events` (events, commands, interactivity) and `GET /healthz`."""
    from slack_bolt.adapter.starlette import SlackRequestHandler
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    # Bolt's dispatch runs on the event loop: with auth.test done at start and acks that only
    # ack (the work goes to lazy listeners), it never waits on I/O, and it avoids a thread hop
    # that would compete for the GIL with the answer workers.
    handler = SlackRequestHandler(bolt_app)

    async def slack_events(request: Request) -> Response:
        # Refuse oversized bodies before reading them whole or checking their signature.
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return Response("request body too large", status_code=413)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return Response("request body too large", status_code=413)
        if not well_formed(bytes(body), request.headers.get("content-type")):
            # Bolt would raise while parsing (a 500 and a traceback) before checking the
            # signature; no request from Slack looks like this.
            return Response("malformed request body", status_code=400)
        return await handler.handle(replayed(request, bytes(body)))

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"ok": True})

    return Starlette(
        routes=[
            Route(EVENTS_PATH, slack_events, methods=["POST"]),
            Route(HEALTH_PATH, healthz, methods=["GET"]),
        ]
    )


def well_formed(body: bytes, content_type: str | None) -> bool:
    """True when Bolt can parse `body` into the object every Slack payload is."""
    from slack_bolt.request.internals import parse_body

    try:
        parsed = parse_body(body.decode("utf-8"), content_type)
    except ValueError:  # bad UTF-8 or JSON
        return False
    return isinstance(parsed, dict)


def replayed(request: Request, body: bytes) -> Request:
    """A copy of `request` whose body (already read from the wire) is `body`."""
    from starlette.requests import Request

    sent = False

    async def receive() -> dict[str, object]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


def serve_http(bolt_app: App, *, host: str, port: int, log_level: str = "info") -> None:
    """Run the HTTP app under uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(
        create_asgi_app(bolt_app),
        host=host,
        port=port,
        log_level=log_level.lower(),
        access_log=False,
        proxy_headers=True,
    )


def serve_socket_mode(bolt_app: App, app_token: str) -> None:
    """Connect over Socket Mode (no public URL needed) until interrupted; a refused
    SLACK_APP_TOKEN stops the start with one line naming it."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError

    handler = SocketModeHandler(bolt_app, app_token)
    try:
        # start() connects first (apps.connections.open), then only waits: a SlackApiError
        # can only come from that first call, before anything is served.
        handler.start()
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else None
        raise ConfigError(
            f"SLACK_APP_TOKEN was refused by Slack: {error or exc}"
            " (Socket Mode needs an app-level xapp- token with connections:write)"
        ) from None
