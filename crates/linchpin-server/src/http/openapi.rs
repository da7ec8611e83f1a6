//! `/api/v1/openapi.json`: the API described (OpenAPI 3.1). The tests
//! validate real responses against these schemas, so they stay true.

use axum::Json;
use serde_json::{json, Value};

fn nullable(t: &str) -> Value {
    json!({ "type": [t, "null"] })
}

fn duration() -> Value {
    json!({
        "description": "A duration, or null when unbounded",
        "type": ["object", "null"],
        "required": ["seconds", "text"],
        "properties": { "seconds": { "type": "integer" }, "text": { "type": "string" } }
    })
}

fn array_of(r: &str) -> Value {
    json!({ "type": "array", "items": { "$ref": format!("#/components/schemas/{r}") } })
}

fn strings() -> Value {
    json!({ "type": "array", "items": { "type": "string" } })
}

fn response(schema: &str, description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
    })
}

fn errors() -> Value {
    json!({
        "400": response("Error", "the request is invalid"),
        "401": response("Error", "not signed in"),
        "403": response("Error", "the role does not allow it"),
        "404": response("Error", "not found"),
        "405": response("Error", "the method is not allowed on this path"),
        "413": response("Error", "the body is too large"),
        "415": response("Error", "the body is not of a type this path takes"),
        "422": response("Error", "the body does not have the fields this path takes"),
        "503": response("Error", "no valid landscape loaded yet, or an analysis ran past its time limit")
    })
}

fn op(summary: &str, ok: &str, schema: &str, params: Value) -> Value {
    let mut responses = errors();
    responses[ok] = response(schema, summary);
    json!({ "summary": summary, "parameters": params, "responses": responses })
}

fn query(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": { "type": "string" } })
}

fn path(name: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } })
}

