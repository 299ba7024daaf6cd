#!/usr/bin/env python3
"""An oracle for modcheck that shares no code with it, and its comparison with modcheck.

The oracle decides from facts other tools extracted (test-modcheck-oracle.sh gathers them):
  V <TAB> module <TAB> 0xCRC <TAB> symbol   a __versions record (`modprobe --dump-modversions`)
  U <TAB> module <TAB> symbol               an undefined symbol, STB_GLOBAL (`readelf -sW`)
  W <TAB> module <TAB> symbol               an undefined symbol, STB_WEAK
  M <TAB> module                            a module (so one with no facts is still counted)
and the kernel's Module.symvers, the way RHEL's weak-modules judges a module with depmod:
  * module_layout's record differs from the kernel's CRC          -> incompatible;
  * an imported symbol's record differs from the kernel's CRC     -> incompatible;
  * an undefined non-weak symbol the kernel does not export       -> incompatible.
Per module it keeps the SET of symbols whose CRC disagrees (module_layout included), so the
comparison stays meaningful when every module fails at module_layout: modcheck must then run
with --keep-going to report past module_layout.

modcheck's side is its --json report: verdict "incompatible" against the oracle's verdict, and
the symbols of its module_layout/disagrees_version problems against the oracle's set (and its
unknown_symbol problems against the oracle's missing symbols). Prints the counts and every
disagreement; exits 1 when there is any.
"""
import argparse
import json
import os
import re
import sys
from collections import Counter, defaultdict


def read_symvers(path):
    crc = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            fields = line.rstrip('\n').split('\t')
            if len(fields) < 4:
                sys.exit(f'{path}:{n}: malformed line')
            crc[fields[1]] = int(fields[0], 16)
    return crc


def module_key(path, root):
    """The module's path under root, without a compression suffix: facts may come from a
    decompressed copy of a tree of .ko.xz that modcheck read as they are."""
    return re.sub(r'\.(xz|zst|gz)$', '', os.path.relpath(path, root))


def read_facts(folder, root):
    mods = {}

    def mod(path):
        rel = module_key(path, root)
        if rel not in mods:
            mods[rel] = {'records': {}, 'undef': set(), 'weak': set()}
        return mods[rel]

    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name)) as f:
            for line in f:
                fields = line.rstrip('\n').split('\t')
                kind = fields[0]
                if kind == 'M':
                    mod(fields[1])
                elif kind == 'V':
                    # The loader takes the first record of a name.
                    mod(fields[1])['records'].setdefault(fields[3], int(fields[2], 16))
                elif kind == 'U':
                    mod(fields[1])['undef'].add(fields[2])
                elif kind == 'W':
                    mod(fields[1])['weak'].add(fields[2])
                else:
                    sys.exit(f'{name}: bad fact line {line!r}')
    return mods


