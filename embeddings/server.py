"""An OpenAI-compatible embedding service for sentence-embedding models, offline, on the CPU.

    .venv/bin/python embeddings/server.py [--host 127.0.0.1] [--port 8788] [--models all-MiniLM-L6-v2]

Prints `listening on http://HOST:PORT` once every model is loaded. See embeddings/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models as catalogue  # noqa: E402
from wire import ApiError, embeddings_body, model_body, models_body, parse_request  # noqa: E402

MAX_BODY_BYTES = 16 * 1024 * 1024


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default backlog of 5 refuses bursts of connections


def make_handler(loaded: dict[str, catalogue.Model], batch_size: int, verbose: bool):
    served = {name: m.dimensions for name, m in loaded.items()}
    created = int(time.time())

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as HTTP clients (the openai package) expect
        server_version = "crossfork-embeddings/1"

        def do_GET(self):
            self._route("GET")

        def do_POST(self):
            self._route("POST")

        def _route(self, method: str) -> None:
            path = self.path.split("?", 1)[0].rstrip("/") or "/"
            self._drained = False  # one handler serves every request of a kept-alive connection
            try:
                if path == "/v1/embeddings":
                    self._only(method, "POST")
                    return self._embeddings()
                if path == "/v1/models":
                    self._only(method, "GET")
                    return self._send(200, models_body(served, created))
                if path.startswith("/v1/models/"):
                    self._only(method, "GET")
                    name = path[len("/v1/models/"):]
                    if name not in served:
                        raise ApiError(404, f"The model `{name}` does not exist or you do not have access to it.",
                                       param="model", code="model_not_found")
                    return self._send(200, model_body(name, created))
                if path == "/healthz":
                    self._only(method, "GET")
                    return self._send(200, {"status": "ok", "models": served})
                raise ApiError(404, f"Invalid URL ({method} {path})")
            except ApiError as err:
                self._drain()
                self._send(err.status, err.body())
            except Exception as err:  # noqa: BLE001 - a bug answers 500, the server lives on
                print(f"[embeddings] error on {method} {path}: {err!r}", file=sys.stderr, flush=True)
                self.close_connection = True  # whatever is left of the request is not read
                self._send(500, ApiError(500, "The server had an error while processing your request.",
                                         kind="server_error").body())

        def _only(self, method: str, allowed: str) -> None:
            if method != allowed:
                raise ApiError(405, f"Method {method} not allowed on {self.path.split('?', 1)[0]}; use {allowed}.")

        def _embeddings(self) -> None:
            length = self._length()
            raw = self.rfile.read(length)
            self._drained = True
            try:
                body = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                raise ApiError(400, "We could not parse the JSON body of your request.") from None
            request = parse_request(body, served)
            started = time.perf_counter()
            vectors, tokens = loaded[request.model].encode(request.inputs, batch_size)
            if verbose:
                ms = (time.perf_counter() - started) * 1000
                print(f"[embeddings] {request.model}: {len(request.inputs)} inputs in {ms:.0f} ms", file=sys.stderr, flush=True)
            self._send(200, embeddings_body(request, vectors, tokens))

        def _length(self) -> int:
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                self.close_connection = True
                raise ApiError(411, "Chunked request bodies are not supported: send Content-Length.")
            try:
                length = int(self.headers.get("Content-Length", "0"))
            except ValueError:
                raise ApiError(400, "Invalid Content-Length.") from None
            if length > MAX_BODY_BYTES:
                # Read and drop a moderately large body, so the client sees the answer, not a reset.
                if length <= 4 * MAX_BODY_BYTES:
                    while length > 0:
                        chunk = self.rfile.read(min(length, 1 << 20))
                        if not chunk:
                            break
                        length -= len(chunk)
                    self._drained = True
                else:
                    self.close_connection = True
                raise ApiError(413, f"Request body is larger than {MAX_BODY_BYTES} bytes.")
            return max(length, 0)

        def _drain(self) -> None:
            """Reads an unread body, so the connection can carry the next request."""
            if self.close_connection or self.command != "POST" or self._drained:
                return
            self._drained = True
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                self.close_connection = True
                return
            try:
                length = int(self.headers.get("Content-Length", "0"))
            except ValueError:
                self.close_connection = True
                return
            if length > MAX_BODY_BYTES:
                self.close_connection = True
            elif length > 0:
                self.rfile.read(length)

        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body, separators=(",", ":")).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if status == 405:
                self.send_header("Allow", "POST" if self.path.startswith("/v1/embeddings") else "GET")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
            if verbose:
                super().log_message(format, *args)

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="OpenAI-compatible /v1/embeddings for sentence-embedding models.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8788, help="port; 0 picks a free one (default 8788)")
    parser.add_argument("--models", default="all-MiniLM-L6-v2",
                        help=f"comma-separated NAME or NAME=DIR (known: {', '.join(catalogue.KNOWN)}; default all-MiniLM-L6-v2)")
    parser.add_argument("--batch-size", type=int, default=16,
                        help="texts per forward pass, by length, so short texts pad less (default 16)")
    parser.add_argument("--threads", type=int, default=0, help="PyTorch CPU threads (default: all cores)")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535 or args.batch_size < 1 or args.threads < 0:
        parser.error("--port must be 0-65535, --batch-size ≥ 1, --threads ≥ 0")

    started = time.perf_counter()
    try:
        wanted = catalogue.parse_models(args.models)
        for name, directory in wanted:  # every file is found before the slow imports start
            catalogue.locate(name, directory)
        import torch
        if args.threads:
            torch.set_num_threads(args.threads)
        loaded = {name: catalogue.load(name, directory) for name, directory in wanted}
    except catalogue.ModelError as err:
        print(f"[embeddings] {err}", file=sys.stderr, flush=True)
        return 1

    server = Server((args.host, args.port), make_handler(loaded, args.batch_size, args.verbose))
    host, port = server.server_address[:2]
    for m in loaded.values():
        print(f"[embeddings] {m.name}: {m.dimensions} dimensions, {m.max_tokens} tokens, from {m.directory}",
              file=sys.stderr, flush=True)
    print(f"[embeddings] ready in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    print(f"listening on http://{host}:{port}", flush=True)

    def stop(_signum, _frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