/// The document.
pub fn spec() -> Value {
    let schemas = json!({
        "Index": {
            "type": "object", "required": ["openapi", "message"],
            "properties": { "openapi": { "type": "string" }, "message": { "type": "string" } }
        },
        "Error": {
            "type": "object", "required": ["error", "status"],
            "properties": { "error": { "type": "string" }, "status": { "type": "integer" } }
        },
        "Status": {
            "type": "object", "required": ["version", "entities", "today", "rejected"],
            "properties": {
                "database": { "type": "object", "required": ["ok"], "properties": { "ok": { "type": "boolean" }, "problem": { "type": "string" } } },
                "version": nullable("string"), "commit": nullable("string"),
                "entities": { "type": "integer" }, "today": { "type": "string" },
                "rejected": {
                    "type": ["object", "null"], "required": ["errors", "diagnostics"],
                    "properties": { "version": nullable("string"), "errors": { "type": "integer" }, "diagnostics": { "type": "string" } }
                }
            }
        },
        "EntitySummary": {
            "type": "object", "required": ["ref", "kind", "namespace", "name", "file", "line"],
            "properties": {
                "ref": { "type": "string" }, "kind": { "type": "string" }, "namespace": { "type": "string" },
                "name": { "type": "string" }, "title": nullable("string"), "file": { "type": "string" },
                "line": { "type": "integer" }, "owner": nullable("string"), "tier": { "type": "integer" }
            }
        },
        "EntityList": {
            "type": "object", "required": ["total", "offset", "entities"],
            "properties": { "total": { "type": "integer" }, "offset": { "type": "integer" }, "entities": array_of("EntitySummary") }
        },
        "Entity": {
            "type": "object", "required": ["ref", "kind", "name", "file", "line", "dependsOn", "findings"],
            "properties": {
                "ref": { "type": "string" }, "kind": { "type": "string" }, "namespace": { "type": "string" },
                "name": { "type": "string" }, "title": nullable("string"), "description": nullable("string"),
                "file": { "type": "string" }, "line": { "type": "integer" }, "owner": nullable("string"),
                "tier": { "type": "integer" }, "dependsOn": strings(),
                "rank": { "$ref": "#/components/schemas/RankedSupplier" },
                "findings": array_of("Finding")
            }
        },
        "Mode": {
            "type": "object", "required": ["duration", "durationSource", "breaches"],
            "properties": { "duration": duration(), "durationSource": { "type": "string" }, "breaches": strings() }
        },
        "Readiness": {
            "type": "object", "required": ["statement", "escrow", "exit", "alternatives", "owner"],
            "properties": {
                "statement": { "type": "string" }, "rtoAdequate": nullable("boolean"), "escrow": { "type": "string" },
                "exit": { "type": "string" }, "exitWithinTolerance": nullable("boolean"),
                "alternatives": { "type": "integer" }, "owner": { "type": "boolean" }, "tightestTolerance": duration()
            }
        },
        "RankedSupplier": {
            "type": "object", "required": ["ref", "tier", "score", "stops", "degrades", "breaches", "outage", "permanent", "readiness"],
            "properties": {
                "ref": { "type": "string" }, "tier": { "type": "integer", "minimum": 1, "maximum": 4 },
                "score": { "type": "number" }, "stops": strings(), "degrades": strings(), "breaches": strings(),
                "outage": { "$ref": "#/components/schemas/Mode" }, "permanent": { "$ref": "#/components/schemas/Mode" },
                "readiness": { "$ref": "#/components/schemas/Readiness" }
            }
        },
        "Rank": {
            "type": "object", "required": ["suppliers"],
            "properties": { "suppliers": array_of("RankedSupplier") }
        },
        "WhatIf": {
            "type": "object", "required": ["scenario", "functions"],
            "properties": {
                "scenario": {
                    "type": "object", "required": ["mode", "fail"],
                    "properties": {
                        "name": nullable("string"), "title": nullable("string"),
                        "mode": { "type": "string", "enum": ["outage", "permanent"] },
                        "fail": { "type": "array", "items": {
                            "type": "object", "required": ["ref", "duration", "durationSource"],
                            "properties": { "ref": { "type": "string" }, "duration": duration(), "durationSource": { "type": "string" } }
                        } }
                    }
                },
                "functions": { "type": "array", "items": {
                    "type": "object", "required": ["ref", "criticality", "status", "down", "impaired", "tolerance", "breach", "path"],
                    "properties": {
                        "ref": { "type": "string" }, "criticality": { "type": "string", "enum": ["critical", "important", "standard"] },
                        "status": { "type": "string", "enum": ["down", "degraded", "up"] },
                        "down": duration(), "impaired": duration(), "tolerance": duration(),
                        "breach": { "type": "boolean" }, "path": strings()
                    }
                } }
            }
        },
        "WhatIfRequest": {
            "type": "object", "required": ["fail"],
            "properties": { "fail": strings(), "mode": { "type": "string", "enum": ["outage", "permanent"] }, "duration": { "type": "string" } }
        },
        "Finding": {
            "type": "object", "required": ["id", "severity", "entity", "message", "file", "line"],
            "properties": {
                "id": { "type": "string" }, "severity": { "type": "string", "enum": ["error", "warning", "info"] },
                "entity": { "type": "string" }, "message": { "type": "string" }, "file": { "type": "string" }, "line": { "type": "integer" }
            }
        },
        "Findings": { "type": "object", "required": ["findings"], "properties": { "findings": array_of("Finding") } },
        "Version": {
            "type": "object", "required": ["version", "loadedAt", "entities", "suppliers", "tiers", "findings", "ready", "readyOf", "breaches"],
            "properties": {
                "version": { "type": "string" }, "commit": nullable("string"), "loadedAt": { "type": "integer" },
                "entities": { "type": "integer" }, "suppliers": { "type": "integer" },
                "tiers": { "type": "array", "items": { "type": "integer" } },
                "findings": { "type": "object", "required": ["errors", "warnings", "total"],
                    "properties": { "errors": { "type": "integer" }, "warnings": { "type": "integer" }, "total": { "type": "integer" } } },
                "ready": { "type": "integer" }, "readyOf": { "type": "integer" }, "breaches": { "type": "integer" }
            }
        },
        "History": { "type": "object", "required": ["versions"], "properties": { "versions": array_of("Version") } },
        "VersionResults": {
            "type": "object", "required": ["version", "results"],
            "properties": {
                "version": { "type": "string" },
                "results": { "type": "object", "required": ["suppliers", "findings"], "properties": {
                    "suppliers": { "type": "array", "items": { "type": "object", "required": ["ref", "tier", "score"],
                        "properties": { "ref": { "type": "string" }, "tier": { "type": "integer" }, "score": { "type": "number" } } } },
                    "findings": { "type": "array", "items": { "type": "object", "required": ["id", "entity"],
                        "properties": { "id": { "type": "string" }, "entity": { "type": "string" } } } }
                } }
            }
        },
        "Token": {
            "type": "object", "required": ["id", "name", "role", "createdAt", "revoked"],
            "properties": { "id": { "type": "integer" }, "name": { "type": "string" }, "role": { "type": "string", "enum": ["calendar", "viewer", "editor", "admin"] }, "createdAt": { "type": "integer" }, "revoked": { "type": "boolean" } }
        },
        "BranchCommit": {
            "type": "object", "required": ["branch", "commit"],
            "properties": { "branch": { "type": "string" }, "commit": { "type": "string" } }
        },
        "Tokens": { "type": "object", "required": ["tokens"], "properties": { "tokens": array_of("Token") } },
        "NewToken": {
            "type": "object", "required": ["name", "role"],
            "properties": { "name": { "type": "string" }, "role": { "type": "string", "enum": ["calendar", "viewer", "editor", "admin"] } }
        },
        "CreatedToken": {
            "type": "object", "required": ["name", "role", "token"],
            "properties": { "name": { "type": "string" }, "role": { "type": "string" }, "token": { "type": "string", "description": "shown once; stored only as a hash" } }
        },
        "Upload": {
            "type": "object", "required": ["id", "requestId", "filename", "contentType", "size", "sha256", "author", "createdAt"],
            "properties": {
                "id": { "type": "integer" }, "requestId": { "type": "integer" }, "filename": { "type": "string" },
                "contentType": { "type": "string" }, "size": { "type": "integer" }, "sha256": { "type": "string" },
                "author": { "type": "string" }, "createdAt": { "type": "integer" }
            }
        },
        "Request": {
            "type": "object", "required": ["id", "supplier", "kind", "due", "status", "storedStatus", "createdAt", "updatedAt", "createdBy"],
            "properties": {
                "id": { "type": "integer" }, "supplier": { "type": "string" },
                "kind": { "type": "string", "enum": ["statement", "escrow-verification", "exit-test", "renewal"] },
                "due": { "type": "string" }, "team": nullable("string"),
                "status": { "type": "string", "enum": ["open", "sent", "received", "reviewed", "overdue"] },
                "storedStatus": { "type": "string", "enum": ["open", "sent", "received", "reviewed"] },
                "createdAt": { "type": "integer" }, "updatedAt": { "type": "integer" }, "createdBy": { "type": "string" },
                "review": { "type": ["object", "null"] },
                "comments": { "type": "array", "items": { "type": "object", "required": ["author", "body", "createdAt"],
                    "properties": { "author": { "type": "string" }, "body": { "type": "string" }, "createdAt": { "type": "integer" } } } },
                "uploads": array_of("Upload")
            }
        },
        "Requests": { "type": "object", "required": ["requests", "next"], "properties": { "requests": array_of("Request"), "next": nullable("string") } },
        "AuditEntry": {
            "type": "object", "required": ["id", "at", "actor", "action", "subject", "detail"],
            "properties": { "id": { "type": "integer" }, "at": { "type": "integer" }, "actor": { "type": "string" }, "action": { "type": "string" }, "subject": { "type": "string" }, "detail": { "type": "string" } }
        },
        "Audit": { "type": "object", "required": ["entries", "next"], "properties": { "entries": array_of("AuditEntry"), "next": nullable("string") } },
        "Delivery": {
            "type": "object",
            "required": ["id", "event", "kind", "channel", "recipient", "subject", "createdAt", "attempts", "nextAttemptAt", "deliveredAt", "lastError"],
            "properties": {
                "id": { "type": "integer" }, "event": { "type": "string" }, "kind": { "type": "string", "enum": ["digest", "overdue", "rejected", "test"] },
                "channel": { "type": "string" }, "recipient": { "type": "string" }, "subject": { "type": "string" },
                "createdAt": { "type": "integer" }, "attempts": { "type": "integer" }, "nextAttemptAt": { "type": "integer" },
                "deliveredAt": nullable("integer"), "lastError": nullable("string")
            }
        },
        "WebhookEvent": {
            "type": "object",
            "required": ["linchpinEvent", "id", "kind", "team", "title", "intro", "sections"],
            "properties": {
                "linchpinEvent": { "type": "integer", "const": 1, "description": "the version of this shape" },
                "id": { "type": "string", "description": "the same on every attempt of one delivery" },
                "kind": { "type": "string", "enum": ["digest", "overdue", "rejected"] },
                "team": nullable("string"),
                "title": { "type": "string" }, "intro": { "type": "string" },
                "sections": { "type": "array", "items": { "type": "object", "required": ["heading", "items"], "properties": {
                    "heading": { "type": "string" },
                    "items": { "type": "array", "items": { "type": "object", "required": ["date", "text", "link", "overdue"], "properties": {
                        "date": { "type": "string" }, "text": { "type": "string" }, "link": nullable("string"), "overdue": { "type": "boolean" } } } }
                } } }
            }
        },
        "Deliveries": { "type": "object", "required": ["deliveries"], "properties": { "deliveries": array_of("Delivery") } },
        "NewRequest": {
            "type": "object", "required": ["supplier", "kind", "due"],
            "properties": { "supplier": { "type": "string" }, "kind": { "type": "string" }, "due": { "type": "string" }, "team": { "type": "string" } }
        },
        "RequestChange": {
            "type": "object",
            "properties": {
                "status": { "type": "string", "enum": ["open", "sent", "received"] }, "comment": { "type": "string" },
                "review": { "type": "object", "required": ["received", "validUntil"],
                    "properties": { "received": { "type": "string" }, "validUntil": { "type": "string" }, "rto": { "type": "string" }, "rpo": { "type": "string" }, "certifications": strings() } }
            }
        }
    });
    let json_body = |schema: &str| json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } });
    let mut whatif_post = op("Simulate a failure", "200", "WhatIf", json!([]));
    whatif_post["requestBody"] = json_body("WhatIfRequest");
    let mut create = op("Create a request", "201", "Request", json!([]));
    create["requestBody"] = json_body("NewRequest");
    let mut change = op(
        "Change a request: status, comment or review",
        "200",
        "Request",
        json!([path("id")]),
    );
    change["requestBody"] = json_body("RequestChange");
    let mut new_token = op("Create a token (admin)", "201", "CreatedToken", json!([]));
    new_token["requestBody"] = json_body("NewToken");
    let mut revoke = op(
        "Revoke a token (admin)",
        "204",
        "Error",
        json!([path("id")]),
    );
    revoke["responses"]["204"] = json!({ "description": "revoked" });
    let branch = op(
        "Commit a reviewed statement's change on a new branch of the landscape's git checkout",
        "201",
        "BranchCommit",
        json!([path("id")]),
    );
    let mut upload = op(
        "Upload evidence (multipart field `file`)",
        "201",
        "Upload",
        json!([path("id")]),
    );
    upload["requestBody"] = json!({ "required": true, "content": { "multipart/form-data": { "schema": {
        "type": "object", "required": ["file"], "properties": { "file": { "type": "string", "format": "binary" } } } } } });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Linchpin API",
            "version": "1",
            "description": "The landscape's entities, supplier ranking, what-if simulation, readiness findings, history of landscape versions and the continuity workflow. Authenticate with `Authorization: Bearer TOKEN` when the server has tokens."
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": { "token": { "type": "http", "scheme": "bearer" } }
        },
        "security": [{ "token": [] }],
        "webhooks": {
            "reminder": {
                "post": {
                    "summary": "A reminder posted to each `[[notify.webhook]]` of linchpin.toml with `format = \"json\"`: a team's digest, an item gone overdue, a rejected version. Headers: `X-Linchpin-Event` (the kind), `X-Linchpin-Delivery` (the same on a retry), and with `secret-env` `X-Linchpin-Signature: sha256=HEX`, the HMAC-SHA256 of the body with the shared secret. Answer 2xx; anything else is retried after 1 min, doubling, at most every 6 h.",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/WebhookEvent" } } } },
                    "responses": { "204": { "description": "Received" } }
                }
            }
        },
        "paths": {
            "/api/v1": { "get": op("Where the API is described", "200", "Index", json!([])) },
            "/api/v1/status": { "get": op("The served version and a rejected newer one", "200", "Status", json!([])) },
            "/api/v1/entities": { "get": op("Entities, paged", "200", "EntityList", json!([query("kind", "only this kind"), query("offset", "skip"), query("limit", "at most (1,000 by default)")])) },
            "/api/v1/entities/{kind}/{namespace}/{name}": { "get": op("One entity with its dependencies, rank and findings", "200", "Entity", json!([path("kind"), path("namespace"), path("name")])) },
            "/api/v1/rank": { "get": op("Every supplier, most critical first (as `linchpin rank --format json`)", "200", "Rank", json!([])) },
            "/api/v1/whatif": {
                "get": op("Simulate a failure (as `linchpin whatif --format json`)", "200", "WhatIf", json!([query("fail", "a ref that fails; repeat or comma-separate"), query("mode", "outage (default) or permanent"), query("duration", "outage duration, e.g. 4h")])),
                "post": whatif_post
            },
            "/api/v1/findings": { "get": op("Readiness findings", "200", "Findings", json!([query("severity", "error, warning or info"), query("id", "a finding id"), query("entity", "an entity ref")])) },
            "/api/v1/history": { "get": op("Every landscape version loaded, oldest first", "200", "History", json!([])) },
            "/api/v1/history/{version}": { "get": op("The analysis results a version was recorded with", "200", "VersionResults", json!([path("version")])) },
            "/api/v1/tokens": { "get": op("Every token, without secrets (admin)", "200", "Tokens", json!([])), "post": new_token },
            "/api/v1/tokens/{id}": { "delete": revoke },
            "/api/v1/reminders": { "get": op("The reminders of the outbox, undelivered first, then the newest (admin): each message with its attempts, its next attempt and the last error", "200", "Deliveries", json!([])) },
            "/api/v1/audit": { "get": op("The audit log, newest first, a page at a time (admin); each change with what changed", "200", "Audit", json!([query("limit", "at most this many (1 to 1,000; 50 by default)"), query("cursor", "the `next` of the page before")])) },
            "/api/v1/requests": {
                "get": op("Continuity requests in due-date order, a page at a time: pass `next` back as `cursor` for the next page (null: no more)", "200", "Requests", json!([query("supplier", "a supplier ref"), query("status", "open, sent, received, reviewed or overdue"), query("limit", "at most this many (1 to 1,000; 50 by default)"), query("cursor", "where the page starts: the `next` of the page before")])),
                "post": create
            },
            "/api/v1/requests/{id}": {
                "get": op("One request with comments and uploads", "200", "Request", json!([path("id")])),
                "patch": change
            },
            "/api/v1/requests/{id}/uploads": { "post": upload },
            "/api/v1/requests/{id}/branch": { "post": branch }
        }
    })
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<Value> {
    Json(spec())
}
