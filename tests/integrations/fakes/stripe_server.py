"""A small fake of Stripe's v1 HTTP API, run on a local port, for the official SDK to talk to.

It reproduces what the client relies on: form-encoded bodies, integer minor units, the
`Idempotency-Key` replay (same key and body → the first answer again with `Idempotent-Replayed:
true`; same key, other body → 400 `idempotency_error`), test PaymentMethods and their declines as
`card_error`s (402), over-refunds refused (400 `amount_too_large`), `Stripe-Account` for payouts,
and injected failures (`fail_next`) for retry tests. Every request is recorded.
"""
import itertools
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

DECLINES = {
    "pm_card_chargeDeclined": ("generic_decline", "Your card was declined."),
    "pm_card_chargeDeclinedInsufficientFunds": ("insufficient_funds", "Your card has insufficient funds."),
    "pm_card_chargeDeclinedExpiredCard": ("expired_card", "Your card has expired."),
    "pm_card_chargeDeclinedFraudulent": ("fraudulent", "Your card was declined."),
}
SUCCEEDING = {"pm_card_visa", "pm_card_mastercard"}


def nested(form: list[tuple[str, str]]) -> dict:
    """`metadata[order]=1&items[0][qty]=2` → nested dicts (Stripe's form encoding)."""
    result: dict = {}
    for key, value in form:
        parts = re.findall(r"[^\[\]]+", key)
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return result


