"""Serve the review pages of a graded folder on this machine and save what a TA enters.

`python -m autograder.review OUT [--port N]` (`make review OUT=<dir> PORT=<n>`) serves
`OUT/manual/` at http://127.0.0.1:N/ and prints the address of each page. A page loads
the scores and comments saved so far (GET /scores) and its **Save** button sends those
the TA changed (POST /save); they are checked as `make grade` checks
`OUT/manual_scores.csv` (the gradebook says which answers wait for a hand score) and
merged into that file at once, under a lock, so TAs saving on several pages, or through
several servers, keep each other's scores. The next `make grade` puts them in the
gradebook and the feedback files. A malformed save gets a 400 and a one-line reason.

Only this machine can connect (127.0.0.1), and a save must carry the token the server
put into the pages it served, so no other web page can send scores.
"""

import argparse
import contextlib
import dataclasses
import errno
import fcntl
import http.server
import json
import pathlib
import secrets
from urllib.parse import parse_qs, unquote, urlparse

from . import hand_grading
from .gradebook import read_csv
from .review_pages import TOKEN_PLACEHOLDER

MAX_BODY = 4 * 1024 * 1024
DEFAULT_PORT = 8765
PORTS_TRIED = 20  # without --port: the default and the next ones, the first free one
ENTRY_FIELDS = ("student", "notebook", "question", "score")  # each entry must give these
LOCK_FILE = ".manual_scores.lock"


class BadRequest(ValueError):
    """A save request that cannot be read; its text is the one-line reason."""


