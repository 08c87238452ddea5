# Drill: `ladder serve` on PostgreSQL under steady traffic while every connection of its
# database is killed every 2 s. Counts the answers by status.
import http.cookiejar, os, re, subprocess, sys, threading, time, urllib.request, urllib.parse, collections
# Usage: BIN=target/debug/ladder python3 benches/drills/kill_connections.py
# (PostgreSQL on 127.0.0.1:5432, trust auth, user postgres; makes and drops its own database)
import tempfile
BIN = os.environ.get("BIN", "target/debug/ladder")
WORK = tempfile.mkdtemp(prefix="ladder-drill-")
db = f"ladder_drill_{os.getpid()}"
psql = ["psql", "-q", "-tA", "-h", "127.0.0.1", "-U", "postgres"]
subprocess.run(psql + ["-c", f"CREATE DATABASE {db}", "postgres"], check=True)
url = f"postgres://postgres@127.0.0.1:5432/{db}"
env = dict(os.environ, DATABASE_URL=url, LADDER_DATA_DIR=os.path.join(WORK, "data"), LADDER_BIND="127.0.0.1:18089",
           LADDER_BASE_URL="http://127.0.0.1:18089", RUST_LOG="info")
subprocess.run([BIN, "migrate"], env=env, check=True, capture_output=True)
out = subprocess.run([BIN, "admin", "create", "drill@ladder.example", "--password-stdin"], env=env, input=b"correct horse battery staple\n", capture_output=True)
# one user row exists: serve skips demo data
server = subprocess.Popen([BIN, "serve"], env=env, stdout=open(os.path.join(WORK, "serve.log"), "w"), stderr=subprocess.STDOUT)
base = "http://127.0.0.1:18089"
for _ in range(200):
    try:
        urllib.request.urlopen(base + "/healthz"); break
    except Exception: time.sleep(0.1)
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
def browser():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
def status(opener, path, data=None):
    try:
        return opener.open(base + path, data=data, timeout=30).status
    except urllib.error.HTTPError as e:
        return e.code
def login(opener):
    html = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": "drill@ladder.example", "password": "correct horse battery staple"}).encode()
    return status(opener, "/login", body)
admin = browser()
assert login(admin) == 303
counts = collections.Counter(); failures = []
stop = time.time() + 20
def traffic(paths):
    while time.time() < stop:
        for p in paths:
            s = status(admin, p)
            counts[s] += 1
            if s >= 500: failures.append((p, s))
threads = [threading.Thread(target=traffic, args=(["/admin", "/admin/outbox", "/readyz", "/login"],)) for _ in range(4)]
for t in threads: t.start()
kills = 0; killed = 0
while time.time() < stop - 1:
    time.sleep(2)
    r = subprocess.run(psql + ["-c", "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", db], capture_output=True, text=True)
    kills += 1; killed += int(r.stdout.strip() or 0)
    signer = browser(); s = login(signer); counts[("POST /login", s)] += 1
    if s >= 500: failures.append(("POST /login", s))
for t in threads: t.join()
server.terminate(); server.wait()
subprocess.run(psql + ["-c", f"DROP DATABASE {db} WITH (FORCE)", "postgres"])
print(f"{kills} kills, {killed} connections killed; answers: {dict(counts)}; failures: {len(failures)} {failures[:5]}")
