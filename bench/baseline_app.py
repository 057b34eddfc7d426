"""The baseline of ``bench/webhook.py``: a bare Starlette endpoint that answers a Twilio webhook.

It does what any Starlette TwiML endpoint must do and nothing more: it reads the urlencoded form
and answers the same empty TwiML as the real webhook (``worker.web.app.EMPTY_TWIML``), as
``text/xml``. It checks no signature and stores nothing.

``bench/webhook.py`` serves it through ``textcoach web`` itself, with ``create_app`` swapped for
one that returns this app, so both servers run under the same uvicorn options and logging by
construction. The ratio of the real webhook to this one is then the cost of what textcoach adds:
the signature check, the validation, the storage in PostgreSQL and the enqueue on Redis.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PATH = "/twilio/sms"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


async def twilio_sms(request: Request) -> Response:
    await request.form()
    return Response(EMPTY_TWIML, media_type="text/xml")


app = Starlette(routes=[Route(PATH, twilio_sms, methods=["POST"])])

