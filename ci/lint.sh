#!/usr/bin/env bash
# Checks factoryguard's own C++ code (matchers/, tool/, tests/, fuzz/,
# include/; never testdata/ or system headers) against the project's
# .clang-format (LLVM style), layer order and .clang-tidy. Run by ci/test.sh after the
# build; needs build/compile_commands.json (ci/build.sh writes it).
#
# clang-format: every file whole, except the files listed in
# ci/format-pending.txt. Those predate .clang-format and are not reformatted
# wholesale (that would collide with every branch in flight); in them only
# the lines changed since FACTORYGUARD_LINT_BASE are checked (default: the
# merge base with the local `main` branch, or HEAD, i.e. uncommitted changes).
# A file leaves the list once it is formatted whole.
# Moved files are followed: their changed lines are those changed since the
# base under their old name.
# layers: the include lines of matchers/ and tool/ against the layer order of
# docs/architecture.md (below); an include that points up or sideways fails
# with the file, the line and the two layers.
# clang-tidy: every translation unit of matchers/ and tool/ in the compile
# database, our headers through HeaderFilterRegex; -j as ci/build.sh.
#
# Usage: ci/lint.sh [format|layers|tidy]   (default: all three)
# To fix the formatting of your changes: git clang-format-19 <base>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FACTORYGUARD_BUILD_DIR:-$root/build}
jobs=${FACTORYGUARD_JOBS:-$(nproc)}
what=${1:-all}
cd "$root"
status=0

if [ "$what" = all ] || [ "$what" = format ]; then
  mapfile -t pending < <(grep -v '^#' ci/format-pending.txt | sed '/^$/d')
  mapfile -t files < <(git ls-files --cached --others --exclude-standard \
    'matchers/*.cpp' 'matchers/*.h' 'tool/*.cpp' 'tool/*.h' 'tests/*.cpp' \
    'tests/*.h' 'fuzz/*.cpp' 'fuzz/*.h' 'include/*.h')
  whole=()
  for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    skip=0
    for p in "${pending[@]}"; do [ "$f" = "$p" ] && skip=1 && break; done
    [ "$skip" = 1 ] || whole+=("$f")
  done
  if ! clang-format-19 --dry-run --Werror "${whole[@]}"; then
    echo "ci/lint.sh: files above are not clang-format clean (clang-format-19 -i <file>)" >&2
    status=1
  fi
  base=${FACTORYGUARD_LINT_BASE:-}
  if [ -z "$base" ]; then
    base=$(git merge-base HEAD main 2>/dev/null || git rev-parse HEAD)
  fi
  present=()
  for p in "${pending[@]}"; do [ -f "$p" ] && present+=("$p"); done
  # The lines changed since the base, per file as it is named now, with
  # renames followed (git clang-format would take a moved file for a new
  # one, every line changed), checked with clang-format's --lines.
  if [ "${#present[@]}" -gt 0 ] && ! python3 - "$base" "${present[@]}" <<'PY'
import re, subprocess, sys
base, files = sys.argv[1], set(sys.argv[2:])
diff = subprocess.run(["git", "diff", "-M", "-U0", "--no-color", "--no-ext-diff",
                       base], capture_output=True, text=True, check=True).stdout
ranges, current = {}, None
for line in diff.splitlines():
    if line.startswith("+++ "):
        current = line[6:] if line.startswith("+++ b/") else None
    elif line.startswith("@@") and current in files:
        m = re.match(r"@@ -\S+ \+(\d+)(?:,(\d+))? @@", line)
        start, count = int(m.group(1)), int(m.group(2) or "1")
        if count:
            ranges.setdefault(current, []).append(
                "--lines=%d:%d" % (start, start + count - 1))
bad = False
for f, lines in sorted(ranges.items()):
    bad |= subprocess.run(["clang-format-19", "--dry-run", "--Werror"] + lines +
                          [f]).returncode != 0
sys.exit(1 if bad else 0)
PY
  then
    echo "ci/lint.sh: lines changed since $base are not clang-format clean (git clang-format-19 $base)" >&2
    status=1
  fi
