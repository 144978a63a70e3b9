#!/usr/bin/env python3
"""统一社会信用代码 (GB 32100-2015) helper for the Roster sample data.

    python3 Benchmarks/sample-tools/credit_code.py            # validate Content/providers
    python3 Benchmarks/sample-tools/credit_code.py PATH...    # validate other files or folders
    python3 Benchmarks/sample-tools/credit_code.py --make 91370200MA3C4K7P  # complete a code

A code is 18 characters from CHARSET (no I, O, S, V, Z).  The value of a character is its index in
CHARSET; weight i (1-based) is 3^(i-1) mod 31; the check value is 31 - (sum mod 31), 31 -> 0, and the
18th character is the character with that value.

Characters 9-17 are the organisation code (GB 11714-1997), whose 9th character is itself a check
character; `org_check_char` computes it so that generated sample codes look right throughout.  Only
the GB 32100 check is an error; a failing GB 11714 check is reported as a note.
"""
import json
import os
import re
import sys

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28

ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def check_char(first17):
    """Return the GB 32100-2015 check character for the first 17 characters of a code."""
    if len(first17) != 17:
        raise ValueError("need 17 characters, got %d" % len(first17))
    total = 0
    for ch, w in zip(first17.upper(), WEIGHTS):
        v = CHARSET.find(ch)
        if v < 0:
            raise ValueError("character %r is not allowed in a credit code" % ch)
        total += v * w
    return CHARSET[(31 - total % 31) % 31]


def is_valid(code):
    """True if `code` is 18 characters from CHARSET with a correct check character."""
    if not isinstance(code, str) or len(code) != 18:
        return False
    try:
        return check_char(code[:17]) == code[17]
    except ValueError:
        return False


def org_check_char(first8):
    """GB 11714-1997 check character of an organisation code (digits and capital letters A=10 … Z=35)."""
    total = 0
    for ch, w in zip(first8, ORG_WEIGHTS):
        v = int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10
        total += v * w
    c = 11 - total % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def make(prefix16):
    """Complete a 16-character prefix (登记管理部门 + 机构类别 + 行政区划 + 8 chars of the organisation
    code) with the organisation-code check character and the GB 32100 check character."""
    if len(prefix16) != 16:
        raise ValueError("need 16 characters, got %d" % len(prefix16))
    first17 = prefix16 + org_check_char(prefix16[8:16])
    return first17 + check_char(first17)


# --- reading Content/providers -------------------------------------------------------------------

def _front_matter(text):
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    m = re.match(r"---\n(.*?)\n---(\n|$)", text, re.S)
    return m.group(1) if m else ""


def _load_md(path):
    fm = _front_matter(open(path, encoding="utf-8").read())
    try:
        import yaml
        data = yaml.safe_load(fm) or {}
        return [data] if isinstance(data, dict) else []
    except ImportError:  # fall back to a line scan for the two keys we need
        data = {}
        for key in ("credit_code", "parent_credit_code"):
            m = re.search(r"^%s:\s*[\"']?([^\"'\s#]+)" % key, fm, re.M)
            if m:
                data[key] = m.group(1)
        return [data]


def _load_json(path):
    data = json.load(open(path, encoding="utf-8-sig"))
    return data if isinstance(data, list) else [data]


def _entries(paths):
    for p in paths:
        files = [os.path.join(p, f) for f in sorted(os.listdir(p))] if os.path.isdir(p) else [p]
        for f in files:
            if f.endswith(".md"):
                loader = _load_md
            elif f.endswith(".json"):
                loader = _load_json
            else:
                continue
            for i, e in enumerate(loader(f)):
                default_id = os.path.splitext(os.path.basename(f))[0]
                yield f, e.get("id", default_id if f.endswith(".md") else "#%d" % i), e


def validate(paths):
    errors, notes, seen = 0, 0, {}
    for f, ident, e in _entries(paths):
        for key in ("credit_code", "parent_credit_code"):
            if key not in e:
                if key == "credit_code":
                    print("ERROR %s [%s]: no credit_code" % (f, ident))
                    errors += 1
                continue
            code = e[key]
            if not is_valid(code):
                hint = ""
                if isinstance(code, str) and len(code) == 18:
                    try:
                        hint = " (expected check char %s)" % check_char(code[:17])
                    except ValueError as ex:
                        hint = " (%s)" % ex
                print("ERROR %s [%s]: %s %r is not a valid credit code%s" % (f, ident, key, code, hint))
                errors += 1
                continue
            if org_check_char(code[8:16]) != code[16]:
                print("note  %s [%s]: %s %s: organisation code check (GB 11714) does not match" % (f, ident, key, code))
                notes += 1
            if code in seen:
                print("ERROR %s [%s]: %s %s already used by %s" % (f, ident, key, code, seen[code]))
                errors += 1
            seen[code] = "%s (%s)" % (ident, key)
            print("ok    %-28s %-18s %s" % (ident, key, code))
    print("%d code(s) checked, %d error(s), %d note(s)" % (len(seen), errors, notes))
    return errors == 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "--make":
        for prefix in argv[1:]:
            print(make(prefix))
        return 0
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.normpath(os.path.join(here, "..", "..", "Content", "providers"))
    return 0 if validate(argv or [default]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
