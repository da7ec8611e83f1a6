#!/usr/bin/env python3
"""Continuity review of a pull request (GitHub) or merge request (GitLab).

Runs `linchpin check` (against a baseline when there is one) and
`linchpin diff BASE` on the landscape, then posts the diff as one comment on
the pull request, or updates the comment it posted before (found by the
marker line `<!-- linchpin-diff -->`), so a pull request never collects a
comment per push. Exits 1 when the check or the diff's gate fails, so the
pipeline can block the merge; 2 on a usage or API error.

Needs Python 3.8+ and `linchpin` on PATH (or LINCHPIN=/path/to/linchpin);
only the standard library.

GitHub Actions: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH (the
pull request number is read from the event), GITHUB_API_URL.
GitLab CI: LINCHPIN_GITLAB_TOKEN (a project access token with `api` scope;
CI_JOB_TOKEN cannot write notes), CI_API_V4_URL, CI_PROJECT_ID,
CI_MERGE_REQUEST_IID.
Without either, the comment is printed and nothing is posted.
"""
import argparse
import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

MARKER = "<!-- linchpin-diff -->"


def run(args):
    print("+ " + " ".join(args), file=sys.stderr, flush=True)
    return subprocess.run(args, stdout=subprocess.PIPE, text=True)


class Host:
    """A code host's comments API: list, create, update."""

    def __init__(self, base, headers):
        self.base = base.rstrip("/")
        self.headers = headers

    def upsert(self, listing, create, update):
        """Updates the comment that starts with the marker, or creates one.

        `listing` and `create` are paths; `update(id)` is the method and path
        that change comment `id`."""

        def find():
            page = 1
            while True:
                items = self.call("GET", f"{listing}?per_page=100&page={page}")
                for c in items:
                    if (c.get("body") or "").startswith(MARKER):
                        return c["id"]
                if len(items) < 100:
                    return None
                page += 1

        def post(body):
            existing = find()
            if existing is None:
                self.call("POST", create, {"body": body})
                return "posted"
            method, path = update(existing)
            self.call(method, path, {"body": body})
            return "updated"

        return post

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        for k, v in self.headers.items():
            req.add_header(k, v)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as resp:
            text = resp.read().decode()
            return json.loads(text) if text else None


def github():
    token, repo = os.environ.get("GITHUB_TOKEN"), os.environ.get("GITHUB_REPOSITORY")
    event = os.environ.get("GITHUB_EVENT_PATH")
    if not (token and repo and event):
        return None
    with open(event, encoding="utf-8") as f:
        number = json.load(f).get("pull_request", {}).get("number")
    if not number:
        return None
    host = Host(
        os.environ.get("GITHUB_API_URL", "https://api.github.com"),
        {"Authorization": "Bearer " + token, "Accept": "application/vnd.github+json"},
    )
    comments = f"/repos/{repo}/issues/{number}/comments"
    return host.upsert(
        comments, comments, lambda id: ("PATCH", f"/repos/{repo}/issues/comments/{id}")
    )


def gitlab():
    token = os.environ.get("LINCHPIN_GITLAB_TOKEN")
    api, project = os.environ.get("CI_API_V4_URL"), os.environ.get("CI_PROJECT_ID")
    iid = os.environ.get("CI_MERGE_REQUEST_IID")
    if not (token and api and project and iid):
        return None
    host = Host(api, {"PRIVATE-TOKEN": token})
    notes = f"/projects/{urllib.parse.quote(project, safe='')}/merge_requests/{iid}/notes"
    return host.upsert(notes, notes, lambda id: ("PUT", f"{notes}/{id}"))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base", required=True, help="the target branch's revision, e.g. origin/main")
    p.add_argument("--landscape", default=".", help="the landscape folder")
    p.add_argument("--baseline", help="check's baseline file (only new findings fail)")
    p.add_argument("--fail-on", default="new-linchpin,new-breach",
                   help="diff's gate (comma-separated; empty for none)")
    a = p.parse_args()
    linchpin = os.environ.get("LINCHPIN", "linchpin")

    check = [linchpin, "check", a.landscape]
    if a.baseline and os.path.exists(a.baseline):
        check += ["--baseline", a.baseline]
    checked = run(check)
    sys.stdout.write(checked.stdout)

    diff = [linchpin, "diff", a.base, "-C", a.landscape, "--format", "markdown"]
    if a.fail_on:
        diff += ["--fail-on", a.fail_on]
    diffed = run(diff)
    if diffed.returncode not in (0, 1):
        print("linchpin diff failed", file=sys.stderr)
        return 2
    comment = diffed.stdout

    post = github() or gitlab()
    if post is None:
        print("no pull request to comment on; the comment would be:\n", file=sys.stderr)
        sys.stdout.write(comment)
    else:
        try:
            print(f"comment {post(comment)}", file=sys.stderr)
        except (urllib.error.URLError, OSError, ValueError, KeyError) as e:
            print(f"cannot post the comment: {e}", file=sys.stderr)
            return 2
    if checked.returncode == 2:
        return 2
    return 1 if checked.returncode == 1 or diffed.returncode == 1 else 0


if __name__ == "__main__":
    sys.exit(main())
