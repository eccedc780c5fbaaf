"""A page with a button that sends a welcome email through the backend."""

import base64
import html

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.views.decorators.http import require_GET, require_POST

from postmark.django import PMEmailMultiAlternatives

# A 1x1 PNG, shown inline in the HTML body.
LOGO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)

PAGE = """<!doctype html><title>python-postmark example</title>
<h1>python-postmark Django example</h1>
<form method="post" action="/send/">
  <input type="hidden" name="csrfmiddlewaretoken" value="{token}">
  <label>To <input name="to" value="ada@example.com"></label>
  <button>Send a welcome email</button>
</form>
<p>{result}</p>"""


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE.format(token=get_token(request), result=""))


@require_POST
def send(request: HttpRequest) -> HttpResponse:
    to = request.POST.get("to", "ada@example.com")
    message = PMEmailMultiAlternatives(
        subject="Welcome!",
        body="Welcome aboard.",
        to=[to],
        tag="welcome",
        metadata={"source": "example-project"},
    )
    cid = message.attach_inline_image(LOGO, "logo.png")
    message.attach_alternative(f'<p>Welcome aboard.</p><img src="cid:{cid}">', "text/html")
    message.send()
    result = f"Sent to {html.escape(to)}: MessageID {message.message_id}"
    return HttpResponse(PAGE.format(token=get_token(request), result=result))
