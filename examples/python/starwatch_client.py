"""A small Starwatch client for Python services (Starlight is Python).

Two things a Python service wants from the collector's HTTP API:

- ``post_event(event)``: send one InferenceEvent (contract v1, ``schemas/inference-event.ts``) to
  ``POST /metrics/log``, for code paths that do not run the agent;
- ``follow(topics)``: the live WebSocket feed (``collector/live/PROTOCOL.md``), one decoded
  message at a time.

Standard library plus ``websockets`` (Debian: python3-websockets). Run as a script it does either:

    python3 starwatch_client.py --url http://127.0.0.1:9471 post event.json
    python3 starwatch_client.py --url http://127.0.0.1:9471 follow 'windows.10s.*.*' alerts

The token comes from ``--token`` or ``$STARWATCH_API_TOKEN``; a separate write token for posting
from ``--write-token`` or ``$STARWATCH_API_WRITE_TOKEN`` where the collector has one. Tokens go in
the ``Authorization`` header only, never in a URL, so they stay out of proxy and server logs.
"""
import argparse
import asyncio
import json
import os
import sys
import urllib.error
import urllib.request

import websockets


class StarwatchError(Exception):
    """The collector refused a request: ``status`` and its typed ``code``."""

    def __init__(self, status, code, message):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code = status, code


class Client:
    def __init__(self, url, token, write_token=None, timeout=10.0):
        self.url = url.rstrip("/")
        self.token = token
        self.write_token = write_token or token
        self.timeout = timeout

    def post_event(self, event):
        """Sends one event; returns the collector's answer (``accepted``, ``event_id``, ...)."""
        req = urllib.request.Request(
            self.url + "/metrics/log",
            data=json.dumps(event).encode(),
            method="POST",
            headers={"content-type": "application/json", "authorization": f"Bearer {self.write_token}"},
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as res:
                return json.load(res)
        except urllib.error.HTTPError as e:
            body = _json_or_empty(e.read())
            err = body.get("error", {}) if isinstance(body.get("error"), dict) else body
            raise StarwatchError(e.code, err.get("code", "http_error"), err.get("message", e.reason)) from None

    async def follow(self, topics):
        """Yields each message of the live feed after subscribing to ``topics``."""
        ws_url = "ws" + self.url[len("http"):] + "/ws"
        async with _connect(ws_url, {"authorization": f"Bearer {self.token}"}) as ws:
            await ws.send(json.dumps({"v": 1, "type": "subscribe", "topics": list(topics), "id": "py"}))
            async for frame in ws:
                yield json.loads(frame)


def _connect(url, headers):
    # websockets renamed extra_headers to additional_headers in version 14 (Debian 12 has 10.4).
    major = int(websockets.__version__.split(".")[0])
    if major >= 14:
        return websockets.connect(url, additional_headers=headers)
    return websockets.connect(url, extra_headers=headers)


def _json_or_empty(raw):
    try:
        return json.loads(raw)
    except ValueError:
        return {}


async def _print_feed(client, topics, count):
    seen = 0
    async for message in client.follow(topics):
        print(json.dumps(message), flush=True)
        if message.get("type") in ("snapshot", "update"):
            seen += 1
            if count and seen >= count:
                return


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default=os.environ.get("STARWATCH_API_URL", "http://127.0.0.1:9471"))
    p.add_argument("--token", default=os.environ.get("STARWATCH_API_TOKEN"))
    p.add_argument("--write-token", default=os.environ.get("STARWATCH_API_WRITE_TOKEN"))
    sub = p.add_subparsers(dest="command", required=True)
    post = sub.add_parser("post", help="send the events of JSON files (one event, or a list)")
    post.add_argument("files", nargs="+")
    follow = sub.add_parser("follow", help="print live feed messages as JSON lines")
    follow.add_argument("topics", nargs="+")
    follow.add_argument("--count", type=int, default=0, help="stop after this many snapshots/updates")
    args = p.parse_args(argv)
    if not args.token:
        p.error("no token: --token or $STARWATCH_API_TOKEN")
    client = Client(args.url, args.token, args.write_token)
    if args.command == "post":
        for name in args.files:
            with open(name) as f:
                loaded = json.load(f)
            for event in loaded if isinstance(loaded, list) else [loaded]:
                try:
                    print(json.dumps(client.post_event(event)), flush=True)
                except StarwatchError as e:
                    print(f"starwatch: {e}", file=sys.stderr)
                    return 1
        return 0
    asyncio.run(_print_feed(client, args.topics, args.count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
