#!/usr/bin/env python3
"""layers.py [TOOLS_DIR] - the include graph between the folders of tools/ points one way.

Each folder has a layer; a file may include headers of its own folder and of folders on
lower layers only (so no cycles, and no engine reaches up into a command). Commands do not
call each other's cmd_* functions: only tools/cmd.c (the table) and the command's own folder
name them. A folder missing from LAYERS fails too: place a new folder deliberately.
--selftest builds small trees that break each rule and checks that they are caught.
Prints "layers: N passed, M failed".
"""
import os
import re
import sys
import tempfile

# Lowest first. Same layer, different folder: neither may include the other.
LAYERS = {
    'lib': 0,        # reader, diag, json, opts, cli, atomic, ... (no igdkit knowledge)
    'igd': 1,        # the Intel iGPU itself: device ids, GGC/stolen memory decoding
    'host': 2,       # reading the running machine (live, --root, --pci-dump, efivars, ACPI)
    'fw': 2,         # firmware image formats
    'rom': 3,        # option ROMs (uses fw for EFI compression, igd for generations)
    'pve': 3,        # a Proxmox VE install as data
    'verdict': 3,    # one verdict per prerequisite, from what host/ read
    'plan': 4,       # the decisions and the file changes they imply
    'change': 5,     # writing a plan safely: diff, backup, manifest, apply, undo, rebuild
    'report': 6,     # what igdkit tells: check's report, the forum report (and `igdkit report`)
    'diagnose': 6,   # findings on an installed PVE and their fixes as a change set (repair, menu)
    'check': 7, 'install': 7, 'repair': 7, 'menu': 7,   # the commands
    '.': 8,          # main.c, cmd.c, igdkit.h: the dispatcher
}
CLI_HELPERS = {'cmd_parse', 'cmd_parse_noargs', 'cmd_fail', 'cmd_warn', 'cmd_progress', 'cmd_print_diag', 'cmd_not_implemented'}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
CMD_DEF = re.compile(r'^int\s+(cmd_\w+)\s*\(', re.M)
CMD_USE = re.compile(r'\b(cmd_\w+)\s*\(')


def folder_of(top, path):
    rel = os.path.relpath(path, top).split(os.sep)
    return rel[0] if len(rel) > 1 else '.'


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', text)


def check(top):
    """Returns a list of (rule, message) problems; [] when the tree is clean."""
    problems = []
    files = []
    for d, _, fs in os.walk(top):
        files += [os.path.join(d, f) for f in fs if f.endswith(('.c', '.h'))]
    for f in sorted(files):
        a = folder_of(top, f)
        if a not in LAYERS:
            problems.append(('known', '%s: folder %s/ has no layer in tests/build/layers.py' % (f, a)))
            continue
        for inc in INCLUDE.findall(open(f, errors='replace').read()):
            for cand in (os.path.normpath(os.path.join(os.path.dirname(f), inc)),
                         os.path.normpath(os.path.join(top, inc))):
                if os.path.exists(cand):
                    b = folder_of(top, cand)
                    if b != a and b in LAYERS and LAYERS[b] >= LAYERS[a]:
                        problems.append(('downward', '%s includes %s: %s/ (layer %d) may only include lower layers, '
                                         'not %s/ (layer %d)' % (f, inc, a, LAYERS[a], b, LAYERS[b])))
                    break
    defined = {}
    for f in files:
        if f.endswith('.c'):
            for name in CMD_DEF.findall(open(f, errors='replace').read()):
                defined[name] = folder_of(top, f)
    for f in sorted(files):
        if not f.endswith('.c'):
            continue
        a = folder_of(top, f)
        for name in set(CMD_USE.findall(strip_comments(open(f, errors='replace').read()))):
            if name in CLI_HELPERS or name not in defined:
                continue
            if defined[name] != a and os.path.relpath(f, top) != 'cmd.c':
                problems.append(('commands', '%s calls %s of %s/: commands share engines, not each other'
                                 % (f, name, defined[name])))
    return problems


RULES = ('known', 'downward', 'commands')


def report(problems):
    failed = {r for r, _ in problems}
    for _, msg in problems:
        print('layers: %s' % msg)
    return len(RULES) - len(failed), len(failed)


def selftest():
    """Each broken tree must be caught by its rule, and a clean one must pass."""
    cases = {
        'clean': ({'lib/a.h': '', 'plan/p.c': '#include "lib/a.h"\n'}, set()),
        'upward': ({'lib/a.h': '#include "plan/p.h"\n', 'plan/p.h': ''}, {'downward'}),
        'same-layer': ({'rom/r.h': '#include "pve/t.h"\n', 'pve/t.h': ''}, {'downward'}),
        'relative-upward': ({'host/h.c': '#include "../check/c.h"\n', 'check/c.h': ''}, {'downward'}),
        'unknown': ({'misc/x.c': ''}, {'known'}),
        'command-call': ({'install/i.c': 'int cmd_install(void) { return cmd_rom_make(0); }\n',
                          'rom/m.c': 'int cmd_rom_make(int x) { return x; }\n'}, {'commands'}),
    }
    ok = bad = 0
    for name, (tree, want) in cases.items():
        with tempfile.TemporaryDirectory() as t:
            for rel, text in tree.items():
                os.makedirs(os.path.join(t, os.path.dirname(rel)), exist_ok=True)
                with open(os.path.join(t, rel), 'w') as fh:
                    fh.write(text)
            got = {r for r, _ in check(t)}
        if got == want:
            ok += 1
        else:
            bad += 1
            print('layers: selftest %s: expected %s, got %s' % (name, sorted(want), sorted(got)))
    return ok, bad


def main():
    args = [a for a in sys.argv[1:] if a != '--selftest']
    top = args[0] if args else 'tools'
    p, f = report(check(top))
    if '--selftest' in sys.argv:
        sp, sf = selftest()
        p, f = p + sp, f + sf
    print('layers: %d passed, %d failed' % (p, f))
    return 1 if f else 0


if __name__ == '__main__':
    sys.exit(main())
