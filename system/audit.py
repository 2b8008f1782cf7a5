"""Operators' command for the audit trail: check that no record was altered, deleted or reordered.

    python -m system.audit verify                       # every service
    python -m system.audit verify --service intake

Each service's ``audit_log`` is read in seq order and every hash and link recomputed
(shared/audit_chain.py). Each break is printed with its seq, and the exit code is 1; otherwise
"N records, chain intact" and the head (seq and hash): note the head somewhere else, since a
deletion of the newest records leaves a shorter chain that is still intact. Output names seqs and
hashes, never the records' contents. Records written before the chain existed (no seq) are not read.
"""
import argparse
import sys

from shared.audit_chain import COLLECTION, Verdict, read_chain, verify_chain
from shared.config import load_settings
from shared.database import service_database
from system.services import SERVICES


def verify_service(settings, service: str) -> Verdict:
    return verify_chain(read_chain(service_database(settings, service)[COLLECTION]))


def report(service: str, verdict: Verdict) -> list[str]:
    if verdict.intact:
        head = f"; head seq {verdict.head_seq} {verdict.head_hash}" if verdict.records else ""
        return [f"{service}: {verdict.records} records, chain intact{head}"]
    return [f"{service}: {brk}" for brk in verdict.breaks] + [
        f"{service}: {verdict.records} records, chain BROKEN at {len(verdict.breaks)} place(s)"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["verify"])
    parser.add_argument("--service", choices=[*SERVICES, "all"], default="all")
    args = parser.parse_args(argv)
    settings = load_settings()
    services = SERVICES if args.service == "all" else (args.service,)
    intact = True
    for service in services:
        verdict = verify_service(settings, service)
        intact = intact and verdict.intact
        for line in report(service, verdict):
            print(line)
    return 0 if intact else 1


if __name__ == "__main__":
    sys.exit(main())