@contextlib.contextmanager
def locked(out_dir):
    """Hold the lock of OUT's scores file: one save at a time, across servers."""
    with open(out_dir / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def saved_scores(out_dir, notebook, question):
    """The hand scores saved for one written question, as dicts of text by the scores
    file's columns (as a page sends them back), and the problems of the scores file."""
    scores, problems = hand_grading.read_scores(out_dir / hand_grading.SCORES_FILE,
                                                read_csv(out_dir / "gradebook.csv"))
    return ([dict(zip(hand_grading.COLUMNS, (f"{value:g}" if isinstance(value, float) else value
                                             for value in dataclasses.astuple(score))))
             for key, score in sorted(scores.items()) if key[1:] == (notebook, question)], problems)


def save(out_dir, entries):
    """Merge `entries` (dicts with student, notebook, question, score, comment) into
    OUT/manual_scores.csv; return (the students whose entries were saved, problems). An
    entry with neither score nor comment removes that answer's score. Nothing is written
    while the file itself has a problem: it is reported instead."""
    with locked(out_dir):
        rows = read_csv(out_dir / "gradebook.csv")
        path = out_dir / hand_grading.SCORES_FILE
        scores, problems = hand_grading.read_scores(path, rows)
        if problems:
            return [], problems + [f"fix {path.name} first: nothing was saved"]
        saved, rejected, answers = [], [], hand_grading.Answers(rows)
        for entry in entries:
            fields = [str(entry.get(column, "")) for column in hand_grading.COLUMNS]
            student = fields[0].strip()
            if not fields[3].strip():
                if fields[4].strip():
                    rejected.append(f"{student}: a comment needs a score")
                    continue
                scores.pop(tuple(f.strip() for f in fields[:3]), None)
                saved.append(student)
                continue
            problem = hand_grading.problem_of(fields, answers)
            if problem:
                rejected.append(f"{student}: {problem}")
                continue
            score = hand_grading.hand_score(fields)
            scores[score.student, score.notebook, score.question] = score
            saved.append(student)
        hand_grading.write_scores(path, scores.values())
    return saved, rejected


def _entry(item, number):
    """One entry of a save request, checked: a dict of strings (a score may be a number)."""
    if not isinstance(item, dict):
        raise BadRequest(f"scores[{number}] is a {type(item).__name__}, not an object")
    missing = [field for field in ENTRY_FIELDS if field not in item]
    if missing:
        raise BadRequest(f"scores[{number}] lacks {', '.join(missing)}")
    for field, value in item.items():
        number_ok = field == "score" and isinstance(value, (int, float)) and not isinstance(value, bool)
        if not isinstance(value, str) and not number_ok:
            raise BadRequest(f"scores[{number}].{field} is a {type(value).__name__}, not text")
    return item


def request_of(body):
    """(token, entries) of a save request's body; BadRequest says what is wrong."""
    try:
        request = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise BadRequest("the body is not JSON (or nested too deep)") from None
    if not isinstance(request, dict):
        raise BadRequest(f"the body is a JSON {type(request).__name__}, not an object "
                         f"with token and scores")
    if not isinstance(request.get("token"), str):
        raise BadRequest("the body has no token (text)")
    if not isinstance(request.get("scores"), list):
        raise BadRequest("the body has no scores (a list)")
    return request["token"], [_entry(item, n) for n, item in enumerate(request["scores"])]


class ReviewHandler(http.server.BaseHTTPRequestHandler):
    """GET a file of OUT/manual/ (pages get the token) or /scores; POST /save."""
    out_dir: pathlib.Path
    token: str

    def _reply(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status, reason):
        self._reply(status, json.dumps({"error": reason}))

    def _local(self):
        """Whether the request names this machine (no DNS-rebinding of another host); any
        port, for an SSH tunnel from another one."""
        return self.headers.get("Host", "").rsplit(":", 1)[0] in ("127.0.0.1", "localhost")

    def do_GET(self):
        url = urlparse(self.path)
        if self._local() and url.path == "/scores":
            query = parse_qs(url.query)
            scores, problems = saved_scores(self.out_dir, *(query.get(name, [""])[0]
                                                            for name in ("notebook", "question")))
            return self._reply(200, json.dumps({"scores": scores, "problems": problems}))
        manual = (self.out_dir / "manual").resolve()
        path = (manual / unquote(url.path).lstrip("/")).resolve()
        if not self._local() or not path.is_relative_to(manual) or not path.is_file():
            return self._reply(404, "not found", "text/plain")
        if path.suffix == ".html":
            page = path.read_text().replace(TOKEN_PLACEHOLDER, self.token, 1)
            return self._reply(200, page, "text/html; charset=utf-8")
        kind = "text/javascript" if path.suffix == ".js" else "application/octet-stream"
        return self._reply(200, path.read_bytes(), kind)

    def do_POST(self):
        if not self._local() or urlparse(self.path).path != "/save":
            return self._error(404, "not found")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return self._error(400, "the Content-Length is not a number")
        if not 0 < length <= MAX_BODY:
            return self._error(400 if length <= 0 else 413, "the body is empty" if length <= 0
                               else f"the body is over {MAX_BODY // 2**20} MiB")
        try:
            token, entries = request_of(self.rfile.read(length))
        except BadRequest as reason:
            return self._error(400, str(reason))
        if not secrets.compare_digest(token.encode(), self.token.encode()):
            return self._error(403, "reload the page: its token is not this server's")
        try:
            saved, problems = save(self.out_dir, entries)
        except OSError as error:  # the folder went away or cannot be written: say so
            return self._error(500, f"nothing was saved: {error}")
        self._reply(200, json.dumps({"saved": saved, "problems": problems,
                                     "file": str(self.out_dir / hand_grading.SCORES_FILE)}))

    def log_message(self, *args):  # the TA's terminal shows only the page list
        pass


def serve(out_dir, port=0):
    """The review server for `out_dir` on 127.0.0.1 (port 0: any free port), not started."""
    handler = type("Handler", (ReviewHandler,), {"out_dir": pathlib.Path(out_dir).resolve(),
                                                 "token": secrets.token_urlsafe(24)})
    return http.server.HTTPServer(("127.0.0.1", port), handler)


def serve_on_a_free_port(out_dir, port):
    """The review server on `port` (None: the default or one of the next free ports);
    SystemExit with one line when the port asked for is busy."""
    for candidate in [port] if port else range(DEFAULT_PORT, DEFAULT_PORT + PORTS_TRIED):
        try:
            return serve(out_dir, candidate)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
    if port:
        raise SystemExit(f"port {port} is busy (another `make review`?): stop that server, "
                         f"or choose another port with PORT=<n>")
    raise SystemExit(f"ports {DEFAULT_PORT} to {DEFAULT_PORT + PORTS_TRIED - 1} are busy: "
                     f"choose a free port with PORT=<n>")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--port", type=int, default=None,
                        help=f"the port (default: {DEFAULT_PORT}, or the next free one)")
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out)
    pages = sorted((out / "manual").glob("*/*.html"))
    if not pages:
        raise SystemExit(f"no review pages in {out / 'manual'}: run `make grade OUT={out}` first")
    server = serve_on_a_free_port(out, args.port)
    base = f"http://127.0.0.1:{server.server_port}"
    if not args.port and server.server_port != DEFAULT_PORT:
        print(f"Port {DEFAULT_PORT} is busy (another `make review`?): serving on "
              f"{server.server_port}.")
    print(f"Review pages of {out} (scores are saved to {out / hand_grading.SCORES_FILE}):")
    for page in pages:
        print(f"  {base}/{page.relative_to(out / 'manual').as_posix()}")
    print(f"From another machine: run `ssh -N -L {server.server_port}:127.0.0.1:"
          f"{server.server_port} <you>@<this machine>` there, then open these addresses.")
    print("Press Ctrl-C to stop.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
