"""A bare WSGI app that sends an API transition's statements straight through psycopg: the HTTP floor.

bench/http.py serves it with gunicorn beside caseflow. Per request, on one connection of its worker:
the token and its user, the case under lock, the case's update, its history record, review and notice,
the commit, and the answer's read, as caseflow's request path sends them (one transaction, writes pipelined).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os

import psycopg

URL = os.environ.get("BARE_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/caseflow_bench")
_conn = None


def _connection():
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg.connect(URL.replace("postgresql+psycopg://", "postgresql://"))
    return _conn


def _fire(conn, secret: str, case_id: int, reason: str) -> dict:
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with conn.transaction():
        user = conn.execute("SELECT t.id, u.id, u.email, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id "
                            "WHERE t.token_hash = %s", (hashlib.sha256(secret.encode()).hexdigest(),)).fetchone()
        case = conn.execute("SELECT id, state, version, history_seq, history_head, owner_id FROM cases "
                            "WHERE id = %s FOR UPDATE", (case_id,)).fetchone()
        seq, digest = case[3] + 1, hashlib.sha256(f"{case[4]}{case_id}{now}".encode()).hexdigest()
        with conn.pipeline():
            conn.execute("UPDATE cases SET state = 'under_review', version = %s, history_seq = %s, history_head = %s, "
                         "updated_at = %s WHERE id = %s AND version = %s", (case[2] + 1, seq, digest, now, case_id, case[2]))
            conn.execute("INSERT INTO history_records (case_id, seq, trigger, from_state, to_state, actor, actor_user_id,"
                         " at, data, comment, prev_hash, hash) VALUES (%s, %s, 'start_review', 'active', 'under_review',"
                         " %s, %s, %s, %s, NULL, %s, %s)",
                         (case_id, seq, user[2], user[1], now, json.dumps({"fields": {"reason": reason}}), case[4], digest))
            conn.execute("INSERT INTO reviews (case_id, due_on, opened_at, opened_by, reason) VALUES (%s, %s, %s, %s, %s)",
                         (case_id, now.date(), now, user[2], reason))
            conn.execute("INSERT INTO notifications (user_id, case_id, kind, message, dedup_key, created_at) "
                         "VALUES (%s, %s, 'transition:start_review', 'moved', %s, %s)",
                         (case[5], case_id, f"transition:{case_id}:{seq}:{case[5]}", now))
    answer = conn.execute("SELECT c.id, c.state, c.version, p.name, o.email FROM cases c JOIN organisations p "
                          "ON p.id = c.partner_id JOIN users o ON o.id = c.owner_id WHERE c.id = %s", (case_id,)).fetchone()
    conn.rollback()
    return {"case": {"id": answer[0], "state": answer[1], "version": answer[2], "partner": answer[3], "owner": answer[4]}}


def app(environ, start_response):
    """POST /api/v1/cases/<id>/transitions with a bearer token: start a review, answer the case."""
    case_id = int(environ["PATH_INFO"].strip("/").split("/")[3])
    secret = environ.get("HTTP_AUTHORIZATION", "").partition(" ")[2]
    body = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)) or b"{}")
    payload = json.dumps(_fire(_connection(), secret, case_id, body["data"]["reason"])).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]
