#!/usr/bin/env python3
"""assert_check.py MODE AUTORUN_LOG - check what `igdkit check --json` reported
inside a QEMU guest. The guests are known machines, so the verdicts are too:
  q35-iommu  q35 + -device intel-iommu: a DMAR table (OEM BOCHS) with QEMU's
             one remapping unit at 0xfed90000 (aw-bits default 39), an active
             IOMMU, and no Intel iGPU.
  uefi-sb    OVMF with Secure Boot enforced: UEFI boot, Secure Boot on."""
import json, re, sys

mode, path = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8", errors="replace").read()
m = re.search(r"=== igdkit autorun begin ===\n(.*)\n=== igdkit autorun end \(rc=(\d+)\) ===", text, re.S)
if not m:
    sys.exit("assert_check: no autorun block")
body, rc = m.group(1), int(m.group(2))
doc = json.loads(body[body.index("{"):body.rindex("}") + 1])
v = {x["id"]: x for x in doc["verdicts"]}
problems = []

def want(cond, what):
    if not cond:
        problems.append(what)

want(doc["exit_code"] == rc, f"exit_code {doc['exit_code']} in JSON but rc={rc}")
if mode == "q35-iommu":
    d = doc["dmar"]
    want(d.get("present") is True, "DMAR table not reported present")
    want(d.get("oem_id", "").strip() == "BOCHS", f"OEM id {d.get('oem_id')!r}, not QEMU's BOCHS")
    want(d.get("host_address_width") == 39, f"host address width {d.get('host_address_width')}, QEMU's default is 39")
    want([u.get("base") for u in d.get("drhd", [])] == ["0xfed90000"],
         f"DRHD bases {[u.get('base') for u in d.get('drhd', [])]}, QEMU has one at 0xfed90000")
    want(v["vtd"]["status"] == "ok", f"vtd verdict {v['vtd']['status']}: {v['vtd']['evidence']}")
    want(v["iommu"]["status"] == "ok", f"iommu verdict {v['iommu']['status']}: {v['iommu']['evidence']}")
    want("dmar0" in v["iommu"]["evidence"] or "group" in v["iommu"]["evidence"], "iommu evidence names no unit or group")
    want(doc["igd"]["present"] is False, "an Intel iGPU was reported in QEMU")
    want(v["igd"]["status"] == "fix" and "no Intel iGPU" in v["igd"]["evidence"],
         f"igd verdict {v['igd']['status']}: {v['igd']['evidence']}")
    want(rc == 1, f"rc {rc}, want 1 (something to fix: no iGPU)")
elif mode == "uefi-sb":
    want(v["boot_mode"]["status"] == "ok" and "UEFI" in v["boot_mode"]["evidence"],
         f"boot_mode: {v['boot_mode']['evidence']}")
    sb = v["secure_boot"]
    want("SecureBoot=1" in sb["evidence"] and "SetupMode=0" in sb["evidence"],
         f"secure_boot evidence does not say it is on: {sb['evidence']}")
    want(doc["dmar"].get("present") is False, "DMAR reported on a q35 without intel-iommu")
else:
    sys.exit(f"assert_check: unknown mode {mode}")
if problems:
    print("assert_check:", "; ".join(problems))
    sys.exit(1)
print(f"assert_check: {mode}: all verdicts as expected")
