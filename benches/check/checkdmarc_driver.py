"""Runs checkdmarc (PyPI) against the in-process lab of `benches/check.rs` (h), offline.

checkdmarc asks DNS on port 53 and connects to port 443 (the MTA-STS policy) and 25 (MX
STARTTLS, with --check-mx-tls) through the system resolver. Here everything is pointed at the
lab on loopback instead: its DNS questions go to the lab resolver (a dnspython nameserver
object with the lab's port, which checkdmarc accepts), and `socket.getaddrinfo` resolves the
lab's names (`*.example`) through the lab and maps ports 443 and 25 to the lab's HTTPS and
SMTP ports. Any other name is refused, so nothing can leave loopback.

Usage: python checkdmarc_driver.py DNS_PORT HTTPS_PORT SMTP_PORT CA_PEM MX_TLS DOMAIN...
Prints `checkdmarc_seconds=S domains=N mta_sts_valid=V mx_starttls=T`: how many domains it
found a valid MTA-STS policy for, and how many MX host checks saw STARTTLS (with MX_TLS), so a
run that failed quickly cannot pass for a fast one.
"""

import os
import socket
import sys
import time

import dns.nameserver
import dns.resolver

dns_port, https_port, smtp_port = (int(a) for a in sys.argv[1:4])
ca_pem, mx_tls, domains = sys.argv[4], sys.argv[5] == "1", sys.argv[6:]
# The lab's CA for the policy fetch (requests) and the MX STARTTLS test (ssl's defaults).
os.environ["REQUESTS_CA_BUNDLE"] = ca_pem
os.environ["SSL_CERT_FILE"] = ca_pem

lab = dns.resolver.Resolver(configure=False)
lab.nameservers = [dns.nameserver.Do53Nameserver("127.0.0.1", dns_port)]
lab.lifetime = 5.0
_system_getaddrinfo = socket.getaddrinfo
PORTS = {443: https_port, 25: smtp_port, "443": https_port, "25": smtp_port}


def lab_getaddrinfo(host, port, *args, **kwargs):
    """The lab's address of a lab name; loopback literals as they are; nothing else."""
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name.startswith("127.") or name in ("localhost", "::1"):
        return _system_getaddrinfo(name, PORTS.get(port, port), *args, **kwargs)
    if not name.rstrip(".").endswith(".example"):
        raise socket.gaierror(socket.EAI_NONAME, f"not a lab name: {name}")
    address = lab.resolve(name, "A")[0].address
    return _system_getaddrinfo(address, PORTS.get(port, port), *args, **kwargs)


socket.getaddrinfo = lab_getaddrinfo

import checkdmarc  # noqa: E402  (after the patch, so nothing resolves before it)

start = time.monotonic()
results = checkdmarc.check_domains(
    domains,
    nameservers=[dns.nameserver.Do53Nameserver("127.0.0.1", dns_port)],
    check_mx_tls=mx_tls,
)
took = time.monotonic() - start
if isinstance(results, dict):
    results = [results]
valid = sum(1 for r in results if r.get("mta_sts", {}).get("valid"))
hosts = [h for r in results for h in r.get("mx", {}).get("hosts", [])]
starttls = sum(1 for h in hosts if h.get("starttls"))
print(
    f"checkdmarc_seconds={took:.3f} domains={len(results)} mta_sts_valid={valid} "
    f"mx_starttls={starttls}/{len(hosts)}"
)
if os.environ.get("CHECKDMARC_DUMP"):
    import json

    print(json.dumps(results[0], default=str, indent=1), file=sys.stderr)