def oracle(m, kernel):
    bad = set()
    rec = m['records']
    if 'module_layout' in rec and 'module_layout' in kernel and \
            rec['module_layout'] != kernel['module_layout']:
        bad.add('module_layout')
    for s in m['undef'] | m['weak']:
        if s in kernel and s in rec and rec[s] != kernel[s]:
            bad.add(s)
    missing = {s for s in m['undef'] if s not in kernel}
    return bool(bad or missing), bad, missing


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--facts', required=True)
    ap.add_argument('--root', required=True, help='folder module paths are relative to')
    ap.add_argument('--facts-root', help='folder the facts\' module paths are relative to '
                    '(default: --root)')
    ap.add_argument('--symvers', required=True)
    ap.add_argument('--modcheck', required=True, help='modcheck --json output')
    ap.add_argument('--label', default='')
    ap.add_argument('--expect', choices=['all-compatible', 'all-incompatible'])
    a = ap.parse_args()

    kernel = read_symvers(a.symvers)
    mods = read_facts(a.facts, a.facts_root or a.root)
    with open(a.modcheck) as f:
        report = json.load(f)
    checked = {}
    for v in report['modules']:
        checked[module_key(v['path'], a.root)] = v

    label = f'{a.label}: ' if a.label else ''
    problems = []
    n_verdict = n_set = n_missing = n_oracle_bad = n_modcheck_bad = 0
    other_kinds = Counter()
    set_sizes = Counter()
    n_with_missing = 0
    missing_syms = set()
    symbol_freq = Counter()
    for rel in sorted(set(mods) | set(checked)):
        if rel not in checked:
            problems.append(f'{rel}: no verdict from modcheck')
            continue
        if rel not in mods:
            problems.append(f'{rel}: checked by modcheck, but no facts were gathered')
            continue
        v = checked[rel]
        if v['verdict'] == 'unreadable':
            problems.append(f'{rel}: modcheck could not read it: {v.get("error")}')
            continue
        o_bad, o_set, o_missing = oracle(mods[rel], kernel)
        m_bad = v['verdict'] == 'incompatible'
        by_kind = defaultdict(set)
        for p in v['problems']:
            by_kind[p['kind']].add(p['symbol'] or '')
        m_set = by_kind.pop('module_layout', set()) | by_kind.pop('disagrees_version', set())
        m_missing = by_kind.pop('unknown_symbol', set())
        for kind, syms in by_kind.items():
            other_kinds[kind] += 1
        n_oracle_bad += o_bad
        n_modcheck_bad += m_bad
        set_sizes[len(o_set)] += 1
        symbol_freq.update(o_set)
        if o_missing:
            n_with_missing += 1
            missing_syms.update(o_missing)
        if o_bad == m_bad:
            n_verdict += 1
        else:
            problems.append(f'{rel}: verdict: oracle {"incompatible" if o_bad else "compatible"}, '
                            f'modcheck {v["verdict"]} (other problems: {dict(by_kind)})')
        if o_set == m_set:
            n_set += 1
        else:
            problems.append(f'{rel}: CRC mismatches: only oracle {sorted(o_set - m_set)}, '
                            f'only modcheck {sorted(m_set - o_set)}')
        if o_missing == m_missing:
            n_missing += 1
        else:
            problems.append(f'{rel}: missing symbols: only oracle {sorted(o_missing - m_missing)}, '
                            f'only modcheck {sorted(m_missing - o_missing)}')

    total = len(set(mods) | set(checked))
    print(f'{label}modules {total}, oracle incompatible {n_oracle_bad}, '
          f'modcheck incompatible {n_modcheck_bad}')
    print(f'{label}agreeing verdicts {n_verdict}/{total}, agreeing CRC-mismatch sets '
          f'{n_set}/{total}, agreeing missing-symbol sets {n_missing}/{total}')
    mismatching = sum(n for size, n in set_sizes.items() if size > 0)
    beyond_layout = sum(1 for s in symbol_freq if s != 'module_layout')
    print(f'{label}modules with CRC mismatches {mismatching} '
          f'(beyond module_layout: {sum(n for size, n in set_sizes.items() if size > 1)} modules, '
          f'{beyond_layout} distinct symbols)')
    print(f'{label}modules importing symbols the kernel lacks {n_with_missing} '
          f'({len(missing_syms)} distinct symbols)')
    if symbol_freq:
        top = ', '.join(f'{s} {n}' for s, n in symbol_freq.most_common(6))
        print(f'{label}most frequent: {top}')
    if other_kinds:
        print(f'{label}other modcheck problem kinds (modules): {dict(other_kinds)}')
    if a.expect == 'all-compatible' and (n_oracle_bad or n_modcheck_bad):
        problems.append(f'expected every module compatible: oracle refuses {n_oracle_bad}, '
                        f'modcheck {n_modcheck_bad}')
    if a.expect == 'all-incompatible' and (n_oracle_bad != total or n_modcheck_bad != total):
        problems.append(f'expected every module incompatible: oracle {n_oracle_bad}, '
                        f'modcheck {n_modcheck_bad} of {total}')
    if total < 1000:
        problems.append(f'only {total} modules: the corpus looks incomplete')
    for p in problems[:50]:
        print(f'{label}DISAGREE {p}')
    if len(problems) > 50:
        print(f'{label}... {len(problems) - 50} more')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
