#!/usr/bin/env python3
"""efivar_test.py - a real board's BIOS Setup variable, live under OVMF.

  efivar_test.py make FIXTURES DIR   the test disk's files in DIR/disk: the board's
                                     firmware module, one efivarfs image per state,
                                     vars.env for setup-efivar.sh; DIR/plan.json
  efivar_test.py assert DIR          what the guest wrote back into DIR/out

The board is the Ice Lake Razer Blade Stealth 13 (the smallest IFR fixture with a
VT-d question). Its VT-d question and every other passthrough question of the same
variable (SaSetup) come from the fixture's expected.json (the reference extractor's
facts, not igdkit's). The variable is filled with a pattern no option has, then:
  on     VT-d "Enabled", "Above 4GB MMIO BIOS assignment" (the next byte) "Disabled"
  off    the two the other way round: VT-d "Disabled" under a present DMAR table
  short  the "on" bytes cut after VT-d's byte: VT-d read, its neighbour too short
  gone   (no image) the variable deleted again
The guest is OVMF on q35 with -device intel-iommu, so a DMAR table is present.
"""
import json, os, re, shutil, sys

BOARD = "ifr/icl-razer-blade-stealth-13-2020"
MODULE = "Setup.pe32.sct"
ATTR_NV_BS_RT = 0x07
NEIGHBOUR = "above_4gb_mmio_bios_assignment"
STATES = ["on", "off", "short"]


def pattern(off):
    # a byte no option of these questions has (they are all below 0x10), and
    # different at every neighbouring offset, so a read one byte off shows
    return 0x10 + (off * 37) % 0xE0


def option(q, text):
    vals = [o["value"] for o in q["options"] if o["text"] == text]
    if len(vals) != 1:
        sys.exit(f"efivar_test: {q['prompt']} has no single option {text!r}")
    return vals[0]


def make(fixtures, d):
    src = os.path.join(fixtures, BOARD)
    exp = json.load(open(os.path.join(src, "expected.json")))
    vtd = exp["questions"]["vtd"][0]
    vs = vtd["varstore"]
    size = int(vs["size"], 16)
    same = lambda q: q["varstore"]["name"] == vs["name"] and q["varstore"]["guid"] == vs["guid"]
    # every question of this variable, once per offset: their values are asserted too
    qs = {}
    for key, lst in exp["questions"].items():
        for q in lst:
            if same(q) and key not in qs:
                qs[key] = {"offset": int(q["var_offset"], 16), "width": q["width_bytes"], "prompt": q["prompt"],
                           "options": q["options"]}
    nb = qs.get(NEIGHBOUR)
    if not nb or nb["offset"] != qs["vtd"]["offset"] + 1 or qs["vtd"]["width"] != 1 or nb["width"] != 1:
        sys.exit("efivar_test: the fixture's VT-d question no longer has its one-byte neighbour")
    base = bytearray(pattern(i) for i in range(size))
    values = {}
    for s, (vt, nt) in {"on": ("Enabled", "Disabled"), "off": ("Disabled", "Enabled"),
                        "short": ("Enabled", "Disabled")}.items():
        data = bytearray(base)
        data[qs["vtd"]["offset"]] = option(qs["vtd"], vt)
        data[nb["offset"]] = option(nb, nt)
        if s == "short":
            data = data[:qs["vtd"]["offset"] + 1]
        values[s] = {"data_len": len(data), "texts": {"vtd": vt, NEIGHBOUR: nt}, "bytes": list(data)}
    disk = os.path.join(d, "disk")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(disk)
    # efivarfs and libefivar name the file with the GUID in lower case
    var = f"{vs['name']}-{vs['guid'].lower()}"
    for s, v in values.items():
        with open(os.path.join(disk, f"{s}.var"), "wb") as f:
            f.write(ATTR_NV_BS_RT.to_bytes(4, "little") + bytes(v["bytes"]))
    shutil.copyfile(os.path.join(src, MODULE), os.path.join(disk, MODULE))
    with open(os.path.join(disk, "vars.env"), "w") as f:
        f.write(f"VAR={var}\nFW={MODULE}\nSTATES='{' '.join(STATES)}'\n")
    plan = {"var": var, "varstore": vs["name"], "guid": vs["guid"], "size": size, "questions": qs, "states": values}
    json.dump(plan, open(os.path.join(d, "plan.json"), "w"), indent=1)


problems = []


def want(cond, what):
    if not cond:
        problems.append(what)


