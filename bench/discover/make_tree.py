#!/usr/bin/env python3
"""Writes a synthetic source tree for the discovery benchmark: FILES files
(default 100,000) of about SIZE bytes (default 10,240: 1 GiB in all), code-like
text with, now and then, a URL or hostname of a real vendor. Deterministic."""
import os, random, sys

files = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
size = int(sys.argv[2]) if len(sys.argv) > 2 else 10_240
out = sys.argv[3] if len(sys.argv) > 3 else "tree"
rng = random.Random(42)
words = ("let const return if else for while match impl struct enum pub fn use mod self config value "
         "request response client server handler error result option string number list map key "
         "timeout retry backoff token secret user order payment invoice customer product cart").split()
hosts = ["api.stripe.com", "hooks.slack.com", "smtp.sendgrid.net", "api.github.com", "o123.ingest.sentry.io",
         "registry.npmjs.org", "s3.eu-west-1.amazonaws.com", "api.openai.com", "example.internal", "localhost"]
line = lambda: " ".join(rng.choice(words) for _ in range(rng.randint(4, 12)))
for i in range(files):
    d = os.path.join(out, f"svc{i % 100:02d}", f"pkg{(i // 100) % 100:02d}")
    os.makedirs(d, exist_ok=True)
    parts, n = [], 0
    while n < size:
        l = line()
        if rng.random() < 0.01:
            l += f' "https://{rng.choice(hosts)}/v1/{rng.randint(1, 999)}"'
        parts.append(l)
        n += len(l) + 1
    with open(os.path.join(d, f"file{i}.rs"), "w") as f:
        f.write("\n".join(parts) + "\n")
