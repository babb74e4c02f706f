"""Serve the review pages of a graded folder on this machine and save what a TA enters.

`python -m autograder.review OUT [--port N]` (`make review OUT=<dir>`) serves
`OUT/manual/` at http://127.0.0.1:N/ and prints the address of each page. A page's
**Save** button sends its scores and comments here; they are checked as `make grade`
checks `OUT/manual_scores.csv` (the gradebook says which answers wait for a hand score)
and merged into that file at once. The next `make grade` puts them in the gradebook and
the feedback files.

Only this machine can connect (127.0.0.1), and a save must carry the token the server
put into the pages it served, so no other web page can send scores.
"""

import argparse
import http.server
import json
import pathlib
import secrets
from urllib.parse import unquote, urlparse

from . import hand_grading
from .gradebook import read_csv
from .review_pages import TOKEN_PLACEHOLDER

MAX_BODY = 4 * 1024 * 1024


def save(out_dir, entries):
    """Merge `entries` (dicts with student, notebook, question, score, comment) into
    OUT/manual_scores.csv; return (how many were saved, problems). An entry with no score
    removes that answer's score. Nothing is written while the file itself has a problem:
    it is reported instead."""
    rows = read_csv(out_dir / "gradebook.csv")
    path = out_dir / hand_grading.SCORES_FILE
    scores, problems = hand_grading.read_scores(path, rows)
    if problems:
        return 0, problems + [f"fix {path.name} first: nothing was saved"]
    saved, rejected, answers = 0, [], hand_grading.Answers(rows)
    for entry in entries:
        fields = [str(entry.get(column, "")) for column in hand_grading.COLUMNS]
        if not fields[3].strip():
            scores.pop(tuple(f.strip() for f in fields[:3]), None)
            continue
        problem = hand_grading.problem_of(fields, answers)
        if problem:
            rejected.append(f"{fields[0].strip()}: {problem}")
            continue
        score = hand_grading.hand_score(fields)
        scores[score.student, score.notebook, score.question] = score
        saved += 1
    hand_grading.write_scores(path, scores.values())
    return saved, rejected


class ReviewHandler(http.server.BaseHTTPRequestHandler):
    """GET a file of OUT/manual/ (pages get the token); POST /save."""
    out_dir: pathlib.Path
    token: str

    def _reply(self, status, body, content_type):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _local(self):
        """Whether the request names this server (no DNS-rebinding of another host)."""
        return self.headers.get("Host", "") in (f"127.0.0.1:{self.server.server_port}",
                                                f"localhost:{self.server.server_port}")

    def do_GET(self):
        manual = (self.out_dir / "manual").resolve()
        path = (manual / unquote(urlparse(self.path).path).lstrip("/")).resolve()
        if not self._local() or not path.is_relative_to(manual) or not path.is_file():
            return self._reply(404, "not found", "text/plain")
        if path.suffix == ".html":
            page = path.read_text().replace(TOKEN_PLACEHOLDER, self.token, 1)
            return self._reply(200, page, "text/html; charset=utf-8")
        kind = "text/javascript" if path.suffix == ".js" else "application/octet-stream"
        return self._reply(200, path.read_bytes(), kind)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if not self._local() or urlparse(self.path).path != "/save" or not 0 < length <= MAX_BODY:
            return self._reply(404, json.dumps({"error": "not found"}), "application/json")
        try:
            request = json.loads(self.rfile.read(length))
            authorised = secrets.compare_digest(str(request.get("token", "")), self.token)
            entries = list(request["scores"]) if authorised else None
        except (ValueError, KeyError, TypeError):
            return self._reply(400, json.dumps({"error": "a malformed request"}), "application/json")
        if entries is None:
            return self._reply(403, json.dumps({"error": "reload the page: its token is not this "
                                                         "server's"}), "application/json")
        saved, problems = save(self.out_dir, entries)
        self._reply(200, json.dumps({"saved": saved, "problems": problems,
                                     "file": str(self.out_dir / hand_grading.SCORES_FILE)}),
                    "application/json")

    def log_message(self, *args):  # the TA's terminal shows only the page list
        pass


def serve(out_dir, port=0):
    """The review server for `out_dir` on 127.0.0.1 (port 0: any free port), not started."""
    handler = type("Handler", (ReviewHandler,), {"out_dir": pathlib.Path(out_dir).resolve(),
                                                 "token": secrets.token_urlsafe(24)})
    return http.server.HTTPServer(("127.0.0.1", port), handler)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out)
    pages = sorted((out / "manual").glob("*/*.html"))
    if not pages:
        raise SystemExit(f"no review pages in {out / 'manual'}: run `make grade OUT={out}` first")
    server = serve(out, args.port)
    base = f"http://127.0.0.1:{server.server_port}"
    print(f"Review pages of {out} (scores are saved to {out / hand_grading.SCORES_FILE}):")
    for page in pages:
        print(f"  {base}/{page.relative_to(out / 'manual').as_posix()}")
    print("Press Ctrl-C to stop.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
