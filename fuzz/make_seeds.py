#!/usr/bin/env python3
"""Regenerates fuzz/seeds/ from the test vectors in the repository (policy and record strings
in src/rfc, report fixtures in tests/fixtures/reports) plus a few hand-written inputs."""
import ast, glob, hashlib, os, re
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
seeds = root + '/fuzz/seeds'
def put(target, data):
    if isinstance(data, str): data = data.encode()
    d = f'{seeds}/{target}'; os.makedirs(d, exist_ok=True)
    open(f'{d}/{hashlib.sha1(data).hexdigest()[:16]}', 'wb').write(data)

def rust_bytes(lit):
    # Rust byte/str literal body -> bytes (escapes \n \r \t \0 \\ \" \xNN are Python-compatible)
    return ast.literal_eval('b"' + lit + '"') if lit.isascii() else lit.encode()

# policies: byte-string literals in the policy tests
for f in ['src/rfc/policy_parse_tests.rs', 'src/rfc/lint_tests.rs', 'src/rfc/policy_parse.rs']:
    if not os.path.exists(f'{root}/{f}'): continue
    for lit in re.findall(r'b"((?:[^"\\]|\\.)*)"', open(f'{root}/{f}').read()):
        if '\\\n' in lit: continue
        try: put('policy', rust_bytes(lit))
        except Exception as e: print('skip', lit[:40], e)
put('policy', 'version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n')
put('policy', 'version: STSv1\nmode: testing\nmx: mx1.example.com\nmx: mx2.example.com\nmax_age: 86400\next.x: a b\n')
put('policy', '\ufeffversion: STSv1\rmode: none\r\nmax_age:0')

# records
for f in glob.glob(f'{root}/src/rfc/*.rs'):
    for lit in re.findall(r'"(v=(?:[^"\\{}]|\\[^\n])*)"', open(f).read()):
        try: text = ast.literal_eval('"' + lit + '"')
        except Exception as e: print('skip', lit, e); continue
        for target, prefix in (('sts_record', 'v=STS'), ('tlsrpt_record', 'v=TLSRPT')):
            if text.lower().startswith(prefix.lower()):
                put(target, b'\x00' + text.encode())
                put(target, b'\x07' + text.encode())
        if text.startswith('v=spf'):
            put('sts_record', b'\x00' + text.encode())
put('tlsrpt_record', b'\x03v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://r.example.com:8443/x%20y; ext=1')

# reports
for f in glob.glob(f'{root}/tests/fixtures/reports/*.json*'):
    put('report', open(f, 'rb').read())

# smtp
for s in [b'220 mx.example.com ESMTP ready\r\n250-mx.example.com hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 STARTTLS\r\n220 2.0.0 go ahead\r\n',
          b'220-first\r\n220-second\r\n220 third\r\n221 bye\r\n', b'554 5.7.1 no\r\n250x\r\n25\r\nHTTP/1.1 400 Bad\r\n',
          b'250-a\n251 b\n']:
    put('smtp_reply', s)

# domains
for s in ['mail.example.com', 'Mail.Example.COM.', 'b\u00fccher.example', 'xn--bcher-kva.example', '*.example.com',
          '*.EXAMPLE.net.', '192.0.2.1', '2001:db8::1', 'a..b', 'ex_ample.com', '-a.com', 'a' * 63 + '.com', 'com',
          ' mx1.example.org ', '1.2.3.4.5', '\u0661.example']:
    put('domain', s)

# sanitize
for s in ['a\x1b[2Jb\x1b]52;c;Zm9v\x07c\u202ed\u009be\x7f', 'mail.example.com \u2014 ok \u2713', 'ok\r\n', '\u2066x\u2069\u061c', '\u200e\u200f']:
    put('sanitize', s)
for t in sorted(os.listdir(seeds)): print(t, len(os.listdir(f'{seeds}/{t}')))
