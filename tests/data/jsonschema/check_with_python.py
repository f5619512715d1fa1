#!/usr/bin/env python3
"""Cross-checks the expected results of Pingscope's JSON Schema cases against Python's
jsonschema (Draft4Validator, Draft6Validator, Draft7Validator; format checking off, as the
cases assert no formats). Not run by ctest: it needs `pip install jsonschema` (4.x).

    python3 tests/data/jsonschema/check_with_python.py [folder]

Prints every disagreement and exits 1 when there is one that is not listed in KNOWN below.
"""
import json
import pathlib
import sys

import jsonschema

VALIDATORS = {
    "draft4": jsonschema.Draft4Validator,
    "draft6": jsonschema.Draft6Validator,
    "draft7": jsonschema.Draft7Validator,
}

# Cases where Python's jsonschema is not the right oracle, with the reason.
# Key: (file name, group description) -- every case of the group is exempt.
KNOWN = {
    ("multipleOf-decimal.json", "multipleOf checks decimals as written, not their binary approximation"):
        "jsonschema divides binary floats (19.99 / 0.01 = 1998.9999999999998); Pingscope "
        "divides the decimals as written in the JSON text",
    ("multipleOf-decimal.json", "a tenth"):
        "same: 0.3 / 0.1 is 2.9999999999999996 in binary floating point",
    ("ref.json", "Location-independent identifier with absolute URI"):
        "an id with a path and a plain-name fragment names that subschema (the draft-04 core "
        "specification's own example, section 7.2.2: \"t/inner.json#a\"); Python's referencing "
        "only takes fragment-only ids as anchors",
}


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent)
    total = unexpected = known = 0
    for draft, cls in VALIDATORS.items():
        for path in sorted((root / draft).glob("*.json")):
            for group in json.loads(path.read_text(encoding="utf-8")):
                validator = cls(group["schema"])  # no format_checker: formats are not asserted
                exempt = (path.name, group["description"]) in KNOWN
                for test in group["tests"]:
                    total += 1
                    try:
                        got = validator.is_valid(test["data"])
                    except Exception as e:  # an unresolvable $ref, for one
                        got = "an error (%s: %s)" % (type(e).__name__, e)
                    if got == test["valid"]:
                        continue
                    where = "%s/%s: %s / %s" % (draft, path.name, group["description"], test["description"])
                    if exempt:
                        known += 1
                        print("known disagreement (%s): %s" % (KNOWN[(path.name, group["description"])], where))
                    else:
                        unexpected += 1
                        print("DISAGREES: %s: expected %s, jsonschema says %s" % (where, test["valid"], got))
    print("%d cases, %d unexpected disagreements, %d known" % (total, unexpected, known))
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
