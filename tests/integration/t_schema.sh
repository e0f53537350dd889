#!/bin/sh
# profiles/schema.json describes what burrow accepts: every profile we ship validates,
# and inputs burrow rejects for their shape are rejected by the schema too.
. "$T_LIB"

PY=/usr/bin/python3   # Debian's, with python3-jsonschema from make deps
schema="$T_SRC/profiles/schema.json"
validate() { # FILE: strip the #! line and // comment lines, then validate
    "$PY" - "$schema" "$1" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
lines = [l for l in open(sys.argv[2]).read().split("\n")
         if not l.startswith("#!") and not l.lstrip().startswith("//")]
doc = json.loads("\n".join(l.split("  //")[0] for l in lines))
try:
    jsonschema.validate(doc, schema)
except jsonschema.ValidationError as e:
    print("invalid:", "/".join(str(p) for p in e.absolute_path), e.message)
    sys.exit(1)
PY
}

check "schema: is itself a valid JSON Schema" "$PY" -c '
import json, sys, jsonschema
jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[1])))' "$schema"
for f in "$T_SRC"/profiles/builtin/*.json "$T_SRC"/profiles/*.json; do
    [ "$(basename "$f")" = schema.json ] && continue
    check "schema: $(basename "$(dirname "$f")")/$(basename "$f") validates" validate "$f"
done
bad() { # NAME JSON: the schema must reject it, and so must burrow
    printf '%s\n' "$2" > "$T_TMP/bad.json"
    expect_status "schema rejects: $1" 1 validate "$T_TMP/bad.json"
    expect_status "burrow rejects: $1" 125 "$T_BURROW" --check --profile "$T_TMP/bad.json"
}
bad "unknown key" '{"version": 1, "root": {"host": "all"}, "mount": []}'
bad "wrong version" '{"version": 2, "root": {"host": "all"}}'
bad "readonly instead of access" '{"version": 1, "root": {"host": "all"}, "mounts": [{"type": "bind", "source": "/a", "readonly": true}]}'
bad "mode as a number" '{"version": 1, "root": {"host": "none"}, "mounts": [{"type": "tmpfs", "destination": "/t", "mode": 1777}]}'
bad "negative uid" '{"version": 1, "root": {"host": "all"}, "user": {"uid": -1}}'
bad "net as a string" '{"version": 1, "root": {"host": "all"}, "namespaces": {"net": "yes"}}'
bad "bind without source" '{"version": 1, "root": {"host": "all"}, "mounts": [{"type": "bind", "destination": "/d"}]}'
done_testing