fi

if [ "$what" = all ] || [ "$what" = layers ]; then
  # The layers, lowest first (docs/architecture.md): a file may include
  # headers of its own folder and of lower layers only. Folders on one line
  # are peers and include none of each other. Includes are by file name
  # (each folder's library puts its folder on the include path of the
  # libraries above it), so a name must be unique across the folders.
  if ! python3 - <<'PY'
import os, re, subprocess, sys
LAYERS = [
    ["matchers"],                            # the engine: rules, model, config
    ["tool/report"],                         # SARIF, text, fixes, output
    ["tool/run"],                            # units, driver, cache, shards
    ["tool/audit", "tool/lsp", "tool/tidy"],  # the audit, the server, the plugin
    ["tool/cli"],                            # main, options, subcommands
]
rank = {d: i for i, row in enumerate(LAYERS) for d in row}
def name(d):
    return d.split("/")[-1] if d.startswith("tool/") else "engine (matchers)"
def order():
    return " > ".join(", ".join(name(d) for d in row) for row in reversed(LAYERS))
files = subprocess.run(["git", "ls-files", "--cached", "--others",
                        "--exclude-standard", "matchers", "tool"],
                       capture_output=True, text=True, check=True).stdout.split()
files = [f for f in files if f.endswith((".h", ".cpp", ".def")) and os.path.exists(f)]
errors = []
home = {}
for f in files:
    d = os.path.dirname(f)
    if d not in rank:
        errors.append("%s: C++ outside the layers (%s)" % (f, ", ".join(sorted(rank))))
        continue
    base = os.path.basename(f)
    if base in home and home[base] != d:
        errors.append("%s: '%s' is also in %s/; includes are by name, so "
                      "names are unique across layers" % (f, base, home[base]))
    home.setdefault(base, d)
known = set(files)
include = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
for f in files:
    d = os.path.dirname(f)
    if d not in rank:
        continue
    with open(f, encoding="utf-8", errors="replace") as text:
        for n, line in enumerate(text, 1):
            m = include.match(line)
            if not m:
                continue
            inc = m.group(1)
            if "/" in inc:  # ours only when it names one of our files
                path = next((p for p in (os.path.normpath(os.path.join(d, inc)),
                                         os.path.normpath(inc))
                             if p in known), None)
                target = os.path.dirname(path) if path else None
            else:
                target = home.get(inc)
            if target is None or target == d:
                continue  # LLVM, Clang, generated, or the folder's own
            if rank[target] < rank[d]:
                continue
            how = "up" if rank[target] > rank[d] else "sideways, to a peer"
            errors.append('%s:%d: #include "%s" points %s: %s -> %s (layers: %s)'
                          % (f, n, m.group(1), how, name(d), name(target), order()))
for e in errors:
    print(e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
  then
    echo "ci/lint.sh: an include breaks the layer order (docs/architecture.md)" >&2
    status=1
  fi
fi

if [ "$what" = all ] || [ "$what" = tidy ]; then
  db="$build/compile_commands.json"
  if [ ! -f "$db" ]; then
    echo "ci/lint.sh: $db is missing; run ci/build.sh first" >&2
    exit 2
  fi
  mapfile -t units < <(python3 - "$db" "$root" <<'PY'
import json, os, sys
db, root = sys.argv[1], sys.argv[2]
seen = set()
for e in json.load(open(db)):
    f = os.path.normpath(os.path.join(e["directory"], e["file"]))
    rel = os.path.relpath(f, root)
    if rel.split(os.sep)[0] in ("matchers", "tool") and rel not in seen:
        seen.add(rel)
        print(rel)
PY
)
  if ! printf '%s\n' "${units[@]}" |
       xargs -P "$jobs" -n 1 clang-tidy-19 -p "$build" --quiet; then
    echo "ci/lint.sh: clang-tidy found problems (see above)" >&2
    status=1
  fi
fi
exit "$status"