class FakeStripe:
    def __init__(self):
        self.requests: list[dict] = []
        self.objects: dict[str, dict] = {}
        self.idempotent: dict[str, tuple[str, int, dict]] = {}
        self.failures: list[tuple[int, dict]] = []
        self.ids = itertools.count(1)
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeStripe":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, times: int, status: int = 500, headers: dict | None = None) -> None:
        self.failures.extend([(status, headers or {})] * times)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self.ids):06d}"

    # -- the API ---------------------------------------------------------------------------------
    def handle(self, method: str, path: str, params: dict, headers: dict) -> tuple[int, dict]:
        if method == "GET" and path == "/v1/balance":
            return 200, {"object": "balance", "livemode": False, "available": []}
        match = re.fullmatch(r"/v1/payment_intents(?:/(pi_\w+))?(?:/(capture|cancel|confirm))?", path)
        if match:
            return self.payment_intents(method, match.group(1), match.group(2), params)
        if method == "POST" and path == "/v1/refunds":
            return self.refund(params)
        if method == "POST" and path == "/v1/accounts":
            account = {"id": self.new_id("acct"), "object": "account", "email": params.get("email"),
                       "country": params.get("country"), "charges_enabled": False, "payouts_enabled": False,
                       "details_submitted": False, "metadata": params.get("metadata", {}),
                       "business_profile": params.get("business_profile", {}), "controller": params.get("controller")}
            self.objects[account["id"]] = account
            return 200, account
        if method == "POST" and path == "/v1/account_links":
            return 200, {"object": "account_link", "url": f"https://connect.stripe.com/setup/e/{params['account']}",
                         "expires_at": int(time.time()) + 300, "created": int(time.time())}
        if method == "POST" and path in ("/v1/transfers", "/v1/payouts"):
            kind = "transfer" if path.endswith("transfers") else "payout"
            obj = {"id": self.new_id("tr" if kind == "transfer" else "po"), "object": kind,
                   "amount": int(params["amount"]), "currency": params["currency"],
                   "metadata": params.get("metadata", {}), "status": "paid" if kind == "payout" else None}
            if kind == "transfer":
                obj["destination"] = params["destination"]
            else:
                obj["destination_account"] = headers.get("stripe-account")
            return 200, obj
        return 404, error("invalid_request_error", "resource_missing", f"Unrecognized request URL ({method}: {path}).")

    def payment_intents(self, method, intent_id, action, params):
        if intent_id is None:
            intent = {"id": self.new_id("pi"), "object": "payment_intent", "amount": int(params["amount"]),
                      "currency": params["currency"], "capture_method": params.get("capture_method", "automatic"),
                      "status": "requires_payment_method", "amount_capturable": 0, "amount_received": 0,
                      "payment_method": params.get("payment_method"), "metadata": params.get("metadata", {}),
                      "latest_charge": None, "last_payment_error": None, "livemode": False}
            self.objects[intent["id"]] = intent
            if intent["payment_method"]:
                intent["status"] = "requires_confirmation"
            if params.get("confirm") == "true":
                return self.confirm(intent, intent["payment_method"])
            return 200, intent
        intent = self.objects.get(intent_id)
        if intent is None:
            return 404, error("invalid_request_error", "resource_missing", f"No such payment_intent: '{intent_id}'")
        if method == "GET":
            return 200, intent
        if action == "confirm":
            return self.confirm(intent, params.get("payment_method") or intent["payment_method"])
        if action == "capture":
            if intent["status"] != "requires_capture":
                return 400, error("invalid_request_error", "payment_intent_unexpected_state",
                                  f"This PaymentIntent could not be captured because it has a status of "
                                  f"{intent['status']}.")
            amount = int(params.get("amount_to_capture", intent["amount_capturable"]))
            if amount > intent["amount_capturable"]:
                return 400, error("invalid_request_error", "amount_too_large",
                                  "The amount to capture must be less than or equal to the amount capturable.")
            intent.update(status="succeeded", amount_received=amount, amount_capturable=0)
            self.objects[intent["latest_charge"]].update(amount_captured=amount, captured=True)
            return 200, intent
        if action == "cancel":
            if intent["status"] in ("succeeded", "canceled"):
                return 400, error("invalid_request_error", "payment_intent_unexpected_state",
                                  f"You cannot cancel this PaymentIntent because it has a status of {intent['status']}.")
            intent.update(status="canceled", amount_capturable=0,
                          cancellation_reason=params.get("cancellation_reason", "requested_by_customer"))
            return 200, intent
        return 404, error("invalid_request_error", "resource_missing", "Unknown action")

    def confirm(self, intent, payment_method):
        if payment_method in DECLINES:
            code, message = DECLINES[payment_method]
            intent.update(status="requires_payment_method", last_payment_error={
                "type": "card_error", "code": "card_declined", "decline_code": code, "message": message})
            body = error("card_error", "card_declined", message)
            body["error"].update(decline_code=code, payment_intent=intent)
            return 402, body
        if payment_method not in SUCCEEDING:
            return 400, error("invalid_request_error", "resource_missing", f"No such PaymentMethod: '{payment_method}'")
        charge = {"id": self.new_id("ch"), "object": "charge", "amount": intent["amount"], "amount_captured": 0,
                  "amount_refunded": 0, "captured": False}
        self.objects[charge["id"]] = charge
        intent["latest_charge"] = charge["id"]
        if intent["capture_method"] == "manual":
            intent.update(status="requires_capture", amount_capturable=intent["amount"])
        else:
            intent.update(status="succeeded", amount_received=intent["amount"])
            charge.update(amount_captured=intent["amount"], captured=True)
        return 200, intent

    def refund(self, params):
        intent = self.objects.get(params.get("payment_intent"))
        if intent is None or intent["status"] != "succeeded":
            return 400, error("invalid_request_error", "charge_not_refundable", "This PaymentIntent has no charge to refund.")
        charge = self.objects[intent["latest_charge"]]
        remaining = charge["amount_captured"] - charge["amount_refunded"]
        amount = int(params.get("amount", remaining))
        if amount > remaining:
            return 400, error("invalid_request_error", "amount_too_large",
                              f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining}).")
        charge["amount_refunded"] += amount
        refund = {"id": self.new_id("re"), "object": "refund", "amount": amount, "currency": intent["currency"],
                  "payment_intent": intent["id"], "charge": charge["id"], "status": "succeeded",
                  "reason": params.get("reason"), "metadata": params.get("metadata", {})}
        return 200, refund

    # -- HTTP ------------------------------------------------------------------------------------
    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _serve(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                form = parse_qsl(raw, keep_blank_values=True)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with fake.lock:
                    fake.requests.append({"method": self.command, "path": self.path, "headers": headers,
                                          "body": raw, "form": dict(form), "params": nested(form)})
                    status, body, extra = self._answer(self.command, self.path.split("?")[0], nested(form), headers,
                                                       raw)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("Request-Id", f"req_fake{len(fake.requests)}")
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def _answer(self, method, path, params, headers, raw):
                if fake.failures:
                    status, extra = fake.failures.pop(0)
                    return status, error("api_error", None, "An unknown error occurred"), extra
                key = headers.get("idempotency-key")
                if method == "POST" and key:
                    seen = fake.idempotent.get(key)
                    if seen is not None:
                        if seen[0] != raw:
                            return 400, error("idempotency_error", "idempotency_key_in_use",
                                              "Keys for idempotent requests can only be used with the same "
                                              "parameters they were first used with."), {}
                        return seen[1], seen[2], {"Idempotent-Replayed": "true", "Idempotency-Key": key}
                status, body = fake.handle(method, path, params, headers)
                if method == "POST" and key:
                    fake.idempotent[key] = (raw, status, json.loads(json.dumps(body)))  # the answer as sent
                return status, body, {"Idempotency-Key": key} if key else {}

            do_GET = do_POST = do_DELETE = _serve

        return Handler


def error(kind: str, code: str | None, message: str) -> dict:
    body = {"error": {"type": kind, "message": message}}
    if code:
        body["error"]["code"] = code
    return body
