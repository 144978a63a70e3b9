#!/usr/bin/env python3
"""Validates every content file against the JSON Schemas in Schemas/ (what editors' tools see).

Usage: scripts/validate-schemas.py [SITE_ROOT]   (default: the repository root)
Front matter is read as YAML with dates kept as text (as editors' YAML tooling does).
Exit status 0 when every file validates, 1 otherwise.
"""
import json, pathlib, sys
import yaml
from jsonschema import Draft202012Validator

class TextDates(yaml.SafeLoader):
    pass
TextDates.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
schemas = pathlib.Path(__file__).resolve().parent.parent / "Schemas"
def validator(name):
    return Draft202012Validator(json.loads((schemas / name).read_text(encoding="utf-8")))

def front_matter(path):
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    _, head, _ = text.split("\n---\n", 1)[0] + "\n", None, None
    lines = text.split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    return yaml.load("\n".join(lines[1:end]), Loader=TextDates)

failures = 0
checked = 0
def check(v, data, label):
    global failures, checked
    items = data if isinstance(data, list) else [data]
    for item in items:
        checked += 1
        for error in v.iter_errors(item):
            failures += 1
            print(f"{label}: {'/'.join(map(str, error.path)) or '(root)'}: {error.message}")

content = root / "Content"
check(validator("site.schema.json"), yaml.load((content / "site.yaml").read_text(encoding="utf-8-sig"), Loader=TextDates), "Content/site.yaml")
check(validator("industries.schema.json"), [yaml.load((content / "industries.yaml").read_text(encoding="utf-8-sig"), Loader=TextDates)], "Content/industries.yaml")
for kind, schema in (("providers", "provider"), ("cases", "case"), ("notices", "notice")):
    v = validator(f"{schema}.schema.json")
    for path in sorted((content / kind).glob("*")):
        if path.suffix == ".md":
            check(v, front_matter(path), str(path.relative_to(root)))
        elif path.suffix == ".json":
            check(v, json.loads(path.read_text(encoding="utf-8-sig")), str(path.relative_to(root)))
print(f"{checked} entries checked against Schemas/, {failures} problems")
sys.exit(1 if failures else 0)
