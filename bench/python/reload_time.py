"""Times how long a running `linchpin serve` takes to serve a new version
after one landscape file changes: append a comment to FILE, poll
/api/v1/status until its version differs, put the file back (and wait for
that version too). Prints the median of RUNS changes in seconds.

One process polls every 5 ms over one connection, so the measurement
does not take a core away from the server (a shell loop starting curl and
Python every 10 ms did).

usage: reload_time.py BASE_URL FILE RUNS
"""
import http.client
import json
import shutil
import statistics
import sys
import time
import urllib.parse


def main():
    base, path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)

    def version():
        conn.request("GET", "/api/v1/status")
        return json.loads(conn.getresponse().read())["version"]

    def wait_for_change(before, limit=120.0):
        start = time.monotonic()
        while time.monotonic() - start < limit:
            v = version()
            if v != before:
                return v
            time.sleep(0.005)
        raise SystemExit("the server did not serve a new version within %d s" % limit)

    saved = path + ".reload-time-saved"
    shutil.copyfile(path, saved)
    times = []
    try:
        for i in range(runs):
            before = version()
            t0 = time.monotonic()
            with open(path, "a") as f:
                f.write("\n# changed by bench/python/reload_time.py (%d)\n" % i)
            after = wait_for_change(before)
            times.append(time.monotonic() - t0)
            shutil.copyfile(saved, path)
            wait_for_change(after)
    finally:
        shutil.copyfile(saved, path)
        import os
        os.remove(saved)
    print("%.3f" % statistics.median(times))


if __name__ == "__main__":
    main()
