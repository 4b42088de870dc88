"""A stand-in for Starlight's V4 scanner service, for rehearsing the attach guide on one machine.

It answers ``POST /v1/scan`` (the image as the body) the way Starlight's ``scanner.py`` does:
``{is_stego, stego_probability, method_id, bit_order, stego_type, confidence, extracted_message?}``,
in Starlight's own words (``eoi`` for bytes after the end of the image, ``lsb`` for RGB LSB). Its
judgement is a toy: bytes after a JPEG's end-of-image marker are an ``eoi`` payload; everything
else is clean. Standard library only.

    python3 examples/python/starlight_standin.py --port 8000
"""
import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EOI_METHOD_ID = 4  # the model's method head: 0 alpha, 1 palette, 2 lsb.rgb, 3 exif, 4 raw


def judge(body):
    end = body.rfind(b"\xff\xd9")
    tail = body[end + 2:] if body.startswith(b"\xff\xd8") and end >= 0 else b""
    if tail:
        message = tail.rstrip(b"\0").decode("utf-8", "replace")
        return {"is_stego": True, "stego_probability": 0.97, "method_id": EOI_METHOD_ID, "bit_order": "none",
                "stego_type": "eoi", "confidence": 0.95, "extracted_message": message}
    return {"is_stego": False, "stego_probability": 0.03, "method_id": 0, "bit_order": "none",
            "stego_type": None, "confidence": 0.9}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        if self.path.split("?")[0] != "/v1/scan":
            self.send_error(404)
            return
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        answer = json.dumps(judge(body)).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def main():
    p = argparse.ArgumentParser(description="stand-in for Starlight's V4 scanner")
    p.add_argument("--port", type=int, default=8000)
    args = p.parse_args()
    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