def check_state(d, plan, s, log):
    want(f"efivar-test: {s}: check rc=1" in log, f"{s}: check did not end with 1 (no iGPU to fix)")
    try:
        doc = json.load(open(os.path.join(d, "out", f"{s}.json")))
    except (OSError, ValueError) as e:
        problems.append(f"{s}: no JSON document ({e})")
        return
    st = plan["states"].get(s)
    src = "/sys/firmware/efi/efivars/" + plan["var"]
    verd = {v["id"]: v for v in doc["verdicts"]}
    ent = {e["key"]: e for e in doc["bios_setup"]}
    f = doc["bios_setup_file"]
    want(f["path"].endswith("/" + MODULE) and f["detected"] == "PE32 image section" and f["error"] is None,
         f"{s}: bios_setup_file {f['path']} {f['detected']} {f['error']}")
    want(f["variables_unreadable"] is None, f"{s}: variables unreadable: {f['variables_unreadable']}")
    for key, q in plan["questions"].items():
        e = ent.get(key)
        if not e:
            problems.append(f"{s}: no bios_setup entry {key}")
            continue
        want(e["variable"] == plan["var"] and e["offset"] == hex(q["offset"]),
             f"{s}: {key} at {e['variable']}+{e['offset']}, the forms say {plan['var']}+{hex(q['offset'])}")
        if st is None or q["offset"] >= st["data_len"]:
            status = "variable not found" if st is None else "variable too short"
            want(e["status"] == status and e["value"] is None and e["source"] is None,
                 f"{s}: {key} status {e['status']!r} value {e['value']}, want {status!r}")
            continue
        val = st["bytes"][q["offset"]]
        text = st["texts"].get(key)
        want(e["status"] == "ok" and e["value"] == val and e["text"] == text and e["source"] == src,
             f"{s}: {key} = {e['value']} {e['text']!r} from {e['source']} ({e['status']}), "
             f"want {val} {text!r} from {src}")
        differs = st["data_len"] != plan["size"]
        want((e["detail"] is not None and f"has {st['data_len']} data bytes" in e["detail"]) if differs
             else e["detail"] is None, f"{s}: {key} detail {e['detail']!r}")
    # the board's other variables (Setup, CpuSetup) do not exist in OVMF
    for key, e in ent.items():
        if key not in plan["questions"]:
            want(e["status"] == "variable not found" and e["variable"] != plan["var"],
                 f"{s}: {key} in {e['variable']}: {e['status']}")
    vtd = verd["vtd"]
    place = f"{plan['varstore']}({plan['guid'][:8]}-…)+{hex(plan['questions']['vtd']['offset']).upper().replace('0X', '0x')}"
    if st is None:
        want(f"BIOS Setup: {place} not read: variable not found (VT-d)" in vtd["evidence"],
             f"{s}: vtd evidence {vtd['evidence']!r}")
    else:
        val = st["bytes"][plan["questions"]["vtd"]["offset"]]
        text = st["texts"]["vtd"]
        want(f'BIOS Setup: {place} = {val} "{text}" (VT-d)' in vtd["evidence"], f"{s}: vtd evidence {vtd['evidence']!r}")
    want(vtd["status"] == "ok", f"{s}: vtd verdict {vtd['status']} under a present DMAR table")
    contra = 'contradiction: Setup says "Disabled" although the DMAR table is present'
    if s == "off":
        want(contra in vtd["evidence"] and "not this BIOS version" in vtd["evidence"],
             f"off: no contradiction with the DMAR table: {vtd['evidence']!r}")
    else:
        want("contradiction" not in vtd["evidence"], f"{s}: a contradiction: {vtd['evidence']!r}")
    n_read = sum(1 for q in plan["questions"].values() if st and q["offset"] < st["data_len"])
    bs = verd["bios_setup"]
    want(bs["status"] == "unknown" and f"{len(ent)} passthrough settings, {n_read} read from the UEFI variables" in bs["evidence"],
         f"{s}: bios_setup verdict {bs['status']}: {bs['evidence']!r}")
    return f, doc


def check(d):
    plan = json.load(open(os.path.join(d, "plan.json")))
    try:
        log = open(os.path.join(d, "out", "guest.log"), encoding="utf-8", errors="replace").read()
    except OSError as e:
        sys.exit(f"efivar_test: no guest.log from the guest ({e})")
    want("efivar-test: efivarfs=1" in log, "efivarfs not mounted in the guest")
    want("efivar-test: before=absent" in log, "the variable existed before the test made it")
    for s in STATES:
        st = plan["states"][s]
        want(f"efivar-test: {s}: written size={st['data_len'] + 4} attr=07 00 00 00" in log,
             f"{s}: efivarfs does not show the variable as written ({st['data_len'] + 4} bytes, attributes 07)")
    want("efivar-test: deleted=yes" in log, "the variable could not be deleted")
    want("efivar-test: gone: check rc=1" in log, "gone: check did not end with 1")
    m = re.search(r"^efivar-test: dmi_bios_version=(.+)$", log, re.M)
    dmi = m.group(1).strip() if m else None
    for s in STATES + ["gone"]:
        r = check_state(d, plan, s, log)
        if not r:
            continue
        f, doc = r
        # a lone module carries no BIOS version: igdkit cannot call it the running
        # BIOS or another one, and says so, naming OVMF's version
        want(dmi and f["dmi_bios_version"] == dmi and f["same_bios"] is None and not f["version_found"] and
             f["bios_note"] == f'the file is a single module (PE32 image section), which carries no BIOS version: '
                               f'make sure it comes from the running BIOS "{dmi}"',
             f"{s}: BIOS comparison {f['dmi_bios_version']!r} same={f['same_bios']} note={f['bios_note']!r}")
        want(doc["firmware"]["uefi_boot"] is True, f"{s}: not seen as a UEFI boot")
    if problems:
        print("efivar_test:", "; ".join(problems))
        sys.exit(1)
    print(f"efivar_test: {plan['var']} read live in states {', '.join(STATES)}, gone: as written")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "assert":
        check(sys.argv[2])
    else:
        sys.exit(__doc__)
